// The order export's files (CONTRACT.md 7.7): the orders' columns, written by the console's
// export writer (../export-files.ts: CSV or XLSX, streamed in bounded memory).
import type { Response } from 'express';
import type { ConsoleOrder, OrderExport } from '../../../application/console/orders';
import type { Logger } from '../../../lib/platform/logger';
import { sendExport, type ExportFormat } from '../export-files';

export { csvCell, type ExportFormat } from '../export-files';

/** The columns, in order: the list's fields (section 5's plus refundedAmount). */
export const EXPORT_COLUMNS = [
  'orderId',
  'appId',
  'openId',
  'outTradeNo',
  'productId',
  'buyQuantity',
  'goodsPrice',
  'totalAmount',
  'refundedAmount',
  'currencyType',
  'platform',
  'env',
  'attach',
  'status',
  'closeReason',
  'prepayId',
  'transactionId',
  'paidAmount',
  'createdAt',
  'paidAt',
  'deliveredAt',
  'closedAt',
  'deliveryAttempts',
] as const satisfies ReadonlyArray<keyof ConsoleOrder>;

/** Answers the order export as a file (sheet `orders`); see sendExport. */
export function sendOrderExport(
  res: Response,
  format: ExportFormat,
  exp: OrderExport,
  o: { fileName: string; logger: Logger },
): Promise<void> {
  return sendExport(res, format, { columns: EXPORT_COLUMNS, sheet: 'orders', batches: exp.batches }, o);
}
