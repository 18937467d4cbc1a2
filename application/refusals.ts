// The refusals the application answers with, in domain terms. Each audience maps them to its own
// codes and messages (its errors.ts); the application never speaks HTTP.
import type { OrderRow } from '../lib/db/repos/orders';
import type { RefundRefusal as RefundClaimRefusal } from '../lib/domain/refund';

/** Why a payment request was refused, after the caller authenticated it (CONTRACT.md 2). */
export type PurchaseRefusal =
  | { reason: 'paymentDisabled' }
  /** No delivery URL for the request's env (the test URL for env 1): nowhere to notify (CONTRACT.md 7.4). */
  | { reason: 'noDeliveryUrl'; env: 0 | 1 }
  /** The app's delivery notifications are turned off (CONTRACT.md 7.4). */
  | { reason: 'notificationsOff' }
  | { reason: 'itemNotFound' }
  | { reason: 'outTradeNoConflict' }
  | { reason: 'priceMismatch'; given: number; registered: number }
  | { reason: 'currencyMismatch'; given: string; registered: string }
  /**
   * `superappError` when the workflow answered with the superapp's reason (for the log: it may name
   * the superapp's internal address, so it is never shown to the client); absent when the CLOSED row did.
   */
  | { reason: 'prepayFailed'; superappError?: string }
  /**
   * PAYMENT_REQUESTS_MAX_IN_FLIGHT requests of this process already wait on Temporal: refused
   * before anything was started or stored, so the same request later is a first request.
   */
  | { reason: 'busy' };

export class PurchaseRefused extends Error {
  constructor(readonly refusal: PurchaseRefusal) {
    super(`payment request refused: ${refusal.reason}`);
    this.name = 'PurchaseRefused';
  }

  get reason(): PurchaseRefusal['reason'] {
    return this.refusal.reason;
  }
}

/**
 * The workflow refused a payment callback but the order row, which callbacks are answered from,
 * did not settle (closed, or holding a payment) within the wait: answered as a retryable 503, never
 * as a refusal the row might yet contradict (application/record-payment.ts).
 */
export class PaymentUnsettled extends Error {
  constructor() {
    super('the order row did not settle after the workflow refused the payment');
    this.name = 'PaymentUnsettled';
  }
}

/** Why a payment callback was refused (CONTRACT.md 3.2). */
export type PaymentRefusal = 'unknownOrder' | 'orderClosed' | 'alreadyPaid' | 'paymentMismatch';

export class PaymentRefused extends Error {
  constructor(
    readonly reason: PaymentRefusal,
    /** The order the payment was for, when it exists (for the caller's log line). */
    readonly order?: OrderRow,
  ) {
    super(`payment callback refused: ${reason}`);
    this.name = 'PaymentRefused';
  }
}

/**
 * Why a refund was refused (CONTRACT.md 8.1, 8.2): no such order (of the app), no such refund (the
 * refund query), or a refusal of its claim, in the contract's order.
 */
export type RefundRefusal = 'unknownOrder' | 'unknownRefund' | RefundClaimRefusal;

export class RefundRefused extends Error {
  constructor(
    readonly reason: RefundRefusal,
    /** The order the refund was for, when it exists (for the caller's log line). */
    readonly order?: OrderRow,
  ) {
    super(`refund refused: ${reason}`);
    this.name = 'RefundRefused';
  }

  /**
   * Set when the superapp reported a refund it made that vpay cannot record (it would refund more
   * than was paid): money moved that vpay's books do not show, so the route raises an alert.
   */
  unrecordable = false;
}
