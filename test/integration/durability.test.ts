// Durability on real processes: a worker process is SIGKILLed while deliveries are failing, or
// inside the payment request's local steps; a new worker process picks the purchases up, and each
// is delivered exactly once. The fake superapp answers a new prepayId on every prepay call, so a
// second prepay order for one purchase shows as a second prepayId.
import type { ChildProcess } from 'node:child_process';
import { startVpay, type Vpay } from '../support/vpay';
import { pay, queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { getStatusQuery } from '../../workflows/definitions';
import { exited, ready, spawnWorker as spawnWorkerProcess } from '../support/worker-process';
import { startHeldProxy } from '../support/tcp-proxy';

let vpay: Vpay;
let app: TestApp;
const children: ChildProcess[] = [];

/** `npm run worker` as its own process (test/support/worker-process.ts), retrying deliveries fast. */
function spawnWorker(env: Record<string, string> = {}): ChildProcess {
  const child = spawnWorkerProcess(vpay, { DELIVERY_RETRY_INITIAL_MS: '200', DELIVERY_RETRY_MAX_MS: '400', ...env });
  children.push(child);
  return child;
}

beforeAll(async () => {
  vpay = await startVpay({ WORKFLOW_ANSWER_TIMEOUT_MS: '3000' }, { worker: false });
  vpay.superapp.freshPrepayIds = true;
  app = await setupApp(vpay);
});
/** Workers a test left running (it failed before stopping them) would take the next test's tasks. */
async function killLeftWorkers(): Promise<void> {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
}
afterEach(killLeftWorkers);
afterAll(async () => {
  await killLeftWorkers();
  await vpay?.stop();
});

it('delivers every paid order exactly once across a SIGKILLed worker', async () => {
  vpay.developer.mode = 'http500';
  const first = spawnWorker();
  await ready(first);
  const orders: Array<{ orderId: string; outTradeNo: string }> = [];
  for (let i = 0; i < 10; i++) {
    const sd = signData(app);
    const r = await requestPayment(vpay, app, sd);
    expect(r.status).toBe(200);
    expect((await pay(vpay, r.json.orderId, app.price)).status).toBe(200);
    orders.push({ orderId: r.json.orderId, outTradeNo: JSON.parse(sd).outTradeNo });
  }
  await waitFor(
    'failing attempts for every order',
    () => orders.every((o) => vpay.developer.received.filter((d) => d.payload.OrderId === o.orderId).length >= 2),
    60_000,
  );

  first.kill('SIGKILL');
  await exited(first);
  vpay.developer.mode = 'ok';
  const second = spawnWorker();

  for (const o of orders) {
    const result = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, o.outTradeNo)).result();
    expect(result.status).toBe('DELIVERED');
    const q = await queryOrder(vpay, app, o.outTradeNo);
    expect(q.json.order.status).toBe('DELIVERED');
    expect(vpay.developer.acknowledged(o.orderId)).toBe(1);
    // Every attempt the developer saw is counted on the order; one more at most, for an attempt
    // counted by the killed worker just before it died, before sending.
    const seen = vpay.developer.received.filter((d) => d.payload.OrderId === o.orderId);
    expect(q.json.order.deliveryAttempts).toBeGreaterThanOrEqual(seen.length);
    expect(q.json.order.deliveryAttempts).toBeLessThanOrEqual(seen.length + 1);
    // Attempt numbers are never reused, even across the killed worker.
    expect(new Set(seen.map((d) => d.attempt)).size).toBe(seen.length);
  }
  second.kill('SIGTERM');
  await exited(second);
});

