// Query parameters of the console's after-sales records (CONTRACT.md 8.4). `from` and `to` stay
// text here: a date that is not ISO 8601 is a bad date range (400/40003), which the application
// judges along with the range itself (lib/domain/date-range.ts).
import { z } from 'zod';
import { isStorableText } from '../../../lib/domain/schemas';
import { PagingQuery } from '../validators';

/** An empty parameter (`orderId=`, as a form sends an unset field) is no filter. */
const optional = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const Text = (max: number) => z.string().max(max).refine(isStorableText, 'must be well-formed text');

export const RefundFilterQuery = z.object({
  from: optional(z.string().max(64)),
  to: optional(z.string().max(64)),
  orderId: optional(Text(64)),
  outTradeNo: optional(Text(64)),
  refundId: optional(Text(64).meta({ description: "vpay's refundId or the game's or console's outRefundNo" })),
});

export const RefundListQuery = RefundFilterQuery.extend(PagingQuery.shape);

export const RefundExportQuery = RefundFilterQuery.extend({ format: z.enum(['csv', 'xlsx']).default('csv') });
