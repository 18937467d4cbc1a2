// Durability of the callback's PAID row as a local activity (PURCHASE_LOCAL_PAID_ROW, on by
// default), on real processes: a worker process writes the PAID row inside the workflow task that
// accepts the payment, and is SIGKILLed before that task completes, so the row says PAID while the
// history holds no payment, and the API answers the superapp from the row. A new worker picks the
// purchase up before the payment timeout (the update is delivered again) or after it (the close
// finds the row paid and adopts its payment): either way the payment is delivered exactly once.
import type { ChildProcess } from 'node:child_process';
import { startVpay, type Vpay } from '../support/vpay';
import { pay, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { expectReconciled } from '../support/reconciled';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { exited, ready, spawnWorker } from '../support/worker-process';
import { startHeldProxy } from '../support/tcp-proxy';

const PAYMENT_TIMEOUT_MS = 30_000;
let vpay: Vpay;
let app: TestApp;
const children: ChildProcess[] = [];

function worker(env: Record<string, string> = {}): ChildProcess {
  const child = spawnWorker(vpay, env);
  children.push(child);
  return child;
}

beforeAll(async () => {
  // A short payment timeout, so a worker can come back either side of it; the dead worker's task
  // times out after Temporal's 10 s, well before it.
  vpay = await startVpay({ WORKFLOW_ANSWER_TIMEOUT_MS: '3000', PAYMENT_TIMEOUT_MS: String(PAYMENT_TIMEOUT_MS) }, { worker: false });
  app = await setupApp(vpay);
});
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
});
afterAll(async () => {
  await vpay?.stop();
});

/** The worker's PAID write (its UPDATE of the orders table) is waiting on the row lock the test holds. */
async function paidWriteWaiting(): Promise<boolean> {
  const { rows } = await vpay.api.db.raw(
    `select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and query ilike 'update "orders"%'`,
  );
  return rows[0].n > 0;
}

/**
 * A purchase requested through a worker that reaches Temporal through a proxy, then paid; the
 * worker is SIGKILLed once its local activity wrote the PAID row, before its workflow task
 * completion reached the server. The test holds the order row's lock while the callback arrives,
 * so the worker's PAID write waits; the proxy then keeps what the worker sends, and the lock is
 * let go: the row is written, the completion never arrives. A real hold, not a race.
 */
async function killAfterLocalPaidRow() {
  const proxy = await startHeldProxy(vpay.config.temporalAddress);
  const first = worker({ TEMPORAL_ADDRESS: proxy.address });
  try {
    await ready(first);
    const sd = signData(app);
    const outTradeNo: string = JSON.parse(sd).outTradeNo;
    const requested = await requestPayment(vpay, app, sd);
    expect(requested.status).toBe(200);
    const orderId: string = requested.json.orderId;
    const createdAt = Date.parse((await vpay.api.db('orders').where({ order_id: orderId }).first()).created_at);

    const lock = await vpay.api.db.transaction();
    let paying: ReturnType<typeof pay>;
    try {
      await lock('orders').where({ order_id: orderId }).forUpdate().first();
      paying = pay(vpay, orderId, app.price);
      await waitFor("the worker's PAID write waiting on the row", paidWriteWaiting);
      proxy.hold();
    } finally {
      await lock.rollback();
    }
    const row = await waitFor('the PAID row', async () => {
      const r = await vpay.api.db('orders').where({ order_id: orderId }).first();
      return r?.status === 'PAID' ? r : undefined;
    });
    // What the worker sends next (its task completion) is kept by the proxy, then it dies.
    await waitFor('the worker sending after the PAID row', () => proxy.heldBytes() > 0);
    first.kill('SIGKILL');
    await exited(first);
    return { orderId, outTradeNo, createdAt, paying, row };
  } finally {
    await proxy.close();
  }
}

/**
 * What the purchase's history shows of the path it took: whether a workflow task of it timed out,
 * how many payment callbacks it accepted, and whether its payment timer fired. The purchase runs
 * as purchaseV2 (npm start's default), which writes no patch markers to tell the paths apart.
 */
async function historyOf(outTradeNo: string) {
  const events = (await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo)).fetchHistory()).events!;
  return {
    timedOut: events.some((e) => e.workflowTaskTimedOutEventAttributes),
    paymentsAccepted: events.filter(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'recordPayment',
    ).length,
    paymentTimerFired: events.some((e) => e.timerFiredEventAttributes),
  };
}

/** Waits for the purchase's end; checks it delivered this payment once; returns what its history shows. */
async function expectDeliveredOnce(orderId: string, outTradeNo: string, transactionId: string) {
  const result = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo)).result();
  expect(result).toMatchObject({ status: 'DELIVERED', payment: { transactionId } });
  const history = await historyOf(outTradeNo);
  // The killed worker's task never completed: it timed out.
  expect(history.timedOut).toBe(true);
  expect(vpay.developer.acknowledged(orderId)).toBe(1);
  expect(vpay.superapp.confirmationsPerOrder.get(orderId)).toBe(1);
  expect(await vpay.api.db('orders').where({ order_id: orderId }).first()).toMatchObject({
    status: 'DELIVERED',
    transaction_id: transactionId,
    close_reason: null,
  });
  // The superapp's retry is answered as recorded.
  expect((await pay(vpay, orderId, app.price)).status).toBe(200);
  return history;
}

it('delivers once a payment whose PAID row a lost worker wrote, when the next worker comes before the payment timeout', async () => {
  const { orderId, outTradeNo, paying, row } = await killAfterLocalPaidRow();
  // The API's wait for the workflow ran out, and the row answered: recorded.
  expect((await paying).status).toBe(200);
  expect(row).toMatchObject({ status: 'PAID', transaction_id: `txn_${orderId}` });

  const second = worker();
  await ready(second);
  const history = await expectDeliveredOnce(orderId, outTradeNo, `txn_${orderId}`);
  // The payment was delivered again to the new worker's task, before the deadline: no adoption.
  expect(history).toMatchObject({ paymentTimerFired: false });
  expect(history.paymentsAccepted).toBeGreaterThanOrEqual(1);
  await expectReconciled(vpay);
}, 90_000);

it('delivers once a payment whose PAID row a lost worker wrote, when the next worker comes after the payment timeout', async () => {
  // Without the close reading the row, the order would end CLOSED, its row PAID: paid, the superapp
  // told so, never delivered.
  const { orderId, outTradeNo, createdAt, paying } = await killAfterLocalPaidRow();
  expect((await paying).status).toBe(200);
  await waitFor('the payment deadline to pass', () => Date.now() > createdAt + PAYMENT_TIMEOUT_MS + 1_000, PAYMENT_TIMEOUT_MS + 5_000, 250);

  const second = worker();
  await ready(second);
  // The payment timer fired and no callback reached the workflow: the close adopted the row's payment.
  expect(await expectDeliveredOnce(orderId, outTradeNo, `txn_${orderId}`)).toMatchObject({ paymentTimerFired: true, paymentsAccepted: 0 });
  await expectReconciled(vpay);
}, 150_000);
