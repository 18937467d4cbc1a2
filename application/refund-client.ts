// The one place a refund's Temporal calls are built (CONTRACT.md 8), beside the purchase's
// (./purchase-client.ts): the update-with-start each door sends, the notice wake-up, and its link
// in the Web UI. Everything else names a refund by its business keys and never sees its workflow
// ID, type or options.
import {
  ApplicationFailure,
  ServiceError,
  WithStartWorkflowOperation,
  WorkflowUpdateFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { deliveryQueueInput } from './delivery-queue';
import type { Config } from '../lib/platform/config';
import type { WakeRefund } from '../activities/delivery-recovery';
import { refundWorkflowId } from '../workflows/workflow-ids';
import {
  requestRefundUpdate,
  retryRefundNoticeNowSignal,
  SA_APP_ID,
  SA_OUT_TRADE_NO,
  SA_REFUND_STATUS,
  type RefundDraft,
  type RefundRequest,
  type RefundRequestResult,
} from '../workflows/definitions';
import type { refund } from '../workflows/refund';
import { withDeadline } from './purchase-client';

/** The workflow type the worker registers (workflows/refund.ts). */
export const REFUND_WORKFLOW_TYPE = 'refund';

/** What a refund's start and the API's waits take from config: its notice is paced like a delivery. */
export type RefundClientConfig = Pick<
  Config,
  | 'taskQueue'
  | 'deliveryRetryInitialMs'
  | 'deliveryRetryMaxMs'
  | 'deliveryAlertAfterMs'
  | 'workflowAnswerTimeoutMs'
  | 'deliveryTaskQueue'
  | 'separateDeliveryQueue'
>;

/** A refund's business keys (its workflow ID is derived from them). */
export type RefundKeys = Pick<RefundDraft, 'appId' | 'source' | 'refundId' | 'outRefundNo'>;

export interface RefundClient {
  /**
   * Starts the refund's workflow (or attaches to the running one) and waits, in the same call, until
   * the refund is recorded and, if asked through vpay, answered by the superapp. Bounded by
   * WORKFLOW_ANSWER_TIMEOUT_MS. Throws what Temporal throws (see refundRefusalType, isAnswerTimeout).
   */
  requestRefund(draft: RefundDraft): Promise<RefundRequestResult>;
}

/**
 * The start half of the update-with-start. Conflict policy USE_EXISTING: concurrent repeats attach
 * to one refund. Reuse policy ALLOW_DUPLICATE: a refused refund records nothing, so its key may be
 * tried again; one that was recorded is answered from its row and never started again (and a rerun
 * would find its row: the claim is idempotent).
 */
export function refundStartOperation(draft: RefundDraft, config: RefundClientConfig): WithStartWorkflowOperation<typeof refund> {
  return new WithStartWorkflowOperation<typeof refund>(REFUND_WORKFLOW_TYPE, {
    workflowId: refundWorkflowId(draft),
    taskQueue: config.taskQueue,
    args: [
      {
        refund: draft,
        timings: {
          noticeRetryInitialMs: config.deliveryRetryInitialMs,
          noticeRetryMaxMs: config.deliveryRetryMaxMs,
          noticeAlertAfterMs: config.deliveryAlertAfterMs,
        },
        ...deliveryQueueInput(config),
      },
    ],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: [
      { key: SA_APP_ID, value: draft.appId },
      { key: SA_OUT_TRADE_NO, value: draft.outTradeNo },
      { key: SA_REFUND_STATUS, value: 'PENDING' },
    ],
  });
}

/** The request the update carries: the refund's fields, without the key the workflow already has. */
const requestOf = ({ refundId: _id, createdAt: _at, ...fields }: RefundDraft): RefundRequest => fields;

export function createRefundClient(client: Client, config: RefundClientConfig): RefundClient {
  return {
    requestRefund: (draft) =>
      withDeadline(client, config, () =>
        client.workflow.executeUpdateWithStart(requestRefundUpdate, {
          args: [requestOf(draft)],
          startWorkflowOperation: refundStartOperation(draft, config),
        }),
      ),
  };
}

/** The named failure type of the refund workflow's refusal (a Refund* of `Failures`), if that is why the call failed. */
export function refundRefusalType(err: unknown): string | undefined {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

/** True when the call ran out of WORKFLOW_ANSWER_TIMEOUT_MS (gRPC DEADLINE_EXCEEDED) rather than failing. */
export function isAnswerTimeout(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const e = err as { code?: number; cause?: { code?: number } } | undefined;
  const DEADLINE_EXCEEDED = 4;
  return (err instanceof ServiceError || e?.code !== undefined) && (e?.code === DEADLINE_EXCEEDED || e?.cause?.code === DEADLINE_EXCEEDED);
}

/** The worker's WakeRefund (activities/delivery-recovery.ts): the retryRefundNoticeNow signal. */
export function wakeRefundVia(client: Client): WakeRefund {
  return (keys) => client.workflow.getHandle(refundWorkflowId(keys)).signal(retryRefundNoticeNowSignal);
}

/** The refund's workflow (its latest run), or null when Temporal has none under its ID (never started, or past retention). */
export async function describeRefund(client: Client, keys: RefundKeys): Promise<WorkflowExecutionDescription | null> {
  try {
    return await client.workflow.getHandle(refundWorkflowId(keys)).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** The refund in the Temporal Web UI, or null when no TEMPORAL_UI_URL is set. */
export function refundWorkflowUrl(config: Pick<Config, 'temporalUiUrl' | 'temporalNamespace'>, keys: RefundKeys): string | null {
  if (!config.temporalUiUrl) return null;
  return `${config.temporalUiUrl}/namespaces/${encodeURIComponent(config.temporalNamespace)}/workflows/${encodeURIComponent(refundWorkflowId(keys))}`;
}
