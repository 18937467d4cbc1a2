// One purchase, from the payment request to the delivery, as one durable workflow.
// The workflow is the single writer of an order's state: the API only asks (updates) and reads
// (query or the Postgres projection), and activities write the projection on every transition.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  allHandlersFinished,
  continueAsNew,
  workflowInfo,
  patched,
  log,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  Failures,
  getStatusQuery,
  orderRefundedSignal,
  recordPaymentUpdate,
  requestPaymentUpdate,
  retryDeliveryNowSignal,
  SA_ORDER_STATUS,
  type CloseReason,
  type OrderStatus,
  type PaymentRecord,
  type PurchaseInput,
  type PurchaseState,
} from './definitions';
import { activityOptions, localActivityOptions, prepayAfterLocal } from './retry-policies';
import { describeFailure, endpointFailingForMs } from './failure-details';
import { DELIVERY_TASK_QUEUE_PATCH, developerFacing } from './task-queues';

/** patched() ID of the delivery backoff paced by the endpoint's outage (see deliverWithRetries). */
const OUTAGE_PACED_BACKOFF = 'outage-paced-backoff';
/** patched() ID of a full refund ending the delivery (CONTRACT.md 8.3; see deliverWithRetries). */
const REFUND_STOPS_DELIVERY = 'refund-stops-delivery';

/** patched() ID of the payment request's steps run as local activities (see placeOrder). */
const LOCAL_REQUEST_STEPS = 'local-request-steps';
/** patched() ID of the prepayId a lost run left in the order row answered without a prepay call (see placeOrder). */
const PREPAY_FROM_ROW = 'prepay-from-row';
/** patched() ID of the callback's PAID row written as a local activity (see the recordPayment handler). */
const LOCAL_PAID_ROW = 'local-paid-row';
/** patched() ID of the payment timeout's close that adopts a payment the order row holds (see placeOrder). */
const CLOSE_ADOPTS_ROW_PAYMENT = 'close-adopts-row-payment';

/** The payment an order row holds, as projectOrder returns it. */
type RowPayment = NonNullable<Awaited<ReturnType<Activities['projectOrder']>>['payment']>;

/** Failures of the local steps that are final, as the steps' retry policies say. */
const FINAL = new Set<string>([Failures.OutTradeNoConflict, Failures.PrepayRejected]);

/** Well below Temporal's limits; a run this long continues as new. */
const MAX_HISTORY_EVENTS = 10_000;

/**
 * The purchase as first deployed: every later change is taken behind its patch (patched()), so a
 * run recorded by an older version replays as it ran. Purchases started before purchaseV2 existed,
 * or by an API with PURCHASE_WORKFLOW_V2=false, run as this type.
 */
export async function purchase(input: PurchaseInput): Promise<PurchaseState> {
  return runPurchase(input, patched);
}

/**
 * The same purchase with every change up to now built in (the `purchaseV2` workflow type, what
 * the API starts by default): no older version ever ran this type, so it asks none of those
 * patches and writes no patch marker, nor the TemporalChangeVersion search-attribute upsert the
 * SDK adds to each (three of each per purchase, each upsert a visibility write). A worker without
 * the type fails its workflow task until a worker with it takes it: nothing runs on older code.
 */
export async function purchaseV2(input: PurchaseInput): Promise<PurchaseState> {
  return runPurchase(input, (patchId) => BUILT_INTO_V2.has(patchId) || patched(patchId));
}

/**
 * The patches purchaseV2 was made with: their changes apply to it unconditionally. A change made
 * later is not in here, so purchaseV2 asks patched() for it as `purchase` does. Never remove one:
 * running purchaseV2 histories took its path without a marker (test/unit/purchase-v2.test.ts).
 */
export const BUILT_INTO_V2: ReadonlySet<string> = new Set([
  OUTAGE_PACED_BACKOFF,
  REFUND_STOPS_DELIVERY,
  LOCAL_REQUEST_STEPS,
  PREPAY_FROM_ROW,
  LOCAL_PAID_ROW,
  CLOSE_ADOPTS_ROW_PAYMENT,
  DELIVERY_TASK_QUEUE_PATCH,
]);

/**
 * `applies(patchId)`: whether the change behind that patch applies to this run (patched() for the
 * `purchase` type; for purchaseV2, always for the patches built into it). Every change is asked
 * through it. Continue-as-new keeps the run's type.
 */
