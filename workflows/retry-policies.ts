// Every activity's timeouts and retry policy, in one place and explicit. A policy without
// maximumAttempts retries until it succeeds: the projection, the confirmation and the delivery
// must happen, however long the other side is down.
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { Failures } from './definitions';

/** One attempt to notify a developer (a delivery, a refund notice): see activityOptions.delivery. */
const developerNoticeAttempt: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '30s',
  retry: { maximumAttempts: 1 },
};

export const activityOptions = {
  /** Order-row writes: Postgres may be down for a while; the row must follow the workflow. */
  projection: {
    startToCloseTimeout: '15s',
    retry: {
      initialInterval: '200ms',
      backoffCoefficient: 2,
      maximumInterval: '10s',
      nonRetryableErrorTypes: [Failures.OutTradeNoConflict],
    },
  },
  /**
   * The prepay call: the mini game is waiting on the payment request, so retry briefly
   * (network errors and 5xx), then give up and close the order. A rejection is final.
   */
  prepay: {
    // 3 attempts of at most 5 s each (the HTTP timeout), 0.5 s and 1 s apart: ~17 s at worst.
    startToCloseTimeout: '8s',
    retry: {
      initialInterval: '500ms',
      backoffCoefficient: 2,
      maximumInterval: '2s',
      maximumAttempts: 3,
      nonRetryableErrorTypes: [Failures.PrepayRejected],
    },
  },
  /** The confirmation to the superapp: retried until it answers returnCode 0. */
  confirm: {
    startToCloseTimeout: '15s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
  },
  /**
   * One delivery attempt (CONTRACT.md 4). The workflow itself spaces the failed attempts with
   * timers; the POST times out at 10 s, the rest is the database. Once the developer has answered,
   * the attempt's record is retried for up to the start-to-close timeout
   * (activities/record-sent-notice.ts), heartbeating: a failed attempt would notify again. The
   * heartbeat timeout finds a dead worker's attempt within 30 s.
   *
   * The server retries only what the workflow need not see: an attempt refused before it was
   * counted or sent because its endpoint has its share of the delivery slots (EndpointBusy, with
   * the delay the refusal names, activities/delivery.ts), and one that timed out (its worker died;
   * the next attempt finds the order DELIVERED if the lost one got through and was recorded). The
   * activity marks every other failure non-retryable; the types listed here are the ones it cannot
   * mark (a cancellation at shutdown is reported by the SDK's core) or that older workers' code
   * throws as they are. A pre-share worker's plain errors stay retryable here: docs/OPERATIONS.md,
   * *Upgrading*. The options are not part of a history's replay: running purchases take them at
   * their next attempt.
   */
  delivery: {
    ...developerNoticeAttempt,
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '10s',
      // WorkerShutdown: what the SDK's core reports for an attempt its worker cancelled at shutdown
      // (one waiting to record its POST, say): the workflow paces it, as any failure after a POST.
      nonRetryableErrorTypes: [Failures.DeliveryFailed, Failures.OrderMissing, 'WorkerShutdown'],
    },
  },
  /**
   * A console-asked redelivery of a DELIVERED order: sent once, whatever the developer answers
   * (the activity returns the answer rather than failing). Retried, like the projection, only
   * while it cannot reach the database; a retry after the POST went out counts a new attempt.
   */
  redelivery: {
    // A delivery attempt's timeouts: the record of a sent redelivery is retried within the
    // attempt, rather than the attempt sending once more.
    ...developerNoticeAttempt,
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', nonRetryableErrorTypes: [Failures.OrderMissing] },
  },
  /**
   * A refund's claim and its later moves on the order row (CONTRACT.md 8): retried while the
   * database is unreachable; a missing order is final.
   */
  refundRecord: {
    startToCloseTimeout: '15s',
    retry: {
      initialInterval: '200ms',
      backoffCoefficient: 2,
      maximumInterval: '10s',
      nonRetryableErrorTypes: [Failures.OrderMissing, Failures.RefundMissing],
    },
  },
  /**
   * The refund asked of the superapp (8.2): network errors and 5xx are retried until it answers
   * (the call is idempotent per refundId), with a backoff that grows to 5 minutes; a refusal is final.
   */
  superappRefund: {
    startToCloseTimeout: '15s',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '5m',
      nonRetryableErrorTypes: [Failures.SuperappRefusedRefund, Failures.OrderMissing, Failures.RefundMissing],
    },
  },
  /** One refund notice attempt (8.3): like a delivery attempt, spaced by the workflow's own timers. */
  refundNotice: developerNoticeAttempt,
  /** The stuck-delivery alert: logged first, so only the webhook POST is retried, briefly. */
  alert: {
    startToCloseTimeout: '15s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
  },
} satisfies Record<string, ActivityOptions>;

/**
 * The payment request's steps as local activities (PurchaseInput.localSteps), tried first and
 * bounded: a local activity keeps its workflow task (and the worker's slot for it) open while it
 * runs, so a slow database or superapp must not hold it long. A step that fails here in a way its
 * activity-task version would retry is handed to that version (`prepayAfterLocal`, `projection`),
 * whose retries run on the server (see placeOrder). Each step is idempotent, which a local
 * activity needs: a worker that dies before its workflow task completes leaves no marker, and the
 * next worker runs the step again.
 */
export const localActivityOptions = {
  /** The order row and the PREPAID row: 3 quick tries within 3 s, then the activity task. */
  projection: {
    startToCloseTimeout: '2s',
    scheduleToCloseTimeout: '3s',
    localRetryThreshold: '1s',
    retry: {
      initialInterval: '100ms',
      backoffCoefficient: 2,
      maximumInterval: '500ms',
      maximumAttempts: 3,
      nonRetryableErrorTypes: [Failures.OutTradeNoConflict],
    },
  },
  /** The prepay call: one try (its HTTP timeout is 5 s), then the activity task's retries. */
  prepay: {
    startToCloseTimeout: '6s',
    retry: { maximumAttempts: 1, nonRetryableErrorTypes: [Failures.PrepayRejected] },
  },
} satisfies Record<string, LocalActivityOptions>;

/** The prepay call's activity task after a failed local try: the 2 attempts left of the 3. */
export const prepayAfterLocal: ActivityOptions = {
  ...activityOptions.prepay,
  retry: { ...activityOptions.prepay.retry, maximumAttempts: activityOptions.prepay.retry.maximumAttempts - 1 },
};
