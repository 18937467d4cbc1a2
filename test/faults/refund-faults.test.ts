// Fault matrix, refunds (CONTRACT.md 8) on real Temporal and PostgreSQL: the superapp's refund
// endpoint down (5xx, connection reset, connection refused) then back; the game backend's endpoint
// down for the refund notice then back; duplicate superapp refund calls at once; a worker process
// SIGKILLed while a refund asks the superapp and again while its notice is retried. Each refund
// ends SUCCEEDED once, the superapp asked only about that refundId with the same fields, the order's
// refunded total right, the game backend notified exactly once; and everything reconciles.
import type { ChildProcess } from 'node:child_process';
import { startVpay, type Vpay } from '../support/vpay';
import { paidOrder, queryOrder, setupApp, type TestApp } from '../support/minigame';
import { gameRefund, newRefundNo, queryRefund, superappRefundBody } from '../support/refunds';
import { expectReconciled } from '../support/reconciled';
import { exited, ready, spawnWorker } from '../support/worker-process';
import { waitFor } from '../support/wait-for';
import { refundWorkflowId } from '../../workflows/workflow-ids';

/** The superapp's refund calls for this refund: asked at least once, always with the same body. */
function expectAskedIdempotently(vpay: Vpay, refundId: string): number {
  const calls = vpay.superapp.refunds.filter((b) => b.refundId === refundId);
  expect(calls.length).toBeGreaterThanOrEqual(1);
  expect(new Set(calls.map((c) => JSON.stringify(c))).size).toBe(1);
  return calls.length;
}

/** The refund's notice acknowledged exactly once, by the fake developer and in vpay's attempts. */
async function expectNotifiedOnce(vpay: Vpay, refundId: string): Promise<void> {
  await vpay.developer.waitForRefundNotice(refundId, 30_000);
  expect(vpay.developer.refundNoticesAcknowledged(refundId)).toBe(1);
  // vpay records the attempt once the answer is in: the row follows the acknowledgement.
  const okRows = () => vpay.api.db('refund_notify_attempts').where({ refund_id: refundId, ok: true });
  await waitFor('the acknowledged attempt recorded', async () => (await okRows()).length >= 1, 10_000);
  expect(await okRows()).toHaveLength(1);
}

const refundHandle = (vpay: Vpay, app: TestApp, refundId: string, outRefundNo: string) =>
  vpay.api.client.workflow.getHandle(refundWorkflowId({ appId: app.appId, source: 'game', refundId, outRefundNo }));

