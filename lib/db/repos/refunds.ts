// The refunds projection (CONTRACT.md 8): one row per refund, written by its refund workflow's
// activities, read by the refund query, the console's order detail and after-sales records.
// Schema: migrations/009_refunds.ts.

/** Where a refund came from: the superapp made it (8.1), a game backend or the console asked (8.2). */
export type RefundSource = 'superapp' | 'game' | 'console';
export type RefundStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/** A refund as its row keeps it. */
export interface RefundRow {
  refundId: string;
  source: RefundSource;
  appId: string;
  orderId: string;
  outTradeNo: string;
  /** The game's or console's own number; null when the superapp made the refund. */
  outRefundNo: string | null;
  openId: string;
  transactionId: string;
  refundAmount: number;
  currencyType: string;
  reason: string;
  status: RefundStatus;
  failReason: string | null;
  env: number;
  /** When the refund was initiated. */
  createdAt: Date;
  refundedAt: Date | null;
  notifiedAt: Date | null;
  notifyAttempts: number;
  lastNotifyError: string | null;
  notifyAlertedAt: Date | null;
}

/** A row of `refunds` as a RefundRow. */
export const toRefund = (r: any): RefundRow => ({
  refundId: r.refund_id,
  source: r.source,
  appId: r.app_id,
  orderId: r.order_id,
  outTradeNo: r.out_trade_no,
  outRefundNo: r.out_refund_no,
  openId: r.open_id,
  transactionId: r.transaction_id,
  refundAmount: Number(r.refund_amount),
  currencyType: r.currency_type,
  reason: r.reason,
  status: r.status,
  failReason: r.fail_reason,
  env: r.env,
  createdAt: r.created_at,
  refundedAt: r.refunded_at,
  notifiedAt: r.notified_at,
  notifyAttempts: r.notify_attempts,
  lastNotifyError: r.last_notify_error,
  notifyAlertedAt: r.notify_alerted_at,
});

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A refund as CONTRACT.md 8.2 shows it (the refund query, the console, after-sales records). */
export function refundView(r: RefundRow) {
  return {
    refundId: r.refundId,
    outRefundNo: r.outRefundNo,
    source: r.source,
    orderId: r.orderId,
    appId: r.appId,
    outTradeNo: r.outTradeNo,
    openId: r.openId,
    refundAmount: r.refundAmount,
    currencyType: r.currencyType,
    reason: r.reason,
    status: r.status,
    failReason: r.failReason,
    createdAt: iso(r.createdAt),
    refundedAt: iso(r.refundedAt),
    notifiedAt: iso(r.notifiedAt),
    notifyAttempts: r.notifyAttempts,
  };
}
export type RefundView = ReturnType<typeof refundView>;
