// Request bodies of the delivery configuration (CONTRACT.md 7.4). Strict: PUT replaces both URLs,
// so a misspelt field ("testURL") must be refused, not dropped along with the test URL.
import { z } from 'zod';
import { deliveryUrl } from '../../../lib/domain/schemas';

/** http(s), no credentials; the port and private-host rules need DELIVERY_ALLOW_PRIVATE (the application checks them). */
export const DeliveryConfigBody = z
  .object({
    url: deliveryUrl,
    testUrl: deliveryUrl.nullable().optional(),
    notifyEnabled: z.boolean().optional(),
  })
  .strict();

export const TestPushBody = z.object({ env: z.union([z.literal(0), z.literal(1)]).default(1) }).strict();