async function runPurchase(input: PurchaseInput, applies: (patchId: string) => boolean): Promise<PurchaseState> {
  const { order, timings } = input;
  const projection = proxyActivities<Activities>(activityOptions.projection);
  const superapp = proxyActivities<Activities>(activityOptions.prepay);
  const confirmation = proxyActivities<Activities>(activityOptions.confirm);
  const alerts = proxyActivities<Activities>(activityOptions.alert);
  const localRow = proxyLocalActivities<Activities>(localActivityOptions.projection);

  const state: PurchaseState = {
    orderId: order.orderId,
    appId: order.appId,
    outTradeNo: order.outTradeNo,
    status: 'CREATED',
    prepayId: null,
    closeReason: null,
    prepayError: null,
    payment: null,
    paymentRecordedAt: null,
    confirmed: false,
    deliveredAt: null,
    deliveryAttempts: 0,
    lastDeliveryError: null,
    alerted: false,
  };

  // Status changes go through here so the state, the search attribute and (via the activity
  // that follows each call) the order row move together.
  const setStatus = (status: OrderStatus): void => {
    state.status = status;
    upsertSearchAttributes([{ key: SA_ORDER_STATUS, value: status }]);
  };

  /** The status last written to the order row; the status in `state` may be a step ahead. */
  let rowStatus: OrderStatus = 'CREATED';

  setHandler(getStatusQuery, () => state);

  /** Set by retryDeliveryNowSignal: the endpoint works again, so skip the rest of the backoff. */
  let retryDeliveryNow = false;
  setHandler(retryDeliveryNowSignal, () => {
    retryDeliveryNow = true;
  });

  /**
   * Set by orderRefundedSignal (a refund workflow left the order REFUNDED) or by a delivery attempt
   * that found the order REFUNDED: no attempt starts any more, and the purchase ends REFUNDED.
   */
  let refunded = false;
  setHandler(orderRefundedSignal, () => {
    refunded = true;
  });

  setHandler(
    requestPaymentUpdate,
    async () => {
      // Answer once the prepay outcome is in the order row (so an order query right after the
      // answer agrees with it): the mini game needs the prepayId to continue.
      await condition(() => rowStatus !== 'CREATED');
      if (state.closeReason === 'prepay_rejected') {
        throw ApplicationFailure.create({
          type: Failures.PrepayRejected,
          message: state.prepayError ?? 'the superapp rejected the prepay order',
          nonRetryable: true,
        });
      }
      return { orderId: order.orderId, outTradeNo: order.outTradeNo, status: state.status, prepayId: state.prepayId };
    },
    {
      // openId too, as signData names no player. Absent only from an API older than this check,
      // during a rolling deploy: refusing those would refuse every new purchase they start.
      validator: ({ signData, openId }) => {
        if (signData !== order.signData || (openId !== undefined && openId !== order.openId)) {
          throw ApplicationFailure.create({
            type: Failures.OutTradeNoConflict,
            message: 'outTradeNo was already used with a different signData or by another player',
            nonRetryable: true,
          });
        }
      },
    },
  );

  /**
   * The order takes no payment from this workflow time on: the payment timer (step 4) fires then.
   * Workflow time is the time of the activation, and an activation carrying the timer's fire is
   * never earlier than this.
   */
  const paymentDeadline = Date.parse(order.createdAt) + timings.paymentTimeoutMs;

  // Rejections of a payment callback; the validator rejects before anything reaches history.
  const paymentProblem = (p: PaymentRecord): ApplicationFailure | undefined => {
    if (state.status === 'CLOSED') {
      return ApplicationFailure.create({ type: Failures.OrderClosed, message: 'the order is closed', nonRetryable: true });
    }
    if (state.payment && state.payment.transactionId !== p.transactionId) {
      return ApplicationFailure.create({
        type: Failures.AlreadyPaid,
        message: 'the order was already paid by another transaction',
        nonRetryable: true,
      });
    }
    if (p.paidAmount !== order.totalAmount || p.currencyType !== order.currencyType) {
      return ApplicationFailure.create({
        type: Failures.PaymentMismatch,
        message: `expected ${order.totalAmount} ${order.currencyType}, got ${p.paidAmount} ${p.currencyType}`,
        nonRetryable: true,
      });
    }
    return undefined;
  };

  /**
   * A first payment at or past the deadline is refused as for a closed order: the payment timer
   * has fired, or is about to, and the order will be CLOSED. Without this, a callback that reached
   * the workflow in the same activation as the timer's fire (a worker down or backlogged over the
   * deadline) passed the validator, and its handler and close('payment_timeout') both ran: PAID
   * and CLOSED at once. The validator alone applies it, which is enough (a payment it admits is
   * claimed before any activation can carry the fire) and replay-safe (validators do not run on
   * replay); see docs/ARCHITECTURE.md, "The payment deadline". Duplicates of a claimed payment pass.
   */
  const lateForPayment = (): ApplicationFailure | undefined => {
    if (state.payment !== null || Date.now() < paymentDeadline) return undefined;
    return ApplicationFailure.create({
      type: Failures.OrderClosed,
      message: 'the payment timeout has passed: the order is closed',
      nonRetryable: true,
    });
  };

  setHandler(
    recordPaymentUpdate,
    async (p) => {
      // A superapp cannot pay before it has a prepayId; should it, wait for the prepay outcome.
      await condition(() => state.status !== 'CREATED');
      const problem = paymentProblem(p);
      if (problem) throw problem;
      if (state.payment) {
        // A duplicate: answer like the first, once the first is durable. The first's write may have
        // found another payment in the row and adopted it (see below): judged again after the wait.
        await condition(() => state.paymentRecordedAt !== null);
        const adopted = paymentProblem(p);
        if (adopted) throw adopted;
        return { duplicate: true };
      }
      // Claim synchronously, so concurrent callbacks see this one as the payment.
      state.payment = p;
      setStatus('PAID');
      const paidRow = {
        orderId: order.orderId,
        status: 'PAID' as const,
        transactionId: p.transactionId,
        paidAmount: p.paidAmount,
        paidAt: p.paidAt,
      };
      // As a local activity the row is written in the workflow task that accepts the update, which
      // is then answered in that task: one workflow task per callback instead of two and an activity
      // task. A worker lost before that task completes leaves the row PAID while the workflow never
      // accepted the payment; the row then rules: it keeps the first payment written (a later one
      // learns it here), the superapp's retry is answered from it, and the payment timeout's close
      // adopts it (placeOrder). Histories recorded before hold an activity task here.
      const written: Awaited<ReturnType<Activities['projectOrder']>> | undefined =
        input.localPaidRow === true && applies(LOCAL_PAID_ROW)
          ? await localFirst(
              () => localRow.projectOrder(paidRow),
              () => projection.projectOrder(paidRow),
            )
          : await projection.projectOrder(paidRow);
      if (written?.payment && written.payment.transactionId !== p.transactionId) {
        // A lost local attempt recorded another transaction first (the API may have answered the
        // superapp's retry of it from the row): that one is the order's payment, this one is refused.
        adoptRowPayment(written.payment, 'the order row holds the payment a lost attempt wrote; adopted');
        throw ApplicationFailure.create({
          type: Failures.AlreadyPaid,
          message: 'the order was already paid by another transaction',
          nonRetryable: true,
        });
      }
      if (written?.status === 'CLOSED') {
        // The row was closed under a running workflow (closed as workflow_lost, then the workflow
        // reset): the superapp is answered "closed" from it. An operator's case; reconcile flags it.
        log.error('the PAID write found the order row CLOSED: its payment is not recorded there', { orderId: order.orderId });
      }
      state.paymentRecordedAt = new Date().toISOString();
      return { duplicate: false };
    },
    {
      validator: (p) => {
        const problem = lateForPayment() ?? paymentProblem(p);
        if (problem) throw problem;
      },
    },
  );

  /** `rowClosed`: the caller has written the CLOSED row already. */
  const close = async (reason: CloseReason, rowClosed = false): Promise<void> => {
    state.closeReason = reason;
    setStatus('CLOSED');
    if (!rowClosed) await projection.projectOrder({ orderId: order.orderId, status: 'CLOSED', closeReason: reason });
    rowStatus = 'CLOSED';
    await condition(allHandlersFinished);
  };

  /** The payment the order row holds becomes the workflow's: the row is answered from (see the handler). */
  function adoptRowPayment(payment: RowPayment, why: string): void {
    log.warn(why, { orderId: order.orderId, transactionId: payment.transactionId });
    state.payment = { ...payment, currencyType: order.currencyType };
    if (state.status !== 'PAID') setStatus('PAID');
    rowStatus = 'PAID';
    state.paymentRecordedAt = new Date().toISOString();
  }

  if (input.resume) {
    // A continued run (see below): the order is paid, only its fulfilment remains.
    Object.assign(state, input.resume.state);
    rowStatus = state.status;
  } else {
    const paid = await placeOrder();
    if (!paid) return state;
  }
  return fulfil(input.resume?.nextDeliveryIntervalMs ?? timings.deliveryRetryInitialMs);

  /** Steps 2 to 4: the order row, the prepay order, and the wait for the payment. */
  async function placeOrder(): Promise<boolean> {
    // The mini game waits on steps 2 and 3 and the PREPAID row. As local activities they run in
    // the first workflow task, one after the other, with no round trip to the server in between
    // (an activity task each costs two: its own and the workflow task that follows). The input
    // asks for it (PURCHASE_LOCAL_STEPS); the patch keeps a history an older worker recorded for
    // such an input on activity tasks when it replays.
    // A local step that fails as its activity-task version would retry (a slow database, a
    // superapp down) is handed to that version, so it holds the workflow task for seconds at most.
    const local = input.localSteps === true && applies(LOCAL_REQUEST_STEPS);
    const localPrepay = proxyLocalActivities<Activities>(localActivityOptions.prepay);
    const prepayTask = proxyActivities<Activities>(prepayAfterLocal);
    const steps = local
      ? {
          saveNewOrder: (o: typeof order) =>
            localFirst(
              () => localRow.saveNewOrder(o),
              () => projection.saveNewOrder(o),
            ),
          requestPrepay: (o: typeof order) =>
            localFirst(
              () => localPrepay.requestPrepay(o),
              () => prepayTask.requestPrepay(o),
            ),
          projectOrder: (p: Parameters<Activities['projectOrder']>[0]) =>
            localFirst(
              () => localRow.projectOrder(p),
              () => projection.projectOrder(p),
            ),
        }
      : { saveNewOrder: projection.saveNewOrder, requestPrepay: superapp.requestPrepay, projectOrder: projection.projectOrder };

    // 2. The order row: its unique (appId, outTradeNo) outlives the workflow's retention.
    const saved = await steps.saveNewOrder(order);

    // 3. The prepay order at the superapp, with bounded retries; a rejection closes the order.
    // A prepayId already in the row was left by a run of these steps lost after its PREPAID row (a
    // local activity leaves no marker when its workflow task never completes); the mini game may
    // hold it, as an identical request is answered from the row, so it is the answer: asking again
    // would give the order a second one, or close it if the superapp refuses a second prepay order.
    // It is read by saveNewOrder, whose retries are unbounded, not by the prepay step, whose few
    // retries a database blip would exhaust. A history recorded before saveNewOrder returned the
    // row's prepayId has `saved` undefined and takes the old path; the patch is only asked for a
    // stored prepayId, so that path records no marker.
    try {
      if (saved?.prepayId && applies(PREPAY_FROM_ROW)) {
        state.prepayId = saved.prepayId;
      } else {
        const { prepayId } = await steps.requestPrepay(order);
        state.prepayId = prepayId;
      }
    } catch (err) {
      state.prepayError = describeFailure(err);
      log.warn('prepay order failed; closing', { orderId: order.orderId, error: state.prepayError });
      await close('prepay_rejected');
      return false;
    }
    setStatus('PREPAID');
    // Histories recorded before projectOrder returned the row's prepayId hold no result here.
    const written: { prepayId?: string | null } | undefined = await steps.projectOrder({
      orderId: order.orderId,
      status: 'PREPAID',
      prepayId: state.prepayId,
    });
    // The row keeps the prepayId stored first. A stalled but living older run of these steps may
    // have written its own after saveNewOrder read the row empty, and the mini game may hold that
    // one (an identical request is answered from the row): the row's is the answer, so the row,
    // the workflow and every answer agree. The superapp's callback names the orderId, not the
    // prepayId, so a payment of either prepay order is taken. No patch: taking a value from an
    // activity's result adds no command, and the result is in the history, so a replay takes the
    // same; a history without a result keeps the workflow's own, as it did when recorded.
    if (written?.prepayId && written.prepayId !== state.prepayId) {
      log.info('the order row holds the prepayId a stalled older run wrote; adopted', {
        orderId: order.orderId,
        prepayId: written.prepayId,
        ownPrepayId: state.prepayId,
      });
      state.prepayId = written.prepayId;
    }
    rowStatus = 'PREPAID';

    // 4. Wait for the payment, raced against the payment timeout (counted from order creation).
    // The recordPayment validator refuses payments from the same deadline on, so the two cannot
    // both win.
    const remainingMs = Math.max(0, paymentDeadline - Date.now());
    const paid = await condition(() => state.payment !== null, remainingMs, { summary: 'payment timeout' });
    if (!paid) {
      if (input.localPaidRow === true && applies(CLOSE_ADOPTS_ROW_PAYMENT)) {
        // The row first: a worker lost after writing the PAID row as a local activity, before its
        // task (and so the payment) reached the history, leaves a paid row that the superapp's
        // retries are answered from. The close cannot reach a paid row (projections only go
        // forward): the row's payment is then the order's, and is delivered.
        const closed = await projection.projectOrder({ orderId: order.orderId, status: 'CLOSED', closeReason: 'payment_timeout' });
        if (closed.payment) {
          adoptRowPayment(closed.payment, 'the payment timeout found the order row paid by a lost attempt; adopted');
          return true;
        }
        await close('payment_timeout', true);
        return false;
      }
      await close('payment_timeout');
      return false;
    }
    await condition(() => state.paymentRecordedAt !== null);
    return true;
  }

  /**
   * A step as a local activity first; on a failure that is not final (not a non-retryable
   * ApplicationFailure, nor one of the types the step's policy refuses to retry), the same step as
   * an activity task. Deterministic: the local activity's marker records the failure.
   */
  async function localFirst<R>(tryLocal: () => Promise<R>, asTask: () => Promise<R>): Promise<R> {
    try {
      return await tryLocal();
    } catch (err) {
      // A local activity's own failure arrives as it was thrown (an ApplicationFailure), not
      // wrapped in an ActivityFailure as an activity task's is.
      const failure = err instanceof ActivityFailure ? err.cause : err;
      if (failure instanceof ApplicationFailure && (failure.nonRetryable || FINAL.has(failure.type ?? ''))) throw err;
      return asTask();
    }
  }

  /** Steps 5 to 7: confirm to the superapp, deliver to the developer, and finish. */
  async function fulfil(firstIntervalMs: number): Promise<PurchaseState> {
    // The delivery attempts run on the delivery task queue (workflows/task-queues.ts), so a
    // developer endpoint that hangs holds no slot the payment path needs; runs recorded before
    // the 'delivery-task-queue' patch keep this workflow's queue.
    const delivery = proxyActivities<Activities>(developerFacing(activityOptions.delivery, input.deliveryTaskQueue, applies));
    // Confirmation and delivery run side by side: a superapp slow to acknowledge must not hold
    // back the item the player paid for.
    const payment = state.payment!;
    const confirmed = state.confirmed
      ? Promise.resolve()
      : confirmation.confirmPayment({ orderId: order.orderId, transactionId: payment.transactionId }).then(() => {
          state.confirmed = true;
        });

    // One alert when still undelivered DELIVERY_ALERT_AFTER_MS after the payment was recorded.
    if (!state.alerted) void alertIfStuck();

    const outcome = await deliverWithRetries(delivery, firstIntervalMs);
    if (outcome.refunded) {
      // Refunded in full before its delivery succeeded: the item is not owed any more.
      setStatus('REFUNDED');
      await confirmed;
      await condition(allHandlersFinished);
      return state;
    }
    if (outcome.continueAsNew) {
      // Months of a dead endpoint would outgrow one run's history: carry the state to a new run.
      await condition(allHandlersFinished);
      return continueAsNew<typeof purchase>({ ...input, resume: { state, nextDeliveryIntervalMs: outcome.nextIntervalMs } });
    }

    // 7. The deliver activity wrote DELIVERED to the row in the same transaction as the successful
    // attempt (so a repeated attempt never notifies twice); the state and search attribute follow.
    setStatus('DELIVERED');
    await confirmed;
    // Let duplicate callbacks still waiting on their answer finish before the workflow closes.
    await condition(allHandlersFinished);
    return state;
  }

  /**
   * Step 6: one attempt per activity, spaced by durable timers the workflow owns: intervals
   * start at DELIVERY_RETRY_INITIAL_MS, double, and stop growing at DELIVERY_RETRY_MAX_MS; the
   * retryDeliveryNow signal (the endpoint has recovered) ends a wait early. Owning
   * the timers (rather than an activity retry policy) makes every wait visible in the Web UI and
   * lets the time-skipping test server skip them.
   */
  async function deliverWithRetries(
    delivery: Pick<Activities, 'deliverOrder'>,
    firstIntervalMs: number,
  ): Promise<{ continueAsNew: boolean; nextIntervalMs: number; refunded?: boolean }> {
    let intervalMs = firstIntervalMs;
    // A full refund ends the delivery (CONTRACT.md 8.3). Histories from before it never take this
    // branch (they hold no orderRefunded signal nor a refused attempt); the patch marks those that do.
    const stopForRefund = () => refunded && applies(REFUND_STOPS_DELIVERY);
    for (;;) {
      if (stopForRefund()) return { continueAsNew: false, nextIntervalMs: intervalMs, refunded: true };
      // A wake-up that arrives during this attempt still cuts the wait after it short.
      retryDeliveryNow = false;
      try {
        const r = await delivery.deliverOrder({ orderId: order.orderId });
        state.deliveryAttempts = r.attempts;
        if (r.refunded) {
          // The order was REFUNDED when this attempt was to begin (nothing was sent), or became
          // REFUNDED while it ran and it succeeded (deliveredAt set; the row stays REFUNDED). Either
          // way the purchase ends REFUNDED, through the 'refund-stops-delivery' patch at the top of
          // the loop: histories recorded before an activity could answer `refunded` after a success
          // hold no such result, so they replay unchanged.
          refunded = true;
          if (r.deliveredAt) {
            state.deliveredAt = r.deliveredAt;
            state.lastDeliveryError = null;
          }
          continue;
        }
        state.deliveredAt = r.deliveredAt;
        state.lastDeliveryError = null;
        return { continueAsNew: false, nextIntervalMs: intervalMs };
      } catch (err) {
        state.deliveryAttempts++;
        state.lastDeliveryError = describeFailure(err);
        // An endpoint down for a while will not be back in seconds: wait at least as long as it
        // has been failing (capped), so a long outage costs each order a few attempts, not dozens,
        // and the recovery wake-up makes up for the longer waits. Patched: older runs replay as
        // they were recorded.
        if (applies(OUTAGE_PACED_BACKOFF)) {
          intervalMs = Math.max(intervalMs, Math.min(endpointFailingForMs(err), timings.deliveryRetryMaxMs));
        }
      }
      // Woken early, the next wait stays as long as this one: the endpoint may fail again.
      const woken = await condition(() => retryDeliveryNow || refunded, intervalMs, { summary: 'delivery retry backoff' });
      if (!woken) intervalMs = Math.min(intervalMs * 2, timings.deliveryRetryMaxMs);
      if (
        workflowInfo().continueAsNewSuggested ||
        workflowInfo().historyLength > (timings.continueAsNewAfterEvents ?? MAX_HISTORY_EVENTS)
      ) {
        return { continueAsNew: true, nextIntervalMs: intervalMs };
      }
    }
  }

  async function alertIfStuck(): Promise<void> {
    const dueMs = Math.max(0, Date.parse(state.paymentRecordedAt!) + timings.deliveryAlertAfterMs - Date.now());
    const deliveredInTime = await condition(() => state.deliveredAt !== null || refunded, dueMs, { summary: 'delivery alert' });
    if (deliveredInTime || refunded) return;
    state.alerted = true;
    try {
      await alerts.raiseDeliveryAlert({ orderId: order.orderId });
    } catch (err) {
      // The alert is already logged by the activity; a dead webhook must not stop the delivery.
      log.error('delivery alert webhook failed', { orderId: order.orderId, error: describeFailure(err) });
    }
  }
}