it('runs a local prepay step again after a SIGKILL mid-call: one order, one prepayId, delivered once', async () => {
  // The API starts purchases with PURCHASE_LOCAL_STEPS' default (on): the order row, the prepay
  // call and the PREPAID row run as local activities in the first workflow task. A worker that
  // dies inside the prepay call leaves no marker of the row it wrote; the next worker must run
  // both steps again without a second order or a second prepayId.
  vpay.developer.mode = 'ok';
  vpay.superapp.prepayMode = 'hang';
  const first = spawnWorker();
  await ready(first);
  const sd = signData(app);
  const outTradeNo: string = JSON.parse(sd).outTradeNo;
  const pending = requestPayment(vpay, app, sd);
  await waitFor('the prepay call in flight', () => vpay.superapp.prepays.some((p) => p.outTradeNo === outTradeNo));
  first.kill('SIGKILL');
  await exited(first);
  vpay.superapp.prepayMode = 'ok';
  expect((await pending).status).toBe(503);

  const second = spawnWorker();
  await ready(second);
  // As a mini game backend does with a 503: the identical request again, until it is answered.
  const answer = await waitFor('the identical request answered', async () => {
    const r = await requestPayment(vpay, app, sd);
    return r.status === 200 ? r : r.status === 503 ? undefined : Promise.reject(new Error(`HTTP ${r.status}`));
  });
  expect(answer.json.status).toBe('PREPAID');
  const rows = await vpay.api.db('orders').where({ app_id: app.appId, out_trade_no: outTradeNo });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ order_id: answer.json.orderId, status: 'PREPAID', prepay_id: answer.json.prepayId });
  // The killed call and the rerun: the superapp is asked twice for the same order; the killed
  // call got no answer, so the rerun's prepayId is the only one it created, and the one vpay holds.
  expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === outTradeNo).map((p) => p.orderId)).toEqual([
    answer.json.orderId,
    answer.json.orderId,
  ]);
  expect(prepayIdsCreatedFor(answer.json.orderId)).toEqual([answer.json.prepayId]);
  const handle = vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo));
  const markers = (await handle.fetchHistory()).events!.flatMap((e) => e.markerRecordedEventAttributes?.markerName ?? []);
  // purchaseV2 (npm start's default): the three local steps, no patch marker.
  expect(markers).toEqual(['core_local_activity', 'core_local_activity', 'core_local_activity']);

  expect((await handle.query(getStatusQuery)).prepayId).toBe(answer.json.prepayId);

  expect((await payThePrepay(answer.json.prepayId)).status).toBe(200);
  expect((await handle.result()).status).toBe('DELIVERED');
  expect(vpay.developer.acknowledged(answer.json.orderId)).toBe(1);
  second.kill('SIGTERM');
  await exited(second);
}, 90_000);

/** The prepayIds the fake superapp created for an order, in order. */
const prepayIdsCreatedFor = (orderId: string) =>
  [...vpay.superapp.issuedPrepayIds].filter(([, forOrder]) => forOrder === orderId).map(([prepayId]) => prepayId);

/** The player pays the prepay order the mini game holds: the superapp's callback names its order. */
const payThePrepay = (prepayId: string) =>
  vpay.superapp.payPrepay(vpay.url, prepayId, { paidAmount: app.price, currencyType: app.currencyType });

/**
 * Requests a payment from a worker process that is SIGKILLed once the PREPAID row exists and
 * before its workflow task completes. The worker reaches Temporal through a proxy that stops
 * forwarding what it sends the moment the superapp is asked for the prepay order (before its
 * answer leaves), so the worker writes the order row, gets the prepayId and writes the PREPAID row
 * (all local activities), but its workflow task completion never reaches the server: a real hold,
 * not a race. Returns the pending request and the row as the killed worker left it.
 */
async function killAfterPrepaidRow(sd: string) {
  const outTradeNo: string = JSON.parse(sd).outTradeNo;
  const proxy = await startHeldProxy(vpay.config.temporalAddress);
  const worker = spawnWorker({ TEMPORAL_ADDRESS: proxy.address });
  const recordPrepay = vpay.superapp.simulator.onPrepay;
  try {
    await ready(worker);
    vpay.superapp.simulator.onPrepay = (body) => {
      recordPrepay?.(body);
      if (body.outTradeNo === outTradeNo) proxy.hold();
    };
    const pending = requestPayment(vpay, app, sd);
    const row = await waitFor('the PREPAID row', async () => {
      const r = await vpay.api.db('orders').where({ app_id: app.appId, out_trade_no: outTradeNo }).first();
      return r?.status === 'PREPAID' ? r : undefined;
    });
    worker.kill('SIGKILL');
    await exited(worker);
    return { pending, row };
  } finally {
    vpay.superapp.simulator.onPrepay = recordPrepay;
    await proxy.close();
  }
}

/** The purchase's history proves the killed worker's task never completed: it timed out, no marker before. */
async function expectFirstTaskLost(outTradeNo: string) {
  const handle = vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo));
  const events = (await handle.fetchHistory()).events!;
  const timedOut = events.findIndex((e) => e.workflowTaskTimedOutEventAttributes);
  const firstCompleted = events.findIndex((e) => e.workflowTaskCompletedEventAttributes);
  expect(timedOut).toBeGreaterThan(-1);
  expect(firstCompleted).toBeGreaterThan(timedOut);
  return handle;
}

