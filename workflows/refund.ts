// One refund (CONTRACT.md 8), from the moment it is recorded to its notice at the game backend, as
// one durable workflow, like a purchase. Its ID comes from its business keys
// (workflows/workflow-ids.ts refundWorkflowId), so each door's repeats meet the same refund.
//
// The workflow owns the refund's steps, not the order's refunded total: the order row is the one
// writer of that (lib/db/repos/refunds.ts claimRefund; docs/ARCHITECTURE.md, *Refunds*). The
// purchase workflow has usually closed long before a refund comes, and three doors race.
// Keep it free of Node-only imports: it is bundled into the workflow sandbox.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { sameRefund } from '../lib/domain/refund';
import {
  Failures,
  getRefundStateQuery,
  orderRefundedSignal,
  REFUND_NOTICE_FINAL_FAILURES,
  REFUND_REFUSAL_FAILURES,
  requestRefundUpdate,
  retryRefundNoticeNowSignal,
  SA_REFUND_STATUS,
  type RefundInput,
  type RefundState,
} from './definitions';
import { describeFailure, endpointFailingForMs, failureType } from './failure-details';
import { activityOptions } from './retry-policies';
import { developerFacing } from './task-queues';
import { purchaseWorkflowId } from './workflow-ids';

/** Well below Temporal's limits; a run this long continues as new. */
const MAX_HISTORY_EVENTS = 10_000;

