// `npm run reconcile` over refunds (tools/ops/reconcile.ts, tools/ops/reconcile-refunds.ts) on the
// real stack: refunded orders (after delivery, and a full refund that stopped a delivery) match
// their purchases; a clean state reports nothing; each rule, broken with SQL (or Temporal) behind
// vpay's back, is reported as exactly that finding, for that refund or order.
import { startVpay, type Vpay } from '../support/vpay';
import { paidOrder, queryOrder, setupApp, type TestApp } from '../support/minigame';
import { gameRefund, newRefundNo, superappRefundBody } from '../support/refunds';
import { developerLogs, expectReconciled } from '../support/reconciled';
import { waitFor } from '../support/wait-for';
import { reconcile, type ReconcileOptions } from '../../tools/ops/reconcile';
import type { RefundFinding } from '../../tools/ops/reconcile-refunds';
import { purchaseWorkflowId, refundWorkflowId } from '../../workflows/workflow-ids';

let vpay: Vpay;
let app: TestApp;

const run = (o: Partial<ReconcileOptions> = {}) =>
  reconcile({ db: vpay.api.db, client: vpay.api.client, taskQueue: vpay.config.taskQueue, ...developerLogs(vpay), ...o });

/** The report has exactly these refund findings (kind and ids), no order problem and no console finding. */
async function expectOnly(expected: Array<Pick<RefundFinding, 'kind' | 'ids'>>, o: Partial<ReconcileOptions> = {}) {
  const report = await run(o);
  expect(report.problems).toEqual([]);
  expect(report.console.findings).toEqual([]);
  expect(report.refunds.findings.map((f) => ({ kind: f.kind, ids: f.ids }))).toEqual(expected);
  expect(report.ok).toBe(expected.length === 0);
  return report;
}

// The state of the clean run, tampered with (and put back) by the later tests.
let partial: { orderId: string; outTradeNo: string; refundId: string };
let full: { orderId: string; outTradeNo: string; refundId: string };
let failed: { orderId: string; refundId: string };

beforeAll(async () => {
  vpay = await startVpay({ WORKFLOW_ANSWER_TIMEOUT_MS: '2000' });
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});
afterEach(() => {
  vpay.superapp.refundMode = 'ok';
  vpay.developer.mode = 'ok';
});

describe('a clean state', () => {
  it('refunded orders match their purchases: refunded after delivery, and a full refund that stopped the delivery', async () => {
    // A partial refund asked by the game backend (8.2) after delivery.
    const a = await paidOrder(vpay, app);
    await vpay.developer.waitFor(a.orderId, 20_000);
    const r = await gameRefund(vpay, app, { outTradeNo: a.outTradeNo, outRefundNo: newRefundNo(), refundAmount: 300 });
    expect(r.json.refund.status).toBe('SUCCEEDED');
    partial = { ...a, refundId: r.json.refund.refundId };

    // Refunded in full by the superapp (8.1) after delivery: row REFUNDED, purchase COMPLETED/DELIVERED.
    const b = await paidOrder(vpay, app);
    await vpay.developer.waitFor(b.orderId, 20_000);
    const body = superappRefundBody(b.orderId, app.price);
    expect((await vpay.superapp.refund(vpay.url, body)).status).toBe(200);
    full = { ...b, refundId: body.refundId };

    // Refunded in full before its delivery succeeded: the purchase ends with VpayOrderStatus REFUNDED.
    vpay.developer.mode = 'http500';
    const c = await paidOrder(vpay, app);
    await waitFor('a failed delivery attempt', async () => (await queryOrder(vpay, app, c.outTradeNo)).json.order.deliveryAttempts >= 1);
    const stop = superappRefundBody(c.orderId, app.price);
    expect((await vpay.superapp.refund(vpay.url, stop)).status).toBe(200);
    expect(await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, c.outTradeNo)).result()).toMatchObject({
      status: 'REFUNDED',
    });
    vpay.developer.mode = 'ok';

    // A refund the superapp refused: FAILED, never notified.
    const d = await paidOrder(vpay, app);
    await vpay.developer.waitFor(d.orderId, 20_000);
    vpay.superapp.refundMode = 'reject';
    const f = await gameRefund(vpay, app, { outTradeNo: d.outTradeNo, outRefundNo: newRefundNo(), refundAmount: 100 });
    expect(f.json.refund.status).toBe('FAILED');
    failed = { orderId: d.orderId, refundId: f.json.refund.refundId };

    for (const id of [partial.refundId, full.refundId, stop.refundId]) await vpay.developer.waitForRefundNotice(id, 20_000);
    const report = await expectReconciled(vpay);
    expect(report.checked).toBe(4);
    expect(report.refunds.checked).toBe(4);
  });
});