describe('with the worker in process', () => {
  let vpay: Vpay;
  let app: TestApp;

  beforeAll(async () => {
    vpay = await startVpay({ WORKFLOW_ANSWER_TIMEOUT_MS: '2000', DELIVERY_RETRY_INITIAL_MS: '100', DELIVERY_RETRY_MAX_MS: '300' });
    app = await setupApp(vpay);
  });
  afterAll(async () => {
    await vpay?.stop();
  });
  afterEach(() => {
    vpay.superapp.refundMode = 'ok';
    vpay.developer.mode = 'ok';
  });

  async function deliveredOrder() {
    const o = await paidOrder(vpay, app);
    await vpay.developer.waitFor(o.orderId, 20_000);
    return o;
  }

  /** A game backend's refund while the superapp cannot answer: PENDING, its amount held, retried. */
  async function pendingRefund(o: { outTradeNo: string }, amount: number) {
    const outRefundNo = newRefundNo();
    const r = await gameRefund(vpay, app, { outTradeNo: o.outTradeNo, outRefundNo, refundAmount: amount });
    expect(r.status).toBe(200);
    expect(r.json.refund).toMatchObject({ status: 'PENDING', refundedAt: null });
    return { outRefundNo, refundId: r.json.refund.refundId as string };
  }

  it.each(['http500', 'drop'] as const)(
    'the superapp answering %s, then back: the refund SUCCEEDED once, asked idempotently per refundId',
    async (mode) => {
      const o = await deliveredOrder();
      vpay.superapp.refundMode = mode;
      const { outRefundNo, refundId } = await pendingRefund(o, 250);
      await waitFor('the superapp asked twice', () => vpay.superapp.refunds.filter((b) => b.refundId === refundId).length >= 2, 20_000);
      vpay.superapp.refundMode = 'ok';
      await waitFor('SUCCEEDED', async () => (await queryRefund(vpay, app, outRefundNo)).json.refund.status === 'SUCCEEDED', 30_000);
      const asked = expectAskedIdempotently(vpay, refundId);
      await expectNotifiedOnce(vpay, refundId);
      await refundHandle(vpay, app, refundId, outRefundNo).result();
      // Asked no more once it answered.
      expect(expectAskedIdempotently(vpay, refundId)).toBe(asked);
      expect((await queryOrder(vpay, app, o.outTradeNo)).json.order).toMatchObject({ status: 'DELIVERED', refundedAmount: 250 });
    },
    60_000,
  );

  it('the superapp refusing connections, then back at its address: the refund SUCCEEDED once', async () => {
    const o = await deliveredOrder();
    const port = Number(new URL(vpay.superapp.url).port);
    await vpay.superapp.close();
    let refundId = '';
    try {
      const pending = await pendingRefund(o, 300);
      refundId = pending.refundId;
      const handle = refundHandle(vpay, app, pending.refundId, pending.outRefundNo);
      await waitFor(
        'the superapp call failing twice',
        async () => ((await handle.describe()).raw.pendingActivities ?? []).some((a) => (a.attempt ?? 0) >= 2 && a.lastFailure),
        20_000,
      );
      expect(vpay.superapp.refunds.filter((b) => b.refundId === refundId)).toHaveLength(0);
      await vpay.superapp.start(port);
      await waitFor(
        'SUCCEEDED',
        async () => (await queryRefund(vpay, app, pending.outRefundNo)).json.refund.status === 'SUCCEEDED',
        30_000,
      );
    } finally {
      if (!vpay.superapp.url.endsWith(`:${port}`) || !refundId) await vpay.superapp.start(port).catch(() => undefined);
    }
    expectAskedIdempotently(vpay, refundId);
    await expectNotifiedOnce(vpay, refundId);
    expect((await queryOrder(vpay, app, o.outTradeNo)).json.order.refundedAmount).toBe(300);
  }, 60_000);

  it('the game backend down for the refund notice (5xx, then refusing connections), then back: notified once', async () => {
    const o = await deliveredOrder();
    vpay.developer.mode = 'http500';
    const body = superappRefundBody(o.orderId, 200);
    expect(await vpay.superapp.refund(vpay.url, body)).toEqual({ status: 200, json: { returnCode: 0, returnMessage: 'OK' } });
    const failures = () => vpay.api.db('refund_notify_attempts').where({ refund_id: body.refundId, ok: false });
    await waitFor('two failed notice attempts', async () => (await failures()).length >= 2, 20_000);
    const port = Number(new URL(vpay.developer.url).port);
    await vpay.developer.close();
    const before = (await failures()).length;
    await waitFor('a notice attempt refused', async () => (await failures()).length > before, 20_000);
    expect((await failures()).at(-1).http_status).toBeNull();
    vpay.developer.mode = 'ok';
    await vpay.developer.start(port);
    await expectNotifiedOnce(vpay, body.refundId);
    const refund = await vpay.api.db('refunds').where({ refund_id: body.refundId }).first();
    expect(refund).toMatchObject({ status: 'SUCCEEDED', last_notify_error: null });
    expect(refund.notified_at).not.toBeNull();
    expect(refund.notify_attempts).toBe((await failures()).length + 1);
  }, 60_000);

  it('10 identical superapp refund calls (8.1) at once: one refund, all answered 200', async () => {
    const o = await deliveredOrder();
    const body = superappRefundBody(o.orderId, 150);
    const answers = await Promise.all(Array.from({ length: 10 }, () => vpay.superapp.refund(vpay.url, body)));
    expect(answers).toEqual(Array.from({ length: 10 }, () => ({ status: 200, json: { returnCode: 0, returnMessage: 'OK' } })));
    const rows = await vpay.api.db('refunds').where({ order_id: o.orderId });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ refund_id: body.refundId, status: 'SUCCEEDED' });
    expect((await queryOrder(vpay, app, o.outTradeNo)).json.order.refundedAmount).toBe(150);
    await expectNotifiedOnce(vpay, body.refundId);
  }, 60_000);

  it('10 identical game refunds (8.2) at once: one refund, one superapp call, all answered the same', async () => {
    const o = await deliveredOrder();
    const outRefundNo = newRefundNo();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => gameRefund(vpay, app, { outTradeNo: o.outTradeNo, outRefundNo, refundAmount: 120 })),
    );
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const ids = new Set(answers.map((a) => a.json.refund.refundId));
    expect(ids.size).toBe(1);
    const [refundId] = [...ids];
    expect(vpay.superapp.refunds.filter((b) => b.refundId === refundId)).toHaveLength(1);
    expect(await vpay.api.db('refunds').where({ order_id: o.orderId })).toHaveLength(1);
    expect((await queryOrder(vpay, app, o.outTradeNo)).json.order.refundedAmount).toBe(120);
    await expectNotifiedOnce(vpay, refundId);
  }, 60_000);

  it('ends reconciled', async () => {
    await expectReconciled(vpay);
  });
});

