// The after-sales records (CONTRACT.md 8.4) as the OpenAPI document describes them: the queries
// are the schemas ./routes.ts parses with.
import { z } from 'zod';
import { err, int, isoTime, nextCursor, ok } from '../../openapi/route-doc';
import { ConsoleCodes as C } from '../errors';
import { appNotFound, consoleGroup, needs } from '../openapi-support';
import { AppPath } from '../validators';
import { RefundExportQuery, RefundListQuery } from './validators';

const badRange = err(400, C.badDateRange, 'from/to malformed, to before from, or from more than 12 months before now');

/** A refund as CONTRACT.md 8.2 shows it. */
const Refund = z.looseObject({
  refundId: z.string(),
  outRefundNo: z.string().nullable(),
  source: z.enum(['superapp', 'game', 'console']),
  orderId: z.string(),
  appId: z.string(),
  outTradeNo: z.string(),
  openId: z.string(),
  refundAmount: int,
  currencyType: z.string(),
  reason: z.string(),
  status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']),
  failReason: z.string().nullable(),
  createdAt: isoTime,
  refundedAt: isoTime.nullable(),
  notifiedAt: isoTime.nullable(),
  notifyAttempts: int,
});

const RefundPage = ok({ refunds: z.array(Refund), nextCursor, from: isoTime, to: isoTime });

const exportContent = {
  'text/csv': { schema: { type: 'string' as const, description: 'one row per refund, with a header row (UTF-8)' } },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    schema: {
      type: 'string' as const,
      contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      description: 'one row per refund, with a header row (sheet `refunds`)',
    },
  },
};

export const refundRecordRoutes = consoleGroup(
  'Console: after-sales records',
  "CONTRACT.md 8.4. Lists bound the refunds' createdAt (when each was initiated) by from/to: to defaults to now, from to 7 days before it, never more than 12 months back; newest first.",
  [
    {
      method: 'get',
      path: '/apps/{appId}/refunds',
      summary: "An app's refunds",
      description: "`orderId`, `outTradeNo` and `refundId` (vpay's refundId or the outRefundNo) search within the range.",
      params: AppPath,
      query: RefundListQuery,
      success: { status: 200, description: 'a page of refunds and the effective range', schema: RefundPage },
      errors: [appNotFound, needs('refunds.view'), badRange],
    },
    {
      method: 'get',
      path: '/apps/{appId}/refunds/export',
      summary: "Export an app's refunds",
      description: 'The list filters; streamed from a database cursor, in bounded memory, whatever the number of refunds.',
      params: AppPath,
      query: RefundExportQuery,
      success: { status: 200, description: 'the file, as an attachment', content: exportContent },
      errors: [appNotFound, needs('refunds.view'), badRange],
    },
  ],
);
