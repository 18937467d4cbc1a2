// The purchase workflow's public surface: its input, its one state object, and the query,
// updates and signal sent to it. Both the API and the workflow import this module, so the two sides
// cannot drift apart. Keep it free of Node-only imports: it is bundled into the workflow sandbox.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey } from '@temporalio/common';
import type { CloseReason, OrderDraft, OrderStatus } from '../lib/domain/order';

// The order's own vocabulary (statuses, close reasons, the validated draft) lives in lib/domain,
// below both this workflow and the orders projection; re-exported so this module stays the
// workflow's whole public surface.
export { ORDER_STATUSES, type CloseReason, type OrderDraft, type OrderStatus } from '../lib/domain/order';

/** Search attributes an operator filters on in the Temporal Web UI (CONTRACT.md 4b). */
export const SA_APP_ID = defineSearchAttributeKey('VpayAppId', 'KEYWORD');
export const SA_OUT_TRADE_NO = defineSearchAttributeKey('VpayOutTradeNo', 'KEYWORD');
export const SA_ORDER_STATUS = defineSearchAttributeKey('VpayOrderStatus', 'KEYWORD');
export const SEARCH_ATTRIBUTE_NAMES = ['VpayAppId', 'VpayOutTradeNo', 'VpayOrderStatus'] as const;

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
} as const;

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

/** The console's redeliver workflow (workflows/redeliver.ts): its input, and what its one activity did. */
export interface RedeliverInput {
  orderId: string;
}

/** What the one redelivery did: sent as attempt `attempt` and how the developer answered, or not sent. */
export type RedeliveryResult =
  { sent: true; attempt: number; ok: boolean; httpStatus: number | null; error: string | null } | { sent: false; reason: string };