it('keeps the prepayId the mini game got when the worker dies after the PREPAID row, before its task completed', async () => {
  vpay.developer.mode = 'ok';
  vpay.superapp.prepayMode = 'ok';
  const sd = signData(app);
  const outTradeNo: string = JSON.parse(sd).outTradeNo;
  const { pending, row: lost } = await killAfterPrepaidRow(sd);
  expect((await pending).status).toBe(503);

  // The mini game asks again at once, with no worker running: the PREPAID row answers it.
  const early = await requestPayment(vpay, app, sd);
  expect(early.status).toBe(200);
  expect(early.json).toMatchObject({ orderId: lost.order_id, status: 'PREPAID', prepayId: lost.prepay_id });

  const second = spawnWorker();
  await ready(second);
  const handle = await waitFor('the retried first task completed', () => expectFirstTaskLost(outTradeNo).catch(() => undefined), 60_000);
  const state = await handle.query(getStatusQuery);
  expect(state).toMatchObject({ orderId: lost.order_id, status: 'PREPAID', prepayId: lost.prepay_id });

  // One order row, its prepayId the one the mini game got, and the only prepay order the
  // superapp created for it: the rerun took the prepayId from the row instead of asking again.
  const rows = await vpay.api.db('orders').where({ app_id: app.appId, out_trade_no: outTradeNo });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ order_id: lost.order_id, status: 'PREPAID', prepay_id: early.json.prepayId });
  expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === outTradeNo)).toHaveLength(1);
  expect(prepayIdsCreatedFor(lost.order_id)).toEqual([early.json.prepayId]);
  const again = await requestPayment(vpay, app, sd);
  expect(again.json).toMatchObject({ orderId: lost.order_id, status: 'PREPAID', prepayId: early.json.prepayId });

  expect((await payThePrepay(early.json.prepayId)).status).toBe(200);
  expect((await handle.result()).status).toBe('DELIVERED');
  expect(vpay.developer.acknowledged(lost.order_id)).toBe(1);
  const q = await queryOrder(vpay, app, outTradeNo);
  expect(q.json.order).toMatchObject({ status: 'DELIVERED', prepayId: early.json.prepayId, deliveryAttempts: 1 });
  second.kill('SIGTERM');
  await exited(second);
}, 90_000);

it('does not close an order whose lost run got a prepayId when the superapp would refuse a second prepay order', async () => {
  // A superapp that refuses a second prepay order for one orderId (or is rejecting for a while):
  // asked again by the rerun, it would close the order, leaving the CLOSED row the lost run's
  // prepayId, the one the mini game was answered from the row.
  vpay.developer.mode = 'ok';
  vpay.superapp.prepayMode = 'ok';
  const sd = signData(app);
  const outTradeNo: string = JSON.parse(sd).outTradeNo;
  const { pending, row: lost } = await killAfterPrepaidRow(sd);
  vpay.superapp.prepayMode = 'reject';
  expect((await pending).status).toBe(503);

  const second = spawnWorker();
  await ready(second);
  const handle = await waitFor('the retried first task completed', () => expectFirstTaskLost(outTradeNo).catch(() => undefined), 60_000);
  expect(await handle.query(getStatusQuery)).toMatchObject({ status: 'PREPAID', prepayId: lost.prepay_id, closeReason: null });
  const answer = await requestPayment(vpay, app, sd);
  expect(answer.json).toMatchObject({ orderId: lost.order_id, status: 'PREPAID', prepayId: lost.prepay_id });
  expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === outTradeNo)).toHaveLength(1);

  vpay.superapp.prepayMode = 'ok';
  expect((await payThePrepay(lost.prepay_id)).status).toBe(200);
  expect((await handle.result()).status).toBe('DELIVERED');
  expect(vpay.developer.acknowledged(lost.order_id)).toBe(1);
  second.kill('SIGTERM');
  await exited(second);
}, 90_000);

it('answers 503 within the bound when no worker runs, and the identical retry completes once one does', async () => {
  const sd = signData(app);
  const started = Date.now();
  const r = await requestPayment(vpay, app, sd);
  expect(r.status).toBe(503);
  expect(r.json.errCode).toBe(50302);
  expect(Date.now() - started).toBeLessThan(15_000);
  const worker = spawnWorker();
  await ready(worker);
  const again = await requestPayment(vpay, app, sd);
  expect(again.status).toBe(200);
  expect(again.json.status).toBe('PREPAID');
  expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === JSON.parse(sd).outTradeNo)).toHaveLength(1);
  worker.kill('SIGTERM');
  await exited(worker);
});
