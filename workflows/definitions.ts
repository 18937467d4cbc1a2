// The purchase workflow's public surface: its input, its one state object, and the query,
// updates and signal sent to it. Both the API and the workflow import this module, so the two sides
// cannot drift apart. Keep it free of Node-only imports: it is bundled into the workflow sandbox.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { CloseReason, OrderDraft, OrderStatus } from '../lib/domain/order';
import type { RefundDraft, RefundRefusal, RefundStatus } from '../lib/domain/refund';

// The order's own vocabulary (statuses, close reasons, the validated draft) lives in lib/domain,
// below both this workflow and the orders projection; re-exported so this module stays the
// workflow's whole public surface.
export { ORDER_STATUSES, type CloseReason, type OrderDraft, type OrderStatus } from '../lib/domain/order';
export { REFUND_STATUSES, type RefundDraft, type RefundRefusal, type RefundSource, type RefundStatus } from '../lib/domain/refund';

/** Search attributes an operator filters on in the Temporal Web UI (CONTRACT.md 4b). */
export const SA_APP_ID = defineSearchAttributeKey('VpayAppId', 'KEYWORD');
export const SA_OUT_TRADE_NO = defineSearchAttributeKey('VpayOutTradeNo', 'KEYWORD');
export const SA_ORDER_STATUS = defineSearchAttributeKey('VpayOrderStatus', 'KEYWORD');
/** A refund workflow's status (CONTRACT.md 8.3): PENDING, SUCCEEDED, FAILED, or REFUSED (nothing recorded). */
export const SA_REFUND_STATUS = defineSearchAttributeKey('VpayRefundStatus', 'KEYWORD');
export const SEARCH_ATTRIBUTE_NAMES = ['VpayAppId', 'VpayOutTradeNo', 'VpayOrderStatus', 'VpayRefundStatus'] as const;

/**
 * Timings are copied from config into the input when the purchase starts, so a running workflow
 * keeps the settings it started with and replays deterministically after a config change.
 */
export interface PurchaseTimings {
  paymentTimeoutMs: number;
  deliveryRetryInitialMs: number;
  deliveryRetryMaxMs: number;
  deliveryAlertAfterMs: number;
  /** A run whose history grows past this many events continues as new (default 10,000). */
  continueAsNewAfterEvents?: number;
}

export interface PurchaseInput {
  order: OrderDraft;
  timings: PurchaseTimings;
  /**
   * Run the payment request's steps (order row, prepay call, PREPAID row) as local activities
   * (PURCHASE_LOCAL_STEPS). Absent from purchases started before the setting existed, and taken
   * only behind the 'local-request-steps' patch, so every recorded history replays as it ran.
   */
  localSteps?: boolean;
  /**
   * Write the payment callback's PAID row as a local activity (PURCHASE_LOCAL_PAID_ROW), and so
   * let the payment timeout's close adopt a payment the row holds. Absent from purchases started
   * before the setting existed, and taken only behind the 'local-paid-row' patch.
   */
  localPaidRow?: boolean;
  /**
   * Where the calls to the developer's endpoint run (workflows/task-queues.ts): the API's
   * DELIVERY_TASK_QUEUE when SEPARATE_DELIVERY_QUEUE is on. Absent from workflows started before
   * it existed or with it off: those calls stay on the workflow's own task queue.
   */
  deliveryTaskQueue?: string;
  /** Set when a long-undelivered purchase continues as a new run: the state it carries on from. */
  resume?: { state: PurchaseState; nextDeliveryIntervalMs: number };
}

/** The payment callback as recorded (CONTRACT.md 3.2). */
export interface PaymentRecord {
  transactionId: string;
  paidAmount: number;
  currencyType: string;
  paidAt: string;
}

/** The workflow's whole state, behind the one status query. */
export interface PurchaseState {
  orderId: string;
  appId: string;
  outTradeNo: string;
  status: OrderStatus;
  prepayId: string | null;
  closeReason: CloseReason | null;
  /** The superapp's rejection, when the prepay order could not be created. */
  prepayError: string | null;
  payment: PaymentRecord | null;
  /** Workflow time at which the PAID row was written: the payment is durable from then on. */
  paymentRecordedAt: string | null;
  confirmed: boolean;
  deliveredAt: string | null;
  /** Attempts made so far (the row counts them too, also those of crashed workers). */
  deliveryAttempts: number;
  lastDeliveryError: string | null;
  alerted: boolean;
}

/** What the payment request answers (CONTRACT.md 2), also for identical replays. */
export interface PaymentRequestResult {
  orderId: string;
  outTradeNo: string;
  status: OrderStatus;
  prepayId: string | null;
}