describe("each rule broken behind vpay's back is that finding", () => {
  it('refund_totals: refunded_amount or refund_pending_amount not the sum of the refunds', async () => {
    await vpay.api.db('orders').where({ order_id: partial.orderId }).update({ refunded_amount: 299 });
    const report = await expectOnly([{ kind: 'refund_totals', ids: { orderId: partial.orderId } }]);
    expect(report.refunds.findings[0].detail).toMatch(/refunded_amount 299 \(its SUCCEEDED refunds sum to 300\)/);
    await vpay.api.db('orders').where({ order_id: partial.orderId }).update({ refunded_amount: 300, refund_pending_amount: 1 });
    await expectOnly([{ kind: 'refund_totals', ids: { orderId: partial.orderId } }]);
    await vpay.api.db('orders').where({ order_id: partial.orderId }).update({ refund_pending_amount: 0 });
    await expectOnly([]);
  });

  it('refund_order_status: REFUNDED iff refunded_amount = total_amount', async () => {
    await vpay.api.db('orders').where({ order_id: partial.orderId }).update({ status: 'REFUNDED' });
    await expectOnly([{ kind: 'refund_order_status', ids: { orderId: partial.orderId } }]);
    await vpay.api.db('orders').where({ order_id: partial.orderId }).update({ status: 'DELIVERED' });
    await vpay.api.db('orders').where({ order_id: full.orderId }).update({ status: 'DELIVERED' });
    await expectOnly([{ kind: 'refund_order_status', ids: { orderId: full.orderId } }]);
    await vpay.api.db('orders').where({ order_id: full.orderId }).update({ status: 'REFUNDED' });
    await expectOnly([]);
  });

  it("refund_notified_twice: two acknowledged attempts, or two acknowledgements in the game backend's log", async () => {
    const [attempt] = await vpay.api.db('refund_notify_attempts').where({ refund_id: partial.refundId, ok: true });
    const { id: _id, ...copy } = attempt;
    const [{ id }] = await vpay.api
      .db('refund_notify_attempts')
      .insert({ ...copy, attempt: copy.attempt + 1 })
      .returning('id');
    await expectOnly([{ kind: 'refund_notified_twice', ids: { orderId: partial.orderId, refundId: partial.refundId } }]);
    await vpay.api.db('refund_notify_attempts').where({ id }).delete();

    const logs = developerLogs(vpay);
    await expectOnly([{ kind: 'refund_notified_twice', ids: { orderId: partial.orderId, refundId: partial.refundId } }], {
      refundNotices: [...logs.refundNotices, { refundId: partial.refundId, ok: true }],
    });
    await expectOnly([]);
  });

  it('refund_not_notified: no acknowledged attempt (its workflow closed), or never received by the game backend', async () => {
    await vpay.api.db('refund_notify_attempts').where({ refund_id: partial.refundId, ok: true }).update({ ok: false });
    await vpay.api.db('refunds').where({ refund_id: partial.refundId }).update({ notified_at: null });
    // Within the grace period too: its workflow has closed, so nothing will notify it.
    const report = await expectOnly([{ kind: 'refund_not_notified', ids: { orderId: partial.orderId, refundId: partial.refundId } }], {
      refundNoticeGraceMs: 3_600_000,
    });
    expect(report.refunds.findings[0].detail).toMatch(/is COMPLETED: nothing will notify it/);
    await vpay.api.db('refund_notify_attempts').where({ refund_id: partial.refundId }).update({ ok: true });
    await vpay.api.db('refunds').where({ refund_id: partial.refundId }).update({ notified_at: new Date() });

    const logs = developerLogs(vpay);
    await expectOnly([{ kind: 'refund_not_notified', ids: { orderId: partial.orderId, refundId: partial.refundId } }], {
      refundNotices: logs.refundNotices.filter((n) => n.refundId !== partial.refundId),
    });
    await expectOnly([]);
  });

  it('refund_failed_notified: a FAILED refund with an acknowledged notice', async () => {
    const [{ id }] = await vpay.api
      .db('refund_notify_attempts')
      .insert({ refund_id: failed.refundId, attempt: 1, url: 'http://x', ok: true, duration_ms: 1 })
      .returning('id');
    await expectOnly([{ kind: 'refund_failed_notified', ids: { orderId: failed.orderId, refundId: failed.refundId } }]);
    await vpay.api.db('refund_notify_attempts').where({ id }).delete();
    await expectOnly([]);
  });

  it('refund_workflow_lost: a PENDING refund whose workflow is gone; one still asking the superapp is fine', async () => {
    const o = await paidOrder(vpay, app);
    await vpay.developer.waitFor(o.orderId, 20_000);
    vpay.superapp.refundMode = 'http500';
    const outRefundNo = newRefundNo();
    const r = await gameRefund(vpay, app, { outTradeNo: o.outTradeNo, outRefundNo, refundAmount: 100 });
    expect(r.json.refund.status).toBe('PENDING');
    // Still running, retrying the superapp: nothing to report.
    await expectOnly([]);
    const handle = vpay.api.client.workflow.getHandle(
      refundWorkflowId({ appId: app.appId, source: 'game', refundId: r.json.refund.refundId, outRefundNo }),
    );
    await handle.terminate('test: the refund workflow is lost');
    const report = await expectOnly([{ kind: 'refund_workflow_lost', ids: { orderId: o.orderId, refundId: r.json.refund.refundId } }]);
    expect(report.refunds.findings[0].detail).toMatch(/PENDING \(100 held on the order\) while its workflow .* is TERMINATED/);
    // Settled by hand (the superapp says it never refunded): released, FAILED.
    await vpay.api.db('refunds').where({ refund_id: r.json.refund.refundId }).update({ status: 'FAILED', fail_reason: 'by hand' });
    await vpay.api.db('orders').where({ order_id: o.orderId }).update({ refund_pending_amount: 0 });
    await expectOnly([]);
  });
});
