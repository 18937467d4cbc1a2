// The purchase workflow's waits, on Temporal's time-skipping test server: hours of virtual time
// pass in seconds. Activities are stubbed here (their real versions run in the integration
// tests); what is under test is the workflow's logic over time.
import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/activity';
import type { Activities } from '../../activities';
import type { OrderProjection } from '../../lib/db/repos/orders';
import {
  Failures,
  getStatusQuery,
  recordPaymentUpdate,
  requestPaymentUpdate,
  retryDeliveryNowSignal,
  SA_APP_ID,
  SA_ORDER_STATUS,
  SA_OUT_TRADE_NO,
  type OrderDraft,
  type PurchaseInput,
  SEARCH_ATTRIBUTE_NAMES,
} from '../../workflows/definitions';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { temporalTestServerPath } from '../../tools/dev/temporal-binaries';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';
import { updateAdmitted } from '../support/late-callback';
import { ensureSearchAttributes } from '../../lib/platform/temporal-setup';
import { installTemporalLogging } from '../../lib/platform/temporal-logging';
import { createLogger } from '../../lib/platform/logger';

const HOUR = 3_600_000;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  installTemporalLogging(createLogger(process.env.VPAY_TEST_LOG_LEVEL ?? 'silent'));
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await ensureSearchAttributes(env.connection, 'default', SEARCH_ATTRIBUTE_NAMES);
});
afterAll(async () => {
  await env?.teardown();
});

/** Stub activities that record what the workflow asked for. */
function stubActivities(o: { deliverFailuresBeforeSuccess?: number; endpointFailingForMs?: number; busyBeforeSuccess?: number } = {}) {
  const calls = {
    projections: [] as OrderProjection[],
    busy: 0,
    deliveries: 0,
    deliveredOnce: 0,
    alerts: 0,
    confirmations: 0,
  };
  const activities: Partial<Activities> = {
    async saveNewOrder() {
      return { prepayId: null };
    },
    async projectOrder(p) {
      calls.projections.push(p);
      return { prepayId: p.prepayId ?? null };
    },
    async requestPrepay(order) {
      return { prepayId: `prepay_${order.orderId}` };
    },
    async confirmPayment() {
      calls.confirmations++;
    },
    async deliverOrder() {
      if (calls.busy < (o.busyBeforeSuccess ?? 0)) {
        // Like the real activity when the endpoint has its share in flight: nothing counted or sent.
        calls.busy++;
        throw ApplicationFailure.create({ type: Failures.EndpointBusy, message: 'the endpoint has its share in flight' });
      }
      calls.deliveries++;
      if (calls.deliveries <= (o.deliverFailuresBeforeSuccess ?? 0)) {
        throw ApplicationFailure.create({
          type: Failures.DeliveryFailed,
          message: 'HTTP 503 from the developer',
          details: o.endpointFailingForMs === undefined ? [] : [{ endpointFailingForMs: o.endpointFailingForMs }],
        });
      }
      calls.deliveredOnce++;
      return { deliveredAt: new Date().toISOString(), attempts: calls.deliveries };
    },
    async raiseDeliveryAlert() {
      calls.alerts++;
    },
  };
  return { calls, activities };
}

/** The order as the API would make it, created now on the test server's (virtual) clock. */
async function input(over: Partial<PurchaseInput['timings']> = {}): Promise<PurchaseInput> {
  const id = randomBytes(4).toString('hex');
  const order: OrderDraft = {
    orderId: `ord_${id}`,
    appId: 'app1',
    openId: 'u1',
    outTradeNo: `T_${id}`,
    productId: 'p1',
    buyQuantity: 2,
    goodsPrice: 500,
    totalAmount: 1000,
    currencyType: 'USD',
    platform: null,
    env: 0,
    attach: null,
    signData: `{"outTradeNo":"T_${id}"}`,
    paySig: 'x',
    signature: 'y',
    createdAt: new Date(await env.currentTimeMs()).toISOString(),
  };
  return {
    order,
    timings: {
      paymentTimeoutMs: 15 * 60_000,
      deliveryRetryInitialMs: 15_000,
      deliveryRetryMaxMs: HOUR,
      deliveryAlertAfterMs: 10 * 60_000,
      ...over,
    },
  };
}