export interface RecordPaymentResult {
  /** True when this callback repeated an already recorded payment. */
  duplicate: boolean;
}

/**
 * Named failure types. Each non-retryable failure the workflow or its activities raise carries
 * one of these, and the API maps them to the contract's error codes.
 */
export const Failures = {
  /** Same appId+outTradeNo, different signData or another player's openId (409 / 40901). */
  OutTradeNoConflict: 'OutTradeNoConflict',
  /** The superapp rejected the prepay order, or could not create it (502 / 50201). */
  PrepayRejected: 'PrepayRejected',
  /** A payment for an order already CLOSED (409 / 40902). */
  OrderClosed: 'OrderClosed',
  /** A second payment, with another transactionId, for a paid order (409 / 40903). */
  AlreadyPaid: 'AlreadyPaid',
  /** paidAmount or currency differ from the order (422 / 42201). */
  PaymentMismatch: 'PaymentMismatch',
  /** An order or app a purchase refers to is gone from the database. */
  OrderMissing: 'OrderMissing',
  /** One delivery attempt failed (retryable; the workflow retries it), with DeliveryFailureDetails. */
  DeliveryFailed: 'DeliveryFailed',
  /**
   * A delivery attempt refused before it was counted or sent: its endpoint already has its share
   * of the worker's delivery slots in flight (lib/outbound/endpoint-share.ts). Retryable: the
   * server tries it again after the delay the failure names, and the workflow never sees it.
   */
  EndpointBusy: 'EndpointBusy',
  /** Refunds (8.1, 8.2): a refundId or outRefundNo already used with other fields (409 / 40904). */
  RefundConflict: 'RefundConflict',
  /** The order is not paid (409 / 40905). */
  RefundOrderNotPaid: 'RefundOrderNotPaid',
  /** The refund's transactionId is not the order's payment (409 / 40903). */
  RefundTransactionMismatch: 'RefundTransactionMismatch',
  /** The refund's currency differs from the order's (422 / 42202). */
  RefundCurrencyMismatch: 'RefundCurrencyMismatch',
  /** The amount is not positive or exceeds what is left to refund (422 / 42203). */
  RefundAmountNotRefundable: 'RefundAmountNotRefundable',
  /** The superapp refused a refund asked through vpay (a returnCode other than 0, or a 4xx): FAILED. */
  SuperappRefusedRefund: 'SuperappRefusedRefund',
  /** One refund notice attempt failed (retryable; the workflow retries it), with DeliveryFailureDetails. */
  RefundNoticeFailed: 'RefundNoticeFailed',
  /**
   * The superapp gave no clear answer to a refund vpay asked for (network error, 5xx, or a reply
   * that is neither a refund nor a refusal): retryable, the call is repeated until it answers.
   */
  SuperappUnavailable: 'SuperappUnavailable',
  /** A refund a refund workflow refers to is gone from the database (non-retryable). */
  RefundMissing: 'RefundMissing',
  /** A refund to notify is not SUCCEEDED (non-retryable: FAILED and PENDING refunds are never notified). */
  RefundNotNotifiable: 'RefundNotNotifiable',
  /** The app or order of a refund to notify is gone from the database (non-retryable). */
  RefundOrderMissing: 'RefundOrderMissing',
} as const;

/**
 * Failures of a refund notice attempt that no retry can mend: the refund workflow stops notifying
 * (and alerts) instead of retrying them without end like an endpoint's failure.
 */
export const REFUND_NOTICE_FINAL_FAILURES: readonly string[] = [
  Failures.RefundMissing,
  Failures.RefundNotNotifiable,
  Failures.RefundOrderMissing,
];

/** Each refusal of a refund claim and the failure type its update raises. */
export const REFUND_REFUSAL_FAILURES: Record<RefundRefusal, string> = {
  refundConflict: Failures.RefundConflict,
  orderNotPaid: Failures.RefundOrderNotPaid,
  transactionMismatch: Failures.RefundTransactionMismatch,
  currencyMismatch: Failures.RefundCurrencyMismatch,
  amountNotRefundable: Failures.RefundAmountNotRefundable,
};

/** What a failed delivery attempt tells the workflow, to pace its next retry. */
export interface DeliveryFailureDetails {
  /** How long the order's endpoint (app and env) has been failing, across all its orders. */
  endpointFailingForMs: number;
}

export const getStatusQuery = defineQuery<PurchaseState>('getStatus');
/**
 * Sent with update-with-start by the payment request; answers once the prepay order exists. The
 * validator compares signData and openId (signData names no player): a repeat from another player
 * is refused. openId was added later; an API from before sends none (see the validator).
 */
