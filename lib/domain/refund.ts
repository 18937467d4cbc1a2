// What a refund is, independent of how it is run or stored (CONTRACT.md 8): where it came from,
// its statuses, and the draft the API validated. The refund workflow (workflows/definitions.ts
// re-exports these) and the refunds projection (lib/db/repos/refunds.ts) both build on it. Keep it
// free of imports: it is bundled into the workflow sandbox.

/** Where a refund came from: the superapp made it (8.1), a game backend or the console asked (8.2). */
export const REFUND_SOURCES = ['superapp', 'game', 'console'] as const;
export type RefundSource = (typeof REFUND_SOURCES)[number];

export const REFUND_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/**
 * A refund as the API validated it, fixed when its workflow starts. For a refund the superapp made
 * (8.1) `refundId` is the superapp's and `refundedAt` its time; for one asked through vpay (8.2)
 * `refundId` is vpay's (`rfd_…`) and `outRefundNo` the asker's number.
 */
export interface RefundDraft {
  refundId: string;
  source: RefundSource;
  appId: string;
  orderId: string;
  outTradeNo: string;
  outRefundNo: string | null;
  openId: string;
  transactionId: string;
  refundAmount: number;
  currencyType: string;
  reason: string;
  env: 0 | 1;
  /** When the refund was initiated (ISO 8601). */
  createdAt: string;
  /** The superapp's refundedAt (8.1); null for a refund asked through vpay. */
  refundedAt: string | null;
  /**
   * For a refund asked in the console: who asked (no secret), so that the claim writes the audit
   * log's `order.refund` entry in the transaction that records the refund (CONTRACT.md 7.8). Not
   * one of the refund's fields: a repeat by someone else is the same refund.
   */
  audit?: RefundAuditor | null;
}

/** The console user a refund's audit entry names, and the team of the app it was asked for. */
export interface RefundAuditor {
  userId: string;
  role: string;
  teamId: string | null;
}

/**
 * Why a refund was refused before anything was recorded, in the order the contract checks them
 * (8.1): another refund already took the refundId (or outRefundNo) with other fields, the order is
 * not paid, the transaction is not the order's payment, the currency differs, the amount is not
 * positive or exceeds what is left to refund.
 */
export type RefundRefusal = 'refundConflict' | 'orderNotPaid' | 'transactionMismatch' | 'currencyMismatch' | 'amountNotRefundable';

/** The order statuses a refund may be taken from: the order was paid (REFUNDED: nothing is left). */
export const REFUNDABLE_ORDER_STATUSES = ['PAID', 'DELIVERED', 'REFUNDED'] as const;

/** The fields two requests for one refund must agree on (8.1's "same refundId and fields", 8.2's "same body"). */
export function sameRefund(a: RefundDraft, b: Omit<RefundDraft, 'refundId' | 'createdAt'>): boolean {
  return (
    a.source === b.source &&
    a.appId === b.appId &&
    a.orderId === b.orderId &&
    a.transactionId === b.transactionId &&
    a.refundAmount === b.refundAmount &&
    a.currencyType === b.currencyType &&
    a.reason === b.reason &&
    (a.outRefundNo ?? null) === (b.outRefundNo ?? null) &&
    (a.source !== 'superapp' || a.refundedAt === b.refundedAt)
  );
}
