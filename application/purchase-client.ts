// The one place a purchase's Temporal calls are built: its handle from its business keys, the
// update-with-start that begins it, the recordPayment update, the retryDeliveryNow signal, the
// redelivery workflow started for it, its link in the Web UI, and what reconciliation reads
// (listing and describe). Everything else names a purchase by
// appId + outTradeNo and never sees its workflow ID, type or options.
import {
  ApplicationFailure,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowExecutionInfo,
  type WorkflowHandle,
} from '@temporalio/client';
import { deliveryQueueInput } from './delivery-queue';
import type { Config } from '../lib/platform/config';
import type { WakePurchase } from '../activities/delivery-recovery';
import { purchaseWorkflowId, redeliverWorkflowId } from '../workflows/workflow-ids';
import {
  recordPaymentUpdate,
  requestPaymentUpdate,
  retryDeliveryNowSignal,
  SA_APP_ID,
  SA_ORDER_STATUS,
  SA_OUT_TRADE_NO,
  type OrderDraft,
  type PaymentRecord,
  type PaymentRequestResult,
  type RecordPaymentResult,
} from '../workflows/definitions';
import type { purchase } from '../workflows/purchase';
import type { redeliver } from '../workflows/redeliver';

/**
 * The purchase's workflow types the worker registers (workflows/purchase.ts): `purchaseV2` for new
 * purchases (PURCHASE_WORKFLOW_V2, the default), `purchase` for those started before it or with it off.
 */
export const PURCHASE_WORKFLOW_TYPES = { v1: 'purchase', v2: 'purchaseV2' } as const;

/** A purchase's business keys; its workflow ID is derived from them (workflows/workflow-ids.ts). */
export interface PurchaseKeys {
  appId: string;
  outTradeNo: string;
}

/** What a purchase's start and the API's waits take from config. */
export type PurchaseClientConfig = Pick<
  Config,
  | 'taskQueue'
  | 'paymentTimeoutMs'
  | 'deliveryRetryInitialMs'
  | 'deliveryRetryMaxMs'
  | 'deliveryAlertAfterMs'
  | 'workflowAnswerTimeoutMs'
  | 'purchaseLocalSteps'
  | 'purchaseLocalPaidRow'
  | 'purchaseWorkflowV2'
  | 'deliveryTaskQueue'
  | 'separateDeliveryQueue'
>;

export interface PurchaseClient {
  /**
   * Starts the purchase (or attaches to the running one) and waits, in the same call, for its
   * prepay order. Bounded by WORKFLOW_ANSWER_TIMEOUT_MS. Throws what Temporal throws.
   */
  requestPayment(draft: OrderDraft): Promise<PaymentRequestResult>;
  /** Records the superapp's payment; answers once it is durable. Bounded like requestPayment. */
  recordPayment(keys: PurchaseKeys, payment: PaymentRecord): Promise<RecordPaymentResult>;
  /** Whether the purchase's workflow runs now, as the server sees it (not the visibility store). */
  isRunning(keys: PurchaseKeys): Promise<boolean>;
}

export const purchaseHandle = (client: Client, k: PurchaseKeys): WorkflowHandle<typeof purchase> =>
  client.workflow.getHandle<typeof purchase>(purchaseWorkflowId(k.appId, k.outTradeNo));

/**
 * The start half of the payment request's update-with-start. Timings are copied from config into
 * the input, so a running purchase keeps the settings it started with. The ID is the business key
 * and the conflict policy USE_EXISTING, so concurrent identical requests attach to one purchase
 * and all get its answer.
 */
export function purchaseStartOperation(draft: OrderDraft, config: PurchaseClientConfig): WithStartWorkflowOperation<typeof purchase> {
  const type = config.purchaseWorkflowV2 ? PURCHASE_WORKFLOW_TYPES.v2 : PURCHASE_WORKFLOW_TYPES.v1;
  return new WithStartWorkflowOperation<typeof purchase>(type, {
    workflowId: purchaseWorkflowId(draft.appId, draft.outTradeNo),
    taskQueue: config.taskQueue,
    args: [
      {
        order: draft,
        timings: {
          paymentTimeoutMs: config.paymentTimeoutMs,
          deliveryRetryInitialMs: config.deliveryRetryInitialMs,
          deliveryRetryMaxMs: config.deliveryRetryMaxMs,
          deliveryAlertAfterMs: config.deliveryAlertAfterMs,
        },
        localSteps: config.purchaseLocalSteps,
        localPaidRow: config.purchaseLocalPaidRow,
        ...deliveryQueueInput(config),
      },
    ],
    workflowIdConflictPolicy: 'USE_EXISTING',
    // A finished purchase is never started again; its row answers instead.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: [
      { key: SA_APP_ID, value: draft.appId },
      { key: SA_OUT_TRADE_NO, value: draft.outTradeNo },
      { key: SA_ORDER_STATUS, value: 'CREATED' },
    ],
  });
}

/**
 * Bounds a call that waits on a workflow: with no worker polling, the caller gets a Temporal
 * error (503 to retry; an identical retry attaches to the same purchase) instead of hanging.
 */
export function withDeadline<T>(client: Client, config: Pick<Config, 'workflowAnswerTimeoutMs'>, fn: () => Promise<T>): Promise<T> {
  return client.connection.withDeadline(Date.now() + config.workflowAnswerTimeoutMs, fn);
}