const newTaskQueue = () => `ts-${randomBytes(4).toString('hex')}`;

/** A worker for as long as fn runs; on a new task queue unless one is given. */
async function withWorker<T>(
  activities: Partial<Activities>,
  fn: (taskQueue: string) => Promise<T>,
  o: { taskQueue?: string } & Pick<WorkerOptions, 'maxCachedWorkflows'> = {},
): Promise<T> {
  const { taskQueue = newTaskQueue(), ...options } = o;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: testEnv().bundlePath },
    activities,
    ...options,
  });
  return worker.runUntil(fn(taskQueue));
}

// The time-skipping server has no update-with-start (ExecuteMultiOperation), so start, then
// send the same update the API sends; the integration tests cover update-with-start itself.
async function startWithPrepay(taskQueue: string, inp: PurchaseInput, workflowType: 'purchase' | 'purchaseV2' = 'purchase') {
  const handle = await env.client.workflow.start(workflowType, {
    workflowId: purchaseWorkflowId(inp.order.appId, inp.order.outTradeNo),
    taskQueue,
    args: [inp],
    typedSearchAttributes: [
      { key: SA_APP_ID, value: inp.order.appId },
      { key: SA_OUT_TRADE_NO, value: inp.order.outTradeNo },
      { key: SA_ORDER_STATUS, value: 'CREATED' },
    ],
  });
  const answer = await handle.executeUpdate(requestPaymentUpdate, { args: [{ signData: inp.order.signData, openId: inp.order.openId }] });
  return { answer, handle };
}

const payment = (o: OrderDraft, transactionId = 'txn1') => ({
  transactionId,
  paidAmount: o.totalAmount,
  currencyType: o.currencyType,
  paidAt: new Date().toISOString(),
});

