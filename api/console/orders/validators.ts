// Query parameters of the console's order records (CONTRACT.md 7.7). `from` and `to` stay text
// here: a date that is not ISO 8601 is a bad date range (400/40003), which the application
// judges along with the range itself (lib/domain/date-range.ts).
import { z } from 'zod';
import { ORDER_STATUSES } from '../../../lib/domain/order';
import { isStorableText } from '../../../lib/domain/schemas';
import { PagingQuery } from '../validators';

/** An empty parameter (`status=`, as a form sends an unset field) is no filter. */
const optional = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const Text = (max: number) => z.string().max(max).refine(isStorableText, 'must be well-formed text');

export const OrderFilterQuery = z.object({
  from: optional(z.string().max(64)),
  to: optional(z.string().max(64)),
  status: optional(z.enum(ORDER_STATUSES)),
  env: optional(z.enum(['0', '1']).transform((v) => Number(v) as 0 | 1)),
  orderId: optional(Text(64)),
  outTradeNo: optional(Text(64)),
  openId: optional(Text(128)),
  productId: optional(Text(128)),
});

export const OrderListQuery = OrderFilterQuery.extend(PagingQuery.shape);

/** GET /v1/console/orders: the list across the apps the caller sees, or one of them. */
export const CrossAppOrderListQuery = OrderListQuery.extend({ appId: optional(Text(64)) });

export const OrderExportQuery = OrderFilterQuery.extend({ format: z.enum(['csv', 'xlsx']).default('csv') });
