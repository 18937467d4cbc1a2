// The after-sales export's files (CONTRACT.md 8.4): the refunds' columns, written by the
// console's export writer (../export-files.ts: CSV or XLSX, streamed in bounded memory).
import type { Response } from 'express';
import type { RefundExport } from '../../../application/console/refund-records';
import type { RefundView } from '../../../lib/db/repos/refunds';
import type { Logger } from '../../../lib/platform/logger';
import { sendExport, type ExportFormat } from '../export-files';

/** The columns, in order: a listed refund's fields (8.2's refund). */
export const REFUND_EXPORT_COLUMNS = [
  'refundId',
  'outRefundNo',
  'source',
  'orderId',
  'appId',
  'outTradeNo',
  'openId',
  'refundAmount',
  'currencyType',
  'reason',
  'status',
  'failReason',
  'createdAt',
  'refundedAt',
  'notifiedAt',
  'notifyAttempts',
] as const satisfies ReadonlyArray<keyof RefundView>;

/** Answers the refund export as a file (sheet `refunds`); see sendExport. */
export function sendRefundExport(
  res: Response,
  format: ExportFormat,
  exp: RefundExport,
  o: { fileName: string; logger: Logger },
): Promise<void> {
  return sendExport(res, format, { columns: REFUND_EXPORT_COLUMNS, sheet: 'refunds', batches: exp.batches }, o);
}