export function createPurchaseClient(client: Client, config: PurchaseClientConfig): PurchaseClient {
  return {
    // Update-with-start rather than start-then-poll: one round trip, and the answer comes from
    // the workflow the moment the prepay order exists.
    requestPayment: (draft) =>
      withDeadline(client, config, () =>
        client.workflow.executeUpdateWithStart(requestPaymentUpdate, {
          args: [{ signData: draft.signData, openId: draft.openId }],
          startWorkflowOperation: purchaseStartOperation(draft, config),
        }),
      ),
    recordPayment: (keys, payment) =>
      withDeadline(client, config, () => purchaseHandle(client, keys).executeUpdate(recordPaymentUpdate, { args: [payment] })),
    isRunning: (keys) => withDeadline(client, config, () => purchaseIsRunning(client, keys)),
  };
}

/** True when the purchase's workflow runs now (its latest run); false when it closed or is gone. */
export async function purchaseIsRunning(client: Client, keys: PurchaseKeys): Promise<boolean> {
  return (await describePurchase(client, keys))?.status.name === 'RUNNING';
}

/**
 * True when an update failed because the purchase has no running workflow: it finished, was
 * terminated, or is gone past retention (the server answers NOT_FOUND for all of them).
 */
export const isPurchaseGone = (err: unknown): boolean => err instanceof WorkflowNotFoundError;

/**
 * The workflow's refusal of an update (the named failure it raised, see `Failures`), or
 * undefined when the call failed for any other reason.
 */
export function updateRefusal(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  return cause instanceof ApplicationFailure ? cause : undefined;
}

/** The worker's WakePurchase (activities/delivery-recovery.ts): the retryDeliveryNow signal. */
export function wakePurchaseVia(client: Client): WakePurchase {
  return (keys) => purchaseHandle(client, keys).signal(retryDeliveryNowSignal);
}

/** The workflow type of a DELIVERED order's redelivery (workflows/redeliver.ts). */
export const REDELIVER_WORKFLOW_TYPE = 'redeliver';

/**
 * Starts the redelivery of a DELIVERED purchase's notification (CONTRACT.md 7.7) and returns once
 * Temporal has it (durable from then on), without waiting for the send. `attemptsSeen` is the
 * order's delivery attempts when the request was made: a second request on the same view joins
 * the first rather than doubling it; one made after that redelivery's attempt starts anew.
 * Bounded by WORKFLOW_ANSWER_TIMEOUT_MS.
 */
export async function startRedelivery(
  client: Client,
  config: Pick<Config, 'taskQueue' | 'workflowAnswerTimeoutMs' | 'deliveryTaskQueue' | 'separateDeliveryQueue'>,
  purchase: PurchaseKeys & { orderId: string; attemptsSeen: number },
): Promise<void> {
  try {
    await withDeadline(client, config, () =>
      client.workflow.start<typeof redeliver>(REDELIVER_WORKFLOW_TYPE, {
        workflowId: redeliverWorkflowId(purchase.appId, purchase.outTradeNo, purchase.attemptsSeen),
        taskQueue: config.taskQueue,
        args: [{ orderId: purchase.orderId, ...deliveryQueueInput(config) }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        // A finished redelivery on the same view was this request's twin, already answered.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Found in the Web UI by the same filters as its purchase (docs/OPERATIONS.md).
        typedSearchAttributes: [
          { key: SA_APP_ID, value: purchase.appId },
          { key: SA_OUT_TRADE_NO, value: purchase.outTradeNo },
        ],
      }),
    );
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

/** Signals a PAID purchase to try its delivery now (the console's redeliver); bounded like the rest. */
export function retryDeliveryNow(client: Client, config: Pick<Config, 'workflowAnswerTimeoutMs'>, keys: PurchaseKeys): Promise<void> {
  return withDeadline(client, config, () => wakePurchaseVia(client)(keys));
}

/**
 * The purchase in the Temporal Web UI (its latest run), or null when no TEMPORAL_UI_URL is set:
 * vpay cannot guess where an operator's UI is served.
 */
export function purchaseWorkflowUrl(config: Pick<Config, 'temporalUiUrl' | 'temporalNamespace'>, keys: PurchaseKeys): string | null {
  if (!config.temporalUiUrl) return null;
  const workflowId = purchaseWorkflowId(keys.appId, keys.outTradeNo);
  return `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The purchase's execution as the server sees it now (not the visibility store); null if none. */
export async function describePurchase(client: Client, keys: PurchaseKeys): Promise<WorkflowExecutionDescription | null> {
  try {
    return await purchaseHandle(client, keys).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** Every run of every purchase started in [since, until), optionally on one task queue. */
export function listPurchases(client: Client, w: { since?: Date; until: Date; taskQueue?: string }): AsyncIterable<WorkflowExecutionInfo> {
  const types = Object.values(PURCHASE_WORKFLOW_TYPES).map((t) => `WorkflowType="${t}"`);
  const clauses = [`(${types.join(' OR ')})`, `StartTime < "${w.until.toISOString()}"`];
  if (w.since) clauses.push(`StartTime >= "${w.since.toISOString()}"`);
  if (w.taskQueue) clauses.push(`TaskQueue="${w.taskQueue.replace(/["\\]/g, '\\$&')}"`);
  return client.workflow.list({ query: clauses.join(' AND '), pageSize: 1000 });
}