export const requestPaymentUpdate = defineUpdate<PaymentRequestResult, [{ signData: string; openId: string }]>('requestPayment');
/** Sent by the payment callback; answers once the payment is durably recorded. */
export const recordPaymentUpdate = defineUpdate<RecordPaymentResult, [PaymentRecord]>('recordPayment');
/**
 * Sent (by activities/delivery-recovery.ts) when the order's delivery endpoint works again: a purchase
 * waiting out its delivery backoff retries at once. Harmless at any other time.
 */
export const retryDeliveryNowSignal = defineSignal('retryDeliveryNow');
/**
 * Sent by a refund workflow (workflows/refund.ts) when its refund left the order REFUNDED (refunded
 * in full): a purchase still trying to deliver stops (CONTRACT.md 8.3). The delivery activity
 * refuses to start an attempt for a REFUNDED order anyway; the signal ends the backoff wait.
 */
export const orderRefundedSignal = defineSignal('orderRefunded');

/** The console's redeliver workflow (workflows/redeliver.ts): its input, and what its one activity did. */
export interface RedeliverInput {
  orderId: string;
  /**
   * Where the calls to the developer's endpoint run (workflows/task-queues.ts): the API's
   * DELIVERY_TASK_QUEUE when SEPARATE_DELIVERY_QUEUE is on. Absent from workflows started before
   * it existed or with it off: those calls stay on the workflow's own task queue.
   */
  deliveryTaskQueue?: string;
}

/** What the one redelivery did: sent as attempt `attempt` and how the developer answered, or not sent. */
export type RedeliveryResult =
  { sent: true; attempt: number; ok: boolean; httpStatus: number | null; error: string | null } | { sent: false; reason: string };

// ---- Refunds (CONTRACT.md 8; workflows/refund.ts) -------------------------------------------------

/** Copied from config when the refund starts: its notice is paced like a delivery (CONTRACT.md 8.3). */
export interface RefundTimings {
  noticeRetryInitialMs: number;
  noticeRetryMaxMs: number;
  noticeAlertAfterMs: number;
  /** A run whose history grows past this many events continues as new (default 10,000). */
  continueAsNewAfterEvents?: number;
}

export interface RefundInput {
  refund: RefundDraft;
  timings: RefundTimings;
  /**
   * Where the calls to the developer's endpoint run (workflows/task-queues.ts): the API's
   * DELIVERY_TASK_QUEUE when SEPARATE_DELIVERY_QUEUE is on. Absent from workflows started before
   * it existed or with it off: those calls stay on the workflow's own task queue.
   */
  deliveryTaskQueue?: string;
  /** Set when a refund still notifying continues as a new run: the state it carries on from. */
  resume?: { state: RefundState; nextNoticeIntervalMs: number };
}

/** The refund workflow's whole state, behind the one query. */
export interface RefundState {
  /** The recorded refund's ID (a rerun of an asked refund adopts the one already recorded). */
  refundId: string;
  appId: string;
  orderId: string;
  outTradeNo: string;
  outRefundNo: string | null;
  /** null until the claim is decided; then the refund's status, or REFUSED when nothing was recorded. */
  status: RefundStatus | 'REFUSED' | null;
  refusal: RefundRefusal | null;
  /** The superapp's refusal, for a FAILED refund. */
  failReason: string | null;
  /** True once this refund left the order REFUNDED (and the purchase was told). */
  orderRefunded: boolean;
  /** Workflow time at which the refund was SUCCEEDED in its row: the notice's alert counts from it. */
  succeededAt: string | null;
  notifiedAt: string | null;
  notifyAttempts: number;
  lastNotifyError: string | null;
  alerted: boolean;
}

/** What a refund request is answered from: the refund's key and status once it is decided (or REFUSED). */
export interface RefundRequestResult {
  refundId: string;
  status: RefundStatus;
}

/** What a caller asks for: the refund's fields; the validator refuses a request for another refund under the same ID. */
export type RefundRequest = Omit<RefundDraft, 'refundId' | 'createdAt'>;

export const getRefundStateQuery = defineQuery<RefundState>('getRefundState');
/**
 * Sent with update-with-start by each door (8.1, 8.2). Answers once the refund is recorded and, for
 * one asked through vpay, once the superapp has answered (the API bounds the wait and then answers
 * PENDING); a refusal is one of the Refund* failures.
 */
export const requestRefundUpdate = defineUpdate<RefundRequestResult, [RefundRequest]>('requestRefund');
/** Sent by activities/delivery-recovery.ts when the game backend's endpoint works again. */
export const retryRefundNoticeNowSignal = defineSignal('retryRefundNoticeNow');