describe('purchase workflow over virtual time', () => {
  it('closes an unpaid order when the payment timeout passes', async () => {
    const { calls, activities } = stubActivities();
    const inp = await input();
    const result = await withWorker(activities, async (tq) => {
      const { answer, handle } = await startWithPrepay(tq, inp);
      expect(answer).toMatchObject({ status: 'PREPAID', prepayId: `prepay_${inp.order.orderId}` });
      const t0 = await env.currentTimeMs();
      const state = await handle.result();
      expect((await env.currentTimeMs()) - t0).toBeGreaterThanOrEqual(15 * 60_000 - 5_000);
      // A payment after closing is refused.
      await expect(handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] })).rejects.toThrow();
      return state;
    });
    expect(result.status).toBe('CLOSED');
    expect(result.closeReason).toBe('payment_timeout');
    expect(calls.projections.map((p) => p.status)).toEqual(['PREPAID', 'CLOSED']);
    expect(calls.deliveries).toBe(0);
  });

  it('alerts once for a developer endpoint down 30 hours, keeps retrying, and delivers when it is back', async () => {
    // With 15 s doubling to a 1 h cap, 37 failed attempts span a little over 30 hours.
    const { calls, activities } = stubActivities({ deliverFailuresBeforeSuccess: 37 });
    const inp = await input();
    const { state, elapsed } = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] });
      const t0 = await env.currentTimeMs();
      const state = await handle.result();
      return { state, elapsed: (await env.currentTimeMs()) - t0 };
    });
    expect(elapsed).toBeGreaterThanOrEqual(30 * HOUR);
    expect(calls.alerts).toBe(1);
    expect(calls.deliveries).toBe(38);
    expect(calls.deliveredOnce).toBe(1);
    expect(state).toMatchObject({ status: 'DELIVERED', alerted: true, confirmed: true, deliveryAttempts: 38 });
  });

  it('continues a long-failing delivery as new runs, carrying its state, and still delivers once and alerts once', async () => {
    const { calls, activities } = stubActivities({ deliverFailuresBeforeSuccess: 30 });
    const inp = await input({ continueAsNewAfterEvents: 60 });
    const { state, runs } = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] });
      const firstRunId = (await handle.describe()).runId;
      const state = await handle.result();
      const last = await env.client.workflow.getHandle(handle.workflowId).describe();
      return { state, runs: { first: firstRunId, last: last.runId } };
    });
    expect(runs.last).not.toBe(runs.first);
    expect(state).toMatchObject({ status: 'DELIVERED', alerted: true, confirmed: true, deliveryAttempts: 31 });
    expect(state.payment?.transactionId).toBe('txn1');
    expect(calls.alerts).toBe(1);
    expect(calls.deliveredOnce).toBe(1);
    expect(calls.projections.filter((p) => p.status === 'PAID')).toHaveLength(1);
  });

  it('retries at once when told the endpoint recovered, instead of waiting out its backoff', async () => {
    const { calls, activities } = stubActivities({ deliverFailuresBeforeSuccess: 1 });
    const inp = await input({ deliveryRetryInitialMs: HOUR });
    const { state, elapsed } = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] });
      // Time skips only while a result is awaited, so the hour-long wait is still ahead here.
      await waitFor('the first attempt to fail', async () => (await handle.query(getStatusQuery)).deliveryAttempts === 1);
      await handle.signal(retryDeliveryNowSignal);
      const state = await handle.result();
      // The run's own span on the server's virtual clock (the clock may skip on after it closed).
      const { startTime, closeTime } = await handle.describe();
      return { state, elapsed: closeTime!.getTime() - startTime.getTime() };
    });
    expect(elapsed).toBeLessThan(HOUR);
    expect(calls.deliveries).toBe(2);
    expect(calls.deliveredOnce).toBe(1);
    expect(state).toMatchObject({ status: 'DELIVERED', deliveryAttempts: 2 });
  });

  it('tries an attempt refused for a busy endpoint again within seconds, without counting it or waiting out a backoff', async () => {
    // The first backoff is an hour: only the activity's own retries can deliver sooner.
    const { calls, activities } = stubActivities({ busyBeforeSuccess: 3 });
    const inp = await input({ deliveryRetryInitialMs: HOUR });
    const { state, elapsed, failedEvents } = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] });
      const state = await handle.result();
      const { startTime, closeTime } = await handle.describe();
      const history = await handle.fetchHistory();
      const failedEvents = (history.events ?? []).filter((e) => e.activityTaskFailedEventAttributes).length;
      return { state, elapsed: closeTime!.getTime() - startTime.getTime(), failedEvents };
    });
    expect(calls.busy).toBe(3);
    expect(calls.deliveries).toBe(1);
    // Retried 1, 2 and 4 s apart (activityOptions.delivery), well inside the first backoff.
    expect(elapsed).toBeLessThan(60_000);
    expect(failedEvents).toBe(0);
    expect(state).toMatchObject({ status: 'DELIVERED', deliveryAttempts: 1, lastDeliveryError: null });
  });

  it('waits at least as long as the endpoint has been failing (capped) before retrying', async () => {
    // Without the outage's age the retry would come after 15 s; with it, after 40 minutes.
    const { calls, activities } = stubActivities({ deliverFailuresBeforeSuccess: 1, endpointFailingForMs: 40 * 60_000 });
    const inp = await input({ deliveryAlertAfterMs: 10 * HOUR });
    const elapsed = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] });
      await handle.result();
      const { startTime, closeTime } = await handle.describe();
      return closeTime!.getTime() - startTime.getTime();
    });
    expect(elapsed).toBeGreaterThanOrEqual(40 * 60_000);
    expect(elapsed).toBeLessThan(HOUR);
    expect(calls.deliveries).toBe(2);
  });

  it('does not alert when delivery succeeds before the alert is due', async () => {
    const { calls, activities } = stubActivities({ deliverFailuresBeforeSuccess: 2 });
    const inp = await input();
    const state = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] });
      return handle.result();
    });
    expect(calls.alerts).toBe(0);
    expect(state).toMatchObject({ status: 'DELIVERED', alerted: false });
  });

  it('records duplicate payment callbacks once and delivers once', async () => {
    const { calls, activities } = stubActivities();
    const inp = await input();
    const state = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] })),
      );
      expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
      // A second payment with another transaction is refused.
      await expect(handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order, 'txn-other')] })).rejects.toThrow();
      const status = await handle.query(getStatusQuery);
      expect(status.payment?.transactionId).toBe('txn1');
      return handle.result();
    });
    expect(calls.projections.filter((p) => p.status === 'PAID')).toHaveLength(1);
    expect(calls.deliveredOnce).toBe(1);
    expect(state.status).toBe('DELIVERED');
  });

  it('refuses a payment callback that reaches the workflow together with the payment timeout, and closes the order', async () => {
    // The worker is down over the deadline while the superapp retries its callback: when a worker
    // is back, the timer's fire and the callback's update come in one workflow activation.
    const { calls, activities } = stubActivities();
    const inp = await input();
    const taskQueue = newTaskQueue();
    // Without a workflow cache the worker has no sticky queue: the next worker gets the tasks at once.
    const { handle } = await withWorker(activities, (tq) => startWithPrepay(tq, inp), { taskQueue, maxCachedWorkflows: 0 });

    // No worker now. Past the deadline the timer fires and its workflow task waits for a worker.
    // (The test server skips time only while no task is pending: the update must come after.)
    const deadline = Date.parse(inp.order.createdAt) + inp.timings.paymentTimeoutMs;
    await env.sleep(deadline - (await env.currentTimeMs()) + 1_000);
    const fired = (await handle.fetchHistory()).events?.filter((e) => e.timerFiredEventAttributes).length;
    expect(fired).toBe(1);

    // The callback's update, held by the server for that same task (its outcome awaited later).
    const updateId = 'late-payment';
    const late = handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)], updateId }).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    await waitFor('the update to be admitted', () => updateAdmitted(env.client, handle.workflowId, updateId));

    const state = await withWorker(activities, () => handle.result(), { taskQueue });
    const outcome = await late;
    expect(outcome).toEqual({ error: expect.any(WorkflowUpdateFailedError) });
    expect((outcome as { error: WorkflowUpdateFailedError }).error.cause).toMatchObject({ type: Failures.OrderClosed });
    expect(state).toMatchObject({ status: 'CLOSED', closeReason: 'payment_timeout', payment: null, paymentRecordedAt: null });
    expect(calls.projections.map((p) => p.status)).toEqual(['PREPAID', 'CLOSED']);
    expect(calls.confirmations).toBe(0);
    expect(calls.deliveries).toBe(0);
  });

  it('still answers a duplicate of a payment recorded before the deadline once it has passed', async () => {
    // A failed first delivery and an hour of backoff keep the paid purchase running past the deadline.
    const { calls, activities } = stubActivities({ deliverFailuresBeforeSuccess: 1 });
    const inp = await input({ deliveryRetryInitialMs: HOUR, deliveryAlertAfterMs: 10 * HOUR });
    const state = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      const paid = payment(inp.order);
      expect(await handle.executeUpdate(recordPaymentUpdate, { args: [paid] })).toEqual({ duplicate: false });
      await waitFor('the first attempt to fail', async () => (await handle.query(getStatusQuery)).deliveryAttempts === 1);
      await env.sleep(inp.timings.paymentTimeoutMs + 60_000);
      // The deadline only bars an order that has no payment yet.
      expect(await handle.executeUpdate(recordPaymentUpdate, { args: [paid] })).toEqual({ duplicate: true });
      const other = await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order, 'txn-other')] }).catch((e: unknown) => e);
      expect(other).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((other as WorkflowUpdateFailedError).cause).toMatchObject({ type: Failures.AlreadyPaid });
      await handle.signal(retryDeliveryNowSignal);
      return handle.result();
    });
    expect(state).toMatchObject({ status: 'DELIVERED', payment: { transactionId: 'txn1' } });
    expect(calls.projections.filter((p) => p.status === 'PAID')).toHaveLength(1);
    expect(calls.deliveredOnce).toBe(1);
  });
});

