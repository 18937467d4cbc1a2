// Durability on real processes: a worker process is SIGKILLed while deliveries are failing; a
// new worker process picks the purchases up, and each is delivered exactly once.
import type { ChildProcess } from 'node:child_process';
import { startVpay, type Vpay } from '../support/vpay';
import { pay, queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { exited, ready, spawnWorker as spawnWorkerProcess } from '../support/worker-process';

let vpay: Vpay;
let app: TestApp;
const children: ChildProcess[] = [];

/** `npm run worker` as its own process (test/support/worker-process.ts), retrying deliveries fast. */
function spawnWorker(): ChildProcess {
  const child = spawnWorkerProcess(vpay, { DELIVERY_RETRY_INITIAL_MS: '200', DELIVERY_RETRY_MAX_MS: '400' });
  children.push(child);
  return child;
}

beforeAll(async () => {
  vpay = await startVpay({ WORKFLOW_ANSWER_TIMEOUT_MS: '3000' }, { worker: false });
  app = await setupApp(vpay);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
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
  expect(answer.json).toMatchObject({ status: 'PREPAID', prepayId: `prepay_${answer.json.orderId}` });
  const rows = await vpay.api.db('orders').where({ app_id: app.appId, out_trade_no: outTradeNo });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ order_id: answer.json.orderId, status: 'PREPAID', prepay_id: answer.json.prepayId });
  // The killed call and the rerun: the superapp is asked twice for the same order, and answers one prepayId.
  expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === outTradeNo).map((p) => p.orderId)).toEqual([
    answer.json.orderId,
    answer.json.orderId,
  ]);
  const handle = vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo));
  const markers = (await handle.fetchHistory()).events!.flatMap((e) => e.markerRecordedEventAttributes?.markerName ?? []);
  expect(markers).toEqual(['core_patch', 'core_local_activity', 'core_local_activity', 'core_local_activity']);

  expect((await pay(vpay, answer.json.orderId, app.price)).status).toBe(200);
  expect((await handle.result()).status).toBe('DELIVERED');
  expect(vpay.developer.acknowledged(answer.json.orderId)).toBe(1);
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