export async function refund(input: RefundInput): Promise<RefundState> {
  const { refund: draft, timings } = input;
  const record = proxyActivities<Activities>(activityOptions.refundRecord);
  const superapp = proxyActivities<Activities>(activityOptions.superappRefund);
  const alerts = proxyActivities<Activities>(activityOptions.alert);

  const state: RefundState = input.resume?.state ?? {
    refundId: draft.refundId,
    appId: draft.appId,
    orderId: draft.orderId,
    outTradeNo: draft.outTradeNo,
    outRefundNo: draft.outRefundNo,
    status: null,
    refusal: null,
    failReason: null,
    orderRefunded: false,
    succeededAt: null,
    notifiedAt: null,
    notifyAttempts: 0,
    lastNotifyError: null,
    alerted: false,
  };

  // Status changes go through here so the state and the search attribute move together; each
  // follows the activity that wrote the refund's row.
  const setStatus = (status: NonNullable<RefundState['status']>): void => {
    state.status = status;
    upsertSearchAttributes([{ key: SA_REFUND_STATUS, value: status }]);
  };

  setHandler(getRefundStateQuery, () => state);

  /** Set by retryRefundNoticeNowSignal: the endpoint works again, so skip the rest of the backoff. */
  let retryNoticeNow = false;
  setHandler(retryRefundNoticeNowSignal, () => {
    retryNoticeNow = true;
  });

  setHandler(
    requestRefundUpdate,
    async () => {
      // Recorded (or refused); for a refund asked through vpay, also answered by the superapp.
      await condition(() => state.status !== null && state.status !== 'PENDING');
      if (state.status === 'REFUSED') {
        throw ApplicationFailure.create({
          type: REFUND_REFUSAL_FAILURES[state.refusal!],
          message: `refund refused: ${state.refusal}`,
          nonRetryable: true,
        });
      }
      return { refundId: state.refundId, status: state.status! };
    },
    {
      // Another refund under the same key (the same refundId or outRefundNo with other fields).
      validator: (request) => {
        if (!sameRefund(draft, request)) {
          throw ApplicationFailure.create({
            type: Failures.RefundConflict,
            message: 'the refund key was already used with other fields',
            nonRetryable: true,
          });
        }
      },
    },
  );

  if (!input.resume) {
    const decided = await recordAndDecide();
    if (!decided) {
      await condition(allHandlersFinished);
      return state;
    }
  }
  if (!state.alerted && state.notifiedAt === null) void alertIfStuck();
  const outcome = await notifyWithRetries(input.resume?.nextNoticeIntervalMs ?? timings.noticeRetryInitialMs);
  await condition(allHandlersFinished);
  if (outcome.continueAsNew) {
    return continueAsNew<typeof refund>({ ...input, resume: { state, nextNoticeIntervalMs: outcome.nextIntervalMs } });
  }
  return state;

  /**
   * Records the refund (its claim on the order), and for one asked through vpay asks the superapp.
   * True when it SUCCEEDED, so that the game backend is to be notified.
   */
  async function recordAndDecide(): Promise<boolean> {
    const claim = await record.claimRefund(draft);
    if (!claim.claimed) {
      state.refusal = claim.refusal;
      setStatus('REFUSED');
      return false;
    }
    state.refundId = claim.refundId;
    if (claim.status === 'PENDING') {
      state.status = 'PENDING';
      upsertSearchAttributes([{ key: SA_REFUND_STATUS, value: 'PENDING' }]);
      try {
        await superapp.askSuperappRefund({ refundId: state.refundId });
      } catch (err) {
        if (failureType(err) !== Failures.SuperappRefusedRefund) throw err;
        state.failReason = describeFailure(err);
        await record.failRefund({ refundId: state.refundId, failReason: state.failReason });
        setStatus('FAILED');
        return false;
      }
      const settled = await record.settleRefund({ refundId: state.refundId });
      if (settled.status === 'FAILED') {
        state.failReason = settled.failReason;
        setStatus('FAILED');
        return false;
      }
      claim.orderRefunded = settled.orderRefunded;
    } else if (claim.status === 'FAILED') {
      // A rerun of a refund the superapp had refused.
      state.failReason = claim.failReason;
      setStatus('FAILED');
      return false;
    }
    state.succeededAt = new Date().toISOString();
    setStatus('SUCCEEDED');
    if (claim.orderRefunded) await stopPurchase();
    return true;
  }

  /**
   * The order is refunded in full: a purchase still trying to deliver stops (CONTRACT.md 8.3). The
   * delivery activity already refuses a REFUNDED order; this ends the purchase's backoff wait.
   */
  async function stopPurchase(): Promise<void> {
    state.orderRefunded = true;
    try {
      await getExternalWorkflowHandle(purchaseWorkflowId(draft.appId, draft.outTradeNo)).signal(orderRefundedSignal);
    } catch (err) {
      // The purchase has finished (usually long ago): nothing to stop.
      log.info('purchase not signalled', { orderId: draft.orderId, error: describeFailure(err) });
    }
  }

  /**
   * The notice (8.3), paced like a purchase's delivery: one attempt per activity, spaced by timers
   * the workflow owns (from noticeRetryInitialMs, doubling, capped at noticeRetryMaxMs, at least as
   * long as the endpoint has been failing), woken early when the endpoint recovers.
   */
  async function notifyWithRetries(firstIntervalMs: number): Promise<{ continueAsNew: boolean; nextIntervalMs: number }> {
    let intervalMs = firstIntervalMs;
    // On the delivery task queue, as a purchase's delivery attempts (workflows/task-queues.ts);
    // runs recorded before the 'delivery-task-queue' patch keep this workflow's queue.
    const notice = proxyActivities<Activities>(developerFacing(activityOptions.refundNotice, input.deliveryTaskQueue));
    for (;;) {
      retryNoticeNow = false;
      try {
        const r = await notice.notifyRefund({ refundId: state.refundId });
        state.notifiedAt = r.notifiedAt;
        state.notifyAttempts = r.attempts;
        state.lastNotifyError = null;
        return { continueAsNew: false, nextIntervalMs: intervalMs };
      } catch (err) {
        state.notifyAttempts++;
        state.lastNotifyError = describeFailure(err);
        if (REFUND_NOTICE_FINAL_FAILURES.includes(failureType(err) ?? '')) {
          // No retry can mend it (the refund, its order or app is gone, or it is not SUCCEEDED):
          // stop, and tell an operator. Only failures of these types take this branch, and no
          // history from before they existed holds one, so recorded histories replay unchanged.
          log.error('refund notice stopped: it cannot be sent', { refundId: state.refundId, error: state.lastNotifyError });
          if (!state.alerted) {
            state.alerted = true;
            try {
              await alerts.raiseRefundNoticeAlert({ refundId: state.refundId });
            } catch (alertErr) {
              log.error('refund notice alert webhook failed', { refundId: state.refundId, error: describeFailure(alertErr) });
            }
          }
          return { continueAsNew: false, nextIntervalMs: intervalMs };
        }
        intervalMs = Math.max(intervalMs, Math.min(endpointFailingForMs(err), timings.noticeRetryMaxMs));
      }
      const woken = await condition(() => retryNoticeNow, intervalMs, { summary: 'refund notice retry backoff' });
      if (!woken) intervalMs = Math.min(intervalMs * 2, timings.noticeRetryMaxMs);
      if (
        workflowInfo().continueAsNewSuggested ||
        workflowInfo().historyLength > (timings.continueAsNewAfterEvents ?? MAX_HISTORY_EVENTS)
      ) {
        return { continueAsNew: true, nextIntervalMs: intervalMs };
      }
    }
  }

  /** One alert (`refund_notify_stuck`) when still not notified noticeAlertAfterMs after the refund succeeded. */
  async function alertIfStuck(): Promise<void> {
    const dueMs = Math.max(0, Date.parse(state.succeededAt!) + timings.noticeAlertAfterMs - Date.now());
    const notifiedInTime = await condition(() => state.notifiedAt !== null, dueMs, { summary: 'refund notice alert' });
    if (notifiedInTime) return;
    state.alerted = true;
    try {
      await alerts.raiseRefundNoticeAlert({ refundId: state.refundId });
    } catch (err) {
      log.error('refund notice alert webhook failed', { refundId: state.refundId, error: describeFailure(err) });
    }
  }
}