describe('the payment request steps as local activities (PurchaseInput.localSteps)', () => {
  /** The activity types scheduled as activity tasks, and the markers recorded, in the history. */
  async function taskKinds(handle: { fetchHistory(): Promise<{ events?: Array<Record<string, any>> | null }> }) {
    const events = (await handle.fetchHistory()).events ?? [];
    return {
      activityTasks: events
        .filter((e) => e.activityTaskScheduledEventAttributes)
        .map((e) => e.activityTaskScheduledEventAttributes.activityType.name),
      markers: events.filter((e) => e.markerRecordedEventAttributes).map((e) => e.markerRecordedEventAttributes.markerName),
    };
  }

  it.each([
    [
      true,
      ['projectOrder', 'confirmPayment', 'deliverOrder'],
      ['core_patch', 'core_local_activity', 'core_local_activity', 'core_local_activity'],
    ],
    [false, ['saveNewOrder', 'requestPrepay', 'projectOrder', 'projectOrder', 'confirmPayment', 'deliverOrder'], []],
    [undefined, ['saveNewOrder', 'requestPrepay', 'projectOrder', 'projectOrder', 'confirmPayment', 'deliverOrder'], []],
  ])('localSteps %s: activity tasks %j, markers %j (the PAID row stays an activity task)', async (localSteps, activityTasks, markers) => {
    const { calls, activities } = stubActivities();
    const inp = { ...(await input()), ...(localSteps === undefined ? {} : { localSteps }) };
    const { state, kinds } = await withWorker(activities, async (tq) => {
      const { answer, handle } = await startWithPrepay(tq, inp);
      expect(answer).toMatchObject({ status: 'PREPAID', prepayId: `prepay_${inp.order.orderId}` });
      await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] });
      return { state: await handle.result(), kinds: await taskKinds(handle) };
    });
    expect(state).toMatchObject({ status: 'DELIVERED', prepayId: `prepay_${inp.order.orderId}` });
    expect(kinds.activityTasks.sort()).toEqual([...activityTasks].sort());
    expect(kinds.markers).toEqual(markers);
    expect(calls.projections.map((p) => p.status)).toEqual(['PREPAID', 'PAID']);
  });

  it.each([
    [true, [], ['core_patch', 'core_local_activity', 'core_patch', 'core_local_activity'], 'purchase'],
    [false, ['saveNewOrder', 'projectOrder'], ['core_patch'], 'purchase'],
    // purchaseV2 takes the 'prepay-from-row' path with no marker.
    [true, [], ['core_local_activity', 'core_local_activity'], 'purchaseV2'],
  ] as const)(
    'localSteps %s: a prepayId a lost run left in the row is the answer, with no prepay call (activity tasks %j, markers %j, %s)',
    async (localSteps, activityTasks, markers, workflowType) => {
      // saveNewOrder found the order's row holding the prepayId a run lost after its PREPAID row
      // wrote; the mini game may hold it. The prepay step is not run at all (its few retries are
      // no place for a database read).
      const { calls, activities } = stubActivities();
      let prepayCalls = 0;
      activities.saveNewOrder = async () => ({ prepayId: 'pp_lost' });
      activities.requestPrepay = async () => {
        prepayCalls++;
        return { prepayId: 'pp_second' };
      };
      const inp = { ...(await input()), localSteps };
      const { answer, kinds } = await withWorker(activities, async (tq) => {
        const { answer, handle } = await startWithPrepay(tq, inp, workflowType);
        return { answer, kinds: await taskKinds(handle) };
      });
      expect(answer).toMatchObject({ status: 'PREPAID', prepayId: 'pp_lost' });
      expect(prepayCalls).toBe(0);
      expect(calls.projections).toEqual([{ orderId: inp.order.orderId, status: 'PREPAID', prepayId: 'pp_lost' }]);
      expect(kinds.activityTasks).toEqual(activityTasks);
      expect(kinds.markers).toEqual(markers);
    },
  );

  it.each([true, false])(
    'localSteps %s: a prepayId a stalled older run wrote to the row after saveNewOrder read it empty is adopted',
    async (localSteps) => {
      // saveNewOrder found no prepayId, so the prepay call ran and got pp_second; meanwhile a
      // stalled older run wrote pp_stalled to the row, and the PREPAID write kept it (coalesce).
      const { calls, activities } = stubActivities();
      activities.requestPrepay = async () => ({ prepayId: 'pp_second' });
      activities.projectOrder = async (p) => {
        calls.projections.push(p);
        return { prepayId: p.prepayId === undefined ? null : 'pp_stalled' };
      };
      const inp = { ...(await input()), localSteps };
      const { answer, query, state } = await withWorker(activities, async (tq) => {
        const { answer, handle } = await startWithPrepay(tq, inp);
        const query = await handle.query(getStatusQuery);
        await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] });
        return { answer, query, state: await handle.result() };
      });
      expect(answer).toMatchObject({ status: 'PREPAID', prepayId: 'pp_stalled' });
      expect(query.prepayId).toBe('pp_stalled');
      expect(state).toMatchObject({ status: 'DELIVERED', prepayId: 'pp_stalled' });
      expect(calls.projections[0]).toEqual({ orderId: inp.order.orderId, status: 'PREPAID', prepayId: 'pp_second' });
    },
  );

  it('hands a failing prepay call to an activity task after one local try: 3 calls in all, then PREPAID', async () => {
    const { activities } = stubActivities();
    let prepayCalls = 0;
    activities.requestPrepay = async (order) => {
      if (++prepayCalls < 3) throw ApplicationFailure.create({ type: 'SuperappUnavailable', message: 'HTTP 502 from the superapp' });
      return { prepayId: `prepay_${order.orderId}` };
    };
    const inp = { ...(await input()), localSteps: true };
    const { answer, kinds } = await withWorker(activities, async (tq) => {
      const { answer, handle } = await startWithPrepay(tq, inp);
      return { answer, kinds: await taskKinds(handle) };
    });
    expect(answer).toMatchObject({ status: 'PREPAID', prepayId: `prepay_${inp.order.orderId}` });
    expect(prepayCalls).toBe(3);
    // The local try (failed), then the activity task (its 2 attempts): one local marker each for
    // the order row, the failed prepay call and the PREPAID row.
    expect(kinds.activityTasks).toEqual(['requestPrepay']);
    expect(kinds.markers).toEqual(['core_patch', 'core_local_activity', 'core_local_activity', 'core_local_activity']);
  });

  it('hands the order row to an activity task when the database is too slow for the local tries', async () => {
    const { calls, activities } = stubActivities();
    let rowCalls = 0;
    activities.saveNewOrder = async () => {
      if (++rowCalls <= 3) throw ApplicationFailure.create({ type: 'DatabaseUnavailable', message: 'connection refused' });
      return { prepayId: null };
    };
    const inp = { ...(await input()), localSteps: true };
    const { answer, kinds } = await withWorker(activities, async (tq) => {
      const { answer, handle } = await startWithPrepay(tq, inp);
      return { answer, kinds: await taskKinds(handle) };
    });
    expect(answer).toMatchObject({ status: 'PREPAID' });
    expect(rowCalls).toBe(4); // 3 local tries, then the activity task's first attempt
    expect(kinds.activityTasks).toEqual(['saveNewOrder']);
    expect(calls.projections.map((p) => p.status)).toEqual(['PREPAID']);
  });

  it('closes the order as prepay_rejected when the superapp rejects the prepay order, with no activity-task retry', async () => {
    const { calls, activities } = stubActivities();
    let prepayCalls = 0;
    activities.requestPrepay = async () => {
      prepayCalls++;
      throw ApplicationFailure.create({ type: Failures.PrepayRejected, message: 'risk control', nonRetryable: true });
    };
    const inp = { ...(await input()), localSteps: true };
    const { refusal, state, kinds } = await withWorker(activities, async (tq) => {
      const refusal = await startWithPrepay(tq, inp).catch((e: unknown) => e);
      const handle = env.client.workflow.getHandle(purchaseWorkflowId(inp.order.appId, inp.order.outTradeNo));
      return { refusal, state: await handle.result(), kinds: await taskKinds(handle) };
    });
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refusal as WorkflowUpdateFailedError).cause).toMatchObject({ type: Failures.PrepayRejected });
    expect(state).toMatchObject({ status: 'CLOSED', closeReason: 'prepay_rejected' });
    expect(prepayCalls).toBe(1);
    expect(kinds.markers).toEqual(['core_patch', 'core_local_activity', 'core_local_activity']);
    expect(kinds.activityTasks).toEqual(['projectOrder']); // the CLOSED row
    expect(calls.projections.map((p) => p.status)).toEqual(['CLOSED']);
  });
});