describe('a worker process SIGKILLed mid-refund', () => {
  let vpay: Vpay;
  let app: TestApp;
  const children: ChildProcess[] = [];
  const worker = () => {
    const c = spawnWorker(vpay);
    children.push(c);
    return c;
  };

  beforeAll(async () => {
    vpay = await startVpay(
      { WORKFLOW_ANSWER_TIMEOUT_MS: '3000', DELIVERY_RETRY_INITIAL_MS: '200', DELIVERY_RETRY_MAX_MS: '400' },
      { worker: false },
    );
    app = await setupApp(vpay);
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(children.map(exited));
    await vpay?.stop();
  });

  it('while asking the superapp, and again while retrying the notice: SUCCEEDED, money right, notified once', async () => {
    const first = worker();
    await ready(first);
    const o = await paidOrder(vpay, app);
    await vpay.developer.waitFor(o.orderId, 20_000);

    vpay.superapp.refundMode = 'http500';
    vpay.developer.mode = 'http500';
    const outRefundNo = newRefundNo();
    const r = await gameRefund(vpay, app, { outTradeNo: o.outTradeNo, outRefundNo, refundAmount: 400 });
    expect(r.json.refund).toMatchObject({ status: 'PENDING' });
    const refundId = r.json.refund.refundId as string;
    await waitFor('the superapp asked twice', () => vpay.superapp.refunds.filter((b) => b.refundId === refundId).length >= 2, 20_000);

    first.kill('SIGKILL');
    await exited(first);
    vpay.superapp.refundMode = 'ok';
    const second = worker();
    await ready(second);
    await waitFor('SUCCEEDED', async () => (await queryRefund(vpay, app, outRefundNo)).json.refund.status === 'SUCCEEDED', 60_000);
    await waitFor(
      'two failed notice attempts',
      async () => (await vpay.api.db('refund_notify_attempts').where({ refund_id: refundId, ok: false })).length >= 2,
      30_000,
    );

    second.kill('SIGKILL');
    await exited(second);
    vpay.developer.mode = 'ok';
    const third = worker();
    await ready(third);
    await expectNotifiedOnce(vpay, refundId);
    await refundHandle(vpay, app, refundId, outRefundNo).result();

    expectAskedIdempotently(vpay, refundId);
    expect(await vpay.api.db('refunds').where({ order_id: o.orderId })).toHaveLength(1);
    const order = await vpay.api.db('orders').where({ order_id: o.orderId }).first();
    expect(order.status).toBe('DELIVERED');
    expect([Number(order.refunded_amount), Number(order.refund_pending_amount)]).toEqual([400, 0]);
    // Every notice the game backend saw is counted; one more at most, counted just before the kill.
    const seen = vpay.developer.refundNotices.filter((n) => n.payload.RefundId === refundId);
    const row = await vpay.api.db('refunds').where({ refund_id: refundId }).first();
    expect(row.notify_attempts).toBeGreaterThanOrEqual(seen.length);
    expect(row.notify_attempts).toBeLessThanOrEqual(seen.length + 1);
    expect(new Set(seen.map((n) => n.attempt)).size).toBe(seen.length);

    await expectReconciled(vpay);
    third.kill('SIGTERM');
    await exited(third);
  }, 120_000);
});