/** The activity types scheduled as activity tasks, the patches asked and the TemporalChangeVersion upserts, in the history. */
const kindsOf = async (handle: { fetchHistory(): Promise<{ events?: Array<Record<string, any>> | null }> }) => {
  const events = (await handle.fetchHistory()).events ?? [];
  return {
    activityTasks: events
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => e.activityTaskScheduledEventAttributes.activityType.name as string),
    patches: events
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
      .map((e) => JSON.parse(Buffer.from(e.markerRecordedEventAttributes.details['patch-data'].payloads[0].data).toString()).id as string),
    changeVersionUpserts: events.filter(
      (e) => e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.TemporalChangeVersion,
    ).length,
  };
};

describe("the callback's PAID row as a local activity (PurchaseInput.localPaidRow)", () => {
  /**
   * A payment timeout shorter than the 15 minutes of the purchases earlier tests left waiting: the
   * test server stops skipping time at their fired timers, which no worker takes any more.
   */
  const SHORT_TIMEOUT = { paymentTimeoutMs: 60_000 };
  /** The payment a lost local attempt left in the row. */
  const lostPayment = (o: OrderDraft) => ({ transactionId: 'txn_lost', paidAmount: o.totalAmount, paidAt: '2026-12-02T03:00:00.000Z' });

  it.each([
    [true, ['confirmPayment', 'deliverOrder'], ['local-request-steps', 'local-paid-row']],
    [false, ['projectOrder', 'confirmPayment', 'deliverOrder'], ['local-request-steps']],
    [undefined, ['projectOrder', 'confirmPayment', 'deliverOrder'], ['local-request-steps']],
  ])('localPaidRow %s: activity tasks %j, patches %j', async (localPaidRow, activityTasks, patches) => {
    const { calls, activities } = stubActivities();
    const inp = { ...(await input()), localSteps: true, ...(localPaidRow === undefined ? {} : { localPaidRow }) };
    const { state, kinds, answer } = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      const answer = await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] });
      return { state: await handle.result(), kinds: await kindsOf(handle), answer };
    });
    expect(answer).toEqual({ duplicate: false });
    expect(state).toMatchObject({ status: 'DELIVERED', payment: { transactionId: 'txn1' } });
    expect(kinds.activityTasks.sort()).toEqual([...activityTasks].sort());
    expect(kinds.patches).toEqual(patches);
    expect(calls.projections.map((p) => p.status)).toEqual(['PREPAID', 'PAID']);
    expect(calls.deliveredOnce).toBe(1);
  });

  it('adopts at the payment timeout a payment a lost local attempt left in the row, and delivers it', async () => {
    // No callback reaches the workflow: the worker that wrote the PAID row died before its task
    // completed, and the superapp's retries were answered from the row. The close finds it paid.
    const { calls, activities } = stubActivities();
    const inp = { ...(await input(SHORT_TIMEOUT)), localSteps: true, localPaidRow: true };
    activities.projectOrder = async (p) => {
      calls.projections.push(p);
      if (p.status === 'CLOSED') return { prepayId: `prepay_${inp.order.orderId}`, status: 'PAID', payment: lostPayment(inp.order) };
      return { prepayId: p.prepayId ?? null, status: p.status, payment: null };
    };
    let confirmed: unknown;
    activities.confirmPayment = async (c) => {
      confirmed = c;
    };
    const { state, kinds } = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      return { state: await handle.result(), kinds: await kindsOf(handle) };
    });
    expect(state).toMatchObject({
      status: 'DELIVERED',
      closeReason: null,
      payment: { ...lostPayment(inp.order), currencyType: inp.order.currencyType },
    });
    expect(confirmed).toEqual({ orderId: inp.order.orderId, transactionId: 'txn_lost' });
    expect(calls.deliveredOnce).toBe(1);
    expect(calls.projections.map((p) => p.status)).toEqual(['PREPAID', 'CLOSED']);
    expect(kinds.patches).toEqual(['local-request-steps', 'close-adopts-row-payment']);
  });

  it('closes as before when the row holds no payment at the timeout, writing the row once', async () => {
    const { calls, activities } = stubActivities();
    const inp = { ...(await input(SHORT_TIMEOUT)), localSteps: true, localPaidRow: true };
    const state = await withWorker(activities, async (tq) => (await startWithPrepay(tq, inp)).handle.result());
    expect(state).toMatchObject({ status: 'CLOSED', closeReason: 'payment_timeout', payment: null });
    expect(calls.projections).toEqual([
      { orderId: inp.order.orderId, status: 'PREPAID', prepayId: `prepay_${inp.order.orderId}` },
      { orderId: inp.order.orderId, status: 'CLOSED', closeReason: 'payment_timeout' },
    ]);
    expect(calls.deliveries).toBe(0);
  });

  it('without localPaidRow the close does not read the row: a purchase started before keeps its path', async () => {
    const { calls, activities } = stubActivities();
    const inp = { ...(await input(SHORT_TIMEOUT)), localSteps: true };
    activities.projectOrder = async (p) => {
      calls.projections.push(p);
      return { prepayId: p.prepayId ?? null, status: 'PAID', payment: lostPayment(inp.order) };
    };
    const state = await withWorker(activities, async (tq) => (await startWithPrepay(tq, inp)).handle.result());
    expect(state).toMatchObject({ status: 'CLOSED', closeReason: 'payment_timeout' });
    expect(calls.deliveries).toBe(0);
  });

  it("refuses a callback whose PAID write found another transaction in the row, and delivers the row's", async () => {
    // A lost local attempt wrote txn_lost first (the API answered the superapp's retry of it from
    // the row); a second transaction reaching the workflow is then the one refused.
    const { calls, activities } = stubActivities();
    const inp = { ...(await input()), localSteps: true, localPaidRow: true };
    activities.projectOrder = async (p) => {
      calls.projections.push(p);
      if (p.status === 'PAID') return { prepayId: `prepay_${inp.order.orderId}`, status: 'PAID', payment: lostPayment(inp.order) };
      return { prepayId: p.prepayId ?? null, status: p.status, payment: null };
    };
    const { refusal, state } = await withWorker(activities, async (tq) => {
      const { handle } = await startWithPrepay(tq, inp);
      const refusal = await handle
        .executeUpdate(recordPaymentUpdate, { args: [payment(inp.order, 'txn_second')] })
        .catch((e: unknown) => e);
      return { refusal, state: await handle.result() };
    });
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refusal as WorkflowUpdateFailedError).cause).toMatchObject({ type: Failures.AlreadyPaid });
    expect(state).toMatchObject({ status: 'DELIVERED', payment: { transactionId: 'txn_lost' } });
    expect(calls.deliveredOnce).toBe(1);
  });
});

describe('the purchaseV2 workflow type: the same purchase, no patches', () => {
  it('takes every patched path with no marker and no TemporalChangeVersion upsert: the same steps as a patched run', async () => {
    const run = async (workflowType: 'purchase' | 'purchaseV2') => {
      const { calls, activities } = stubActivities();
      const inp = { ...(await input()), localSteps: true, localPaidRow: true };
      return withWorker(activities, async (tq) => {
        // The deliveries on a delivery task queue: this worker's own, so the patch is asked for.
        const { handle } = await startWithPrepay(tq, { ...inp, deliveryTaskQueue: tq }, workflowType);
        await handle.executeUpdate(recordPaymentUpdate, { args: [payment(inp.order)] });
        return { state: await handle.result(), history: await kindsOf(handle), calls };
      });
    };
    const patched = await run('purchase');
    const free = await run('purchaseV2');
    expect(patched.history).toMatchObject({
      patches: ['local-request-steps', 'local-paid-row', 'delivery-task-queue'],
      changeVersionUpserts: 3,
    });
    // Six events fewer (the count of workflow tasks around them varies with timing, so it is not compared whole).
    expect(free.history).toMatchObject({ patches: [], changeVersionUpserts: 0 });
    expect(free.history.activityTasks).toEqual(patched.history.activityTasks);
    expect(free.history.activityTasks.sort()).toEqual(['confirmPayment', 'deliverOrder']);
    for (const r of [patched, free]) {
      expect(r.state).toMatchObject({ status: 'DELIVERED', payment: { transactionId: 'txn1' } });
      expect(r.calls.projections.map((p) => p.status)).toEqual(['PREPAID', 'PAID']);
      expect(r.calls.deliveredOnce).toBe(1);
    }
  });
});
