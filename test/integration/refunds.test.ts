// CONTRACT.md 8.1-8.3 on the real stack (PostgreSQL, Temporal, the fake superapp and developer):
// every code of the three doors, idempotent repeats, PENDING after the answer timeout, the money
// rule under 20 concurrent refunds, a full refund stopping a delivery, and the refund notice.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startVpay, type Vpay } from '../support/vpay';
import { call, paidOrder, queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { consoleCall } from '../support/console';
import { waitFor } from '../support/wait-for';
import { pathSigOf, payEventSigOf, REFUND_EVENT } from '../../lib/domain/signatures';
import { refundWorkflowId } from '../../workflows/workflow-ids';

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  vpay = await startVpay({ WORKFLOW_ANSWER_TIMEOUT_MS: '3000' });
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});
afterEach(() => {
  vpay.superapp.refundMode = 'ok';
  vpay.developer.mode = 'ok';
});

let refundSeq = 0;
const newRefundNo = () => `R${Date.now()}_${++refundSeq}`;

/** A game backend's signed refund call (8.2). */
function gameRefund(t: TestApp, body: Record<string, unknown>, appKey = t.appKey) {
  const raw = JSON.stringify({ appId: t.appId, ...body });
  return call(vpay, 'POST', '/v1/minigame/refunds', raw, { 'pay-sig': pathSigOf(appKey, '/v1/minigame/refunds', raw) });
}

function queryRefund(t: TestApp, outRefundNo: string, appKey = t.appKey) {
  const raw = JSON.stringify({ appId: t.appId, outRefundNo });
  return call(vpay, 'POST', '/v1/minigame/refunds/query', raw, { 'pay-sig': pathSigOf(appKey, '/v1/minigame/refunds/query', raw) });
}

/** The superapp's refund body (8.1) for an order paid by paidOrder (transactionId txn_<orderId>). */
const superappRefund = (orderId: string, amount: number, over: Record<string, unknown> = {}) => ({
  refundId: `sarf_${Date.now()}_${++refundSeq}`,
  orderId,
  transactionId: `txn_${orderId}`,
  refundAmount: amount,
  currencyType: 'USD',
  reason: 'player asked',
  refundedAt: new Date().toISOString(),
  ...over,
});

async function delivered(orderId: string) {
  await vpay.developer.waitFor(orderId, 20_000);
}

describe('8.1: refunds made by the superapp', () => {
  it('records a refund once, answers duplicates the same, updates the order and notifies the game backend', async () => {
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await delivered(orderId);
    const body = superappRefund(orderId, 400);
    const first = await vpay.superapp.refund(vpay.url, body);
    expect(first).toEqual({ status: 200, json: { returnCode: 0, returnMessage: 'OK' } });
    const again = await vpay.superapp.refund(vpay.url, body);
    expect(again).toEqual(first);

    const order = await queryOrder(vpay, app, outTradeNo);
    expect(order.json.order).toMatchObject({ status: 'DELIVERED', refundedAmount: 400 });

    await vpay.developer.waitForRefundNotice(body.refundId, 20_000);
    const notices = vpay.developer.refundNotices.filter((n) => n.payload.RefundId === body.refundId);
    expect(notices).toHaveLength(1);
    const n = notices[0];
    expect(n).toMatchObject({ event: REFUND_EVENT, deliveryId: `rfn_${body.refundId}`, attempt: 1, signatureValid: true });
    expect(n.deliveryId).not.toBe(`dlv_${orderId}`);
    expect(n.payload).toEqual({
      OpenId: app.openId,
      OutTradeNo: outTradeNo,
      OrderId: orderId,
      TransactionId: `txn_${orderId}`,
      RefundId: body.refundId,
      OutRefundNo: '',
      RefundAmount: 400,
      RefundedAt: body.refundedAt,
      Reason: 'player asked',
      Env: 0,
      GoodsInfo: { ProductId: app.productId, Quantity: 1, OrigPrice: app.price, ActualPrice: app.price, Attach: 'testdata' },
    });
    // Signed as a delivery is, over Event "minigame_game_pay_refund_notify".
    expect(JSON.stringify(n.payload)).toBe(n.rawPayload);
    expect(payEventSigOf(app.appKey, n.rawPayload, REFUND_EVENT)).not.toBe(payEventSigOf(app.appKey, n.rawPayload));

    // The refund's workflow carries VpayRefundStatus.
    const wf = await vpay.api.client.workflow
      .getHandle(refundWorkflowId({ appId: app.appId, source: 'superapp', refundId: body.refundId, outRefundNo: null }))
      .describe();
    expect(wf.searchAttributes.VpayRefundStatus).toEqual(['SUCCEEDED']);

    // Migration 009 added its check constraint NOT VALID and then validated it (see the migration).
    const c = await vpay.api.db.raw(`select convalidated from pg_constraint where conname = 'orders_refunds_within_payment'`);
    expect(c.rows).toEqual([{ convalidated: true }]);
  });

  it('answers every code in the contract order', async () => {
    const { orderId } = await paidOrder(vpay, app);
    const ok = superappRefund(orderId, 100);
    expect(await vpay.superapp.refund(vpay.url, ok, { badSignature: true })).toMatchObject({ status: 401, json: { returnCode: 40101 } });
    const stale = Math.floor(Date.now() / 1000) - 400;
    expect(await vpay.superapp.refund(vpay.url, ok, { timestamp: stale })).toMatchObject({ status: 401, json: { returnCode: 40101 } });
    expect(await vpay.superapp.refund(vpay.url, { ...ok, orderId: 'ord_nosuchorder' })).toMatchObject({
      status: 404,
      json: { returnCode: 40401 },
    });
    // A refundId the notice's X-Vpay-Delivery-Id header could not carry: 400 in the superapp's shape.
    for (const refundId of ['sa\r\nX-Evil: 1', 'réfund']) {
      expect(await vpay.superapp.refund(vpay.url, { ...ok, refundId })).toMatchObject({ status: 400, json: { returnCode: 40001 } });
    }
    expect((await vpay.superapp.refund(vpay.url, ok)).status).toBe(200);
    // The same refundId with other fields.
    expect(await vpay.superapp.refund(vpay.url, { ...ok, refundAmount: 101 })).toMatchObject({ status: 409, json: { returnCode: 40904 } });
    // An order not paid.
    const unpaid = await requestPayment(vpay, app);
    expect(await vpay.superapp.refund(vpay.url, superappRefund(unpaid.json.orderId, 100))).toMatchObject({
      status: 409,
      json: { returnCode: 40905 },
    });
    expect(await vpay.superapp.refund(vpay.url, superappRefund(orderId, 100, { transactionId: 'txn_other' }))).toMatchObject({
      status: 409,
      json: { returnCode: 40903 },
    });
    expect(await vpay.superapp.refund(vpay.url, superappRefund(orderId, 100, { currencyType: 'EUR' }))).toMatchObject({
      status: 422,
      json: { returnCode: 42202 },
    });
    expect(await vpay.superapp.refund(vpay.url, superappRefund(orderId, 0))).toMatchObject({ status: 422, json: { returnCode: 42203 } });
    expect(await vpay.superapp.refund(vpay.url, superappRefund(orderId, app.price))).toMatchObject({
      status: 422,
      json: { returnCode: 42203 },
    });
  });
});

describe('8.1 while a refund asked through vpay is PENDING', () => {
  it('records the superapp refund against what is left (total - refunded), and the overtaken pending refund ends FAILED', async () => {
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await delivered(orderId);
    vpay.superapp.refundMode = 'http500';
    const outRefundNo = newRefundNo();
    const asked = await gameRefund(app, { outTradeNo, outRefundNo, refundAmount: 300 });
    expect(asked.json.refund).toMatchObject({ status: 'PENDING' });

    // The player got all of it back in the superapp: the money moved, vpay records it.
    const full = superappRefund(orderId, app.price);
    expect(await vpay.superapp.refund(vpay.url, full)).toEqual({ status: 200, json: { returnCode: 0, returnMessage: 'OK' } });
    expect((await queryOrder(vpay, app, outTradeNo)).json.order).toMatchObject({ status: 'REFUNDED', refundedAmount: app.price });

    // The superapp is back and answers the pending one too: it no longer fits, so it is FAILED.
    vpay.superapp.refundMode = 'ok';
    const done = await waitFor(
      'the pending refund to be decided',
      async () => {
        const r = (await queryRefund(app, outRefundNo)).json.refund;
        return r.status !== 'PENDING' ? r : undefined;
      },
      30_000,
    );
    expect(done).toMatchObject({ status: 'FAILED', failReason: 'the order was refunded by the superapp meanwhile', refundedAt: null });
    expect((await queryOrder(vpay, app, outTradeNo)).json.order).toMatchObject({ status: 'REFUNDED', refundedAmount: app.price });
    const row = await vpay.api.db('orders').where({ order_id: orderId }).first('refund_pending_amount');
    expect(Number(row.refund_pending_amount)).toBe(0);
    expect(vpay.developer.refundNotices.filter((n) => n.payload.RefundId === asked.json.refund.refundId)).toHaveLength(0);
  });
});

describe('8.2: refunds asked by a game backend', () => {
  it('asks the superapp, answers SUCCEEDED, is idempotent per outRefundNo, and can be queried', async () => {
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await delivered(orderId);
    const outRefundNo = newRefundNo();
    const r = await gameRefund(app, { outTradeNo, outRefundNo, refundAmount: 300, reason: 'bug' });
    expect(r.status).toBe(200);
    expect(r.json.refund).toMatchObject({
      outRefundNo,
      source: 'game',
      orderId,
      appId: app.appId,
      outTradeNo,
      refundAmount: 300,
      currencyType: 'USD',
      reason: 'bug',
      status: 'SUCCEEDED',
      failReason: null,
    });
    expect(r.json.refund.refundId).toMatch(/^rfd_/);
    expect(vpay.superapp.refunds.filter((b) => b.refundId === r.json.refund.refundId)).toHaveLength(1);
    expect(vpay.superapp.refunds.find((b) => b.refundId === r.json.refund.refundId)).toEqual({
      refundId: r.json.refund.refundId,
      orderId,
      transactionId: `txn_${orderId}`,
      refundAmount: 300,
      currencyType: 'USD',
      reason: 'bug',
    });

    const again = await gameRefund(app, { outTradeNo, outRefundNo, refundAmount: 300, reason: 'bug' });
    expect(again.status).toBe(200);
    expect(again.json.refund.refundId).toBe(r.json.refund.refundId);
    expect(await gameRefund(app, { outTradeNo, outRefundNo, refundAmount: 301, reason: 'bug' })).toMatchObject({
      status: 409,
      json: { errCode: 40904 },
    });

    // The superapp telling vpay of this very refund (8.1, under vpay's refundId): a duplicate.
    const echo = await vpay.superapp.refund(
      vpay.url,
      superappRefund(orderId, 300, { refundId: r.json.refund.refundId, reason: 'other words' }),
    );
    expect(echo).toEqual({ status: 200, json: { returnCode: 0, returnMessage: 'OK' } });
    expect(await vpay.superapp.refund(vpay.url, superappRefund(orderId, 299, { refundId: r.json.refund.refundId }))).toMatchObject({
      status: 409,
      json: { returnCode: 40904 },
    });

    const q = await queryRefund(app, outRefundNo);
    expect(q.status).toBe(200);
    expect(q.json.refund.refundId).toBe(r.json.refund.refundId);
    await vpay.developer.waitForRefundNotice(r.json.refund.refundId, 20_000);
    await waitFor('notifiedAt', async () => (await queryRefund(app, outRefundNo)).json.refund.notifiedAt);
    expect((await queryRefund(app, outRefundNo)).json.refund.notifyAttempts).toBe(1);
    const n = vpay.developer.refundNotices.find((x) => x.payload.RefundId === r.json.refund.refundId)!;
    expect(n.payload.OutRefundNo).toBe(outRefundNo);
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.refundedAmount).toBe(300);
  });

  it('answers every code of 8.2', async () => {
    const { outTradeNo } = await paidOrder(vpay, app);
    const body = { outTradeNo, outRefundNo: newRefundNo(), refundAmount: 100 };
    expect(await gameRefund(app, body, 'wrong-key')).toMatchObject({ status: 401, json: { errCode: 40101 } });
    // A bad Pay-Sig is 401 whatever else is wrong in the body (only appId is read before it).
    expect(await gameRefund(app, { ...body, outRefundNo: 'bad:no', refundAmount: 1.5 }, 'wrong-key')).toMatchObject({
      status: 401,
      json: { errCode: 40101 },
    });
    expect(await queryRefund(app, '', 'wrong-key')).toMatchObject({ status: 401, json: { errCode: 40101 } });
    expect(await queryRefund(app, '')).toMatchObject({ status: 400, json: { errCode: 40001 } });
    expect(await gameRefund(app, { ...body, outTradeNo: 'nosuchtrade' })).toMatchObject({ status: 404, json: { errCode: 40402 } });
    const other = await setupApp(vpay);
    vpay.developer.appKey = app.appKey;
    expect(await gameRefund(other, body)).toMatchObject({ status: 404, json: { errCode: 40402 } });
    const unpaid = JSON.parse(signData(app)).outTradeNo as string;
    await requestPayment(vpay, app, signData(app, { outTradeNo: unpaid }));
    expect(await gameRefund(app, { ...body, outTradeNo: unpaid })).toMatchObject({ status: 409, json: { errCode: 40905 } });
    expect(await gameRefund(app, { ...body, refundAmount: -5 })).toMatchObject({ status: 422, json: { errCode: 42203 } });
    expect(await gameRefund(app, { ...body, refundAmount: app.price + 1 })).toMatchObject({ status: 422, json: { errCode: 42203 } });
    expect(await gameRefund(app, { ...body, outRefundNo: 'bad:no' })).toMatchObject({ status: 400, json: { errCode: 40001 } });
    expect(await queryRefund(app, 'nosuchrefund')).toMatchObject({ status: 404, json: { errCode: 40406 } });
    expect(await queryRefund(app, 'nosuchrefund', 'wrong-key')).toMatchObject({ status: 401, json: { errCode: 40101 } });
  });

  it('a refusal by the superapp is FAILED with its reason, releases the amount and notifies nobody', async () => {
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await delivered(orderId);
    vpay.superapp.refundMode = 'reject';
    const outRefundNo = newRefundNo();
    const r = await gameRefund(app, { outTradeNo, outRefundNo, refundAmount: app.price });
    expect(r.status).toBe(200);
    expect(r.json.refund).toMatchObject({ status: 'FAILED', failReason: expect.stringContaining('1002') });
    expect((await queryOrder(vpay, app, outTradeNo)).json.order).toMatchObject({ status: 'DELIVERED', refundedAmount: 0 });
    // The amount is free again.
    vpay.superapp.refundMode = 'ok';
    const full = await gameRefund(app, { outTradeNo, outRefundNo: newRefundNo(), refundAmount: app.price });
    expect(full.json.refund.status).toBe('SUCCEEDED');
    expect((await queryOrder(vpay, app, outTradeNo)).json.order).toMatchObject({ status: 'REFUNDED', refundedAmount: app.price });
    await vpay.developer.waitForRefundNotice(full.json.refund.refundId, 20_000);
    expect(vpay.developer.refundNotices.filter((n) => n.payload.RefundId === r.json.refund.refundId)).toHaveLength(0);
  });

  it('the superapp reporting (8.1) that it did refund a refund vpay recorded as FAILED: recorded, SUCCEEDED and notified', async () => {
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await delivered(orderId);
    vpay.superapp.refundMode = 'reject';
    const outRefundNo = newRefundNo();
    const r = await gameRefund(app, { outTradeNo, outRefundNo, refundAmount: 300 });
    expect(r.json.refund).toMatchObject({ status: 'FAILED' });
    vpay.superapp.refundMode = 'ok';

    const echo = superappRefund(orderId, 300, { refundId: r.json.refund.refundId });
    expect(await vpay.superapp.refund(vpay.url, echo)).toEqual({ status: 200, json: { returnCode: 0, returnMessage: 'OK' } });
    expect((await queryRefund(app, outRefundNo)).json.refund).toMatchObject({
      status: 'SUCCEEDED',
      failReason: null,
      refundedAt: new Date(echo.refundedAt).toISOString(),
    });
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.refundedAmount).toBe(300);
    // Repeats change nothing.
    expect((await vpay.superapp.refund(vpay.url, echo)).status).toBe(200);
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.refundedAmount).toBe(300);
    await vpay.developer.waitForRefundNotice(r.json.refund.refundId, 20_000);
    const notices = vpay.developer.refundNotices.filter((n) => n.payload.RefundId === r.json.refund.refundId);
    expect(notices).toHaveLength(1);
    expect(notices[0].payload).toMatchObject({ OutRefundNo: outRefundNo, RefundAmount: 300 });
  });

  it('answers PENDING after WORKFLOW_ANSWER_TIMEOUT_MS while the superapp is down, then succeeds once it is back', async () => {
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await delivered(orderId);
    vpay.superapp.refundMode = 'http500';
    const outRefundNo = newRefundNo();
    const started = Date.now();
    const r = await gameRefund(app, { outTradeNo, outRefundNo, refundAmount: 200 });
    expect(r.status).toBe(200);
    expect(r.json.refund).toMatchObject({ status: 'PENDING', outRefundNo, refundedAt: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2500);
    // While pending, its amount is held: what is left is 1000 - 200.
    expect(await gameRefund(app, { outTradeNo, outRefundNo: newRefundNo(), refundAmount: app.price - 199 })).toMatchObject({
      status: 422,
      json: { errCode: 42203 },
    });
    vpay.superapp.refundMode = 'ok';
    await waitFor('the refund to succeed', async () => (await queryRefund(app, outRefundNo)).json.refund.status === 'SUCCEEDED', 30_000);
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.refundedAmount).toBe(200);
    await vpay.developer.waitForRefundNotice(r.json.refund.refundId, 20_000);
  });

  it('20 concurrent partial refunds of one order: exactly those that fit succeed, the rest get 42203', async () => {
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await delivered(orderId);
    // 20 x 150 = 3000 against 1000 paid: six fit (900), the seventh would pass it.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => gameRefund(app, { outTradeNo, outRefundNo: newRefundNo(), refundAmount: 150 })),
    );
    const succeeded = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(succeeded).toHaveLength(6);
    for (const a of succeeded) expect(a.json.refund.status).toBe('SUCCEEDED');
    for (const a of refused) expect(a).toMatchObject({ status: 422, json: { errCode: 42203 } });
    const order = (await queryOrder(vpay, app, outTradeNo)).json.order;
    expect(order.refundedAmount).toBe(succeeded.reduce((s, a) => s + a.json.refund.refundAmount, 0));
    expect(order.status).toBe('DELIVERED');
  });
});

describe('8.2: refunds asked in the console', () => {
  it('refunds an order, lists it in the order detail and in the audit log', async () => {
    const { orderId } = await paidOrder(vpay, app);
    await delivered(orderId);
    const token = vpay.adminToken;
    const r = await consoleCall(vpay, token, 'POST', `/apps/${app.appId}/orders/${orderId}/refunds`, {
      refundAmount: 250,
      reason: 'goodwill',
    });
    expect(r.status).toBe(200);
    expect(r.json.refund).toMatchObject({ source: 'console', status: 'SUCCEEDED', refundAmount: 250, reason: 'goodwill' });
    expect(r.json.refund.outRefundNo).toMatch(/^con_[0-9a-f]{40}$/);
    const detail = await consoleCall(vpay, token, 'GET', `/apps/${app.appId}/orders/${orderId}`);
    expect(detail.json.order.refundedAmount).toBe(250);
    expect(detail.json.refunds).toEqual([expect.objectContaining({ refundId: r.json.refund.refundId, status: 'SUCCEEDED' })]);
    const audit = await consoleCall(vpay, token, 'GET', `/audit-log?appId=${app.appId}`);
    expect(audit.json.entries).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'order.refund', target: orderId })]));
    // outRefundNo makes it idempotent; other fields under it: 40904; too much: 42203; unknown order: 40405.
    const outRefundNo = newRefundNo();
    const path = `/apps/${app.appId}/orders/${orderId}/refunds`;
    const a = await consoleCall(vpay, token, 'POST', path, { refundAmount: 100, reason: 'x', outRefundNo });
    const b = await consoleCall(vpay, token, 'POST', path, { refundAmount: 100, reason: 'x', outRefundNo });
    expect(b.json.refund.refundId).toBe(a.json.refund.refundId);
    expect(await consoleCall(vpay, token, 'POST', path, { refundAmount: 99, reason: 'x', outRefundNo })).toMatchObject({
      status: 409,
      json: { errCode: 40904 },
    });
    expect(await consoleCall(vpay, token, 'POST', path, { refundAmount: 10_000, reason: 'x' })).toMatchObject({
      status: 422,
      json: { errCode: 42203 },
    });
    expect(
      await consoleCall(vpay, token, 'POST', `/apps/${app.appId}/orders/ordnosuch/refunds`, { refundAmount: 1, reason: 'x' }),
    ).toMatchObject({
      status: 404,
      json: { errCode: 40405 },
    });
  });
});

describe('8.2: console refunds and the audit log', () => {
  it('without outRefundNo, a double click (or a retry) is one refund; another amount or reason is another', async () => {
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await delivered(orderId);
    const path = `/apps/${app.appId}/orders/${orderId}/refunds`;
    const body = { refundAmount: 200, reason: 'double click' };
    const [a, b] = await Promise.all([
      consoleCall(vpay, vpay.adminToken, 'POST', path, body),
      consoleCall(vpay, vpay.adminToken, 'POST', path, body),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.json.refund.refundId).toBe(a.json.refund.refundId);
    const retry = await consoleCall(vpay, vpay.adminToken, 'POST', path, body);
    expect(retry.json.refund.refundId).toBe(a.json.refund.refundId);
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.refundedAmount).toBe(200);
    const other = await consoleCall(vpay, vpay.adminToken, 'POST', path, { ...body, reason: 'another one' });
    expect(other.status).toBe(200);
    expect(other.json.refund.refundId).not.toBe(a.json.refund.refundId);
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.refundedAmount).toBe(400);
    expect(vpay.superapp.refunds.filter((x) => x.orderId === orderId)).toHaveLength(2);
  });

  it('a refund recorded after its answer ran out of time (503) still has its order.refund entry, exactly one', async () => {
    const { orderId } = await paidOrder(vpay, app);
    await delivered(orderId);
    const path = `/apps/${app.appId}/orders/${orderId}/refunds`;
    const body = { refundAmount: 120, reason: 'late', outRefundNo: newRefundNo() };
    // No worker: the refund cannot even be recorded within WORKFLOW_ANSWER_TIMEOUT_MS.
    await vpay.worker.stop();
    try {
      expect((await consoleCall(vpay, vpay.adminToken, 'POST', path, body)).status).toBe(503);
    } finally {
      await vpay.restartWorker();
    }
    const entries = async () =>
      (await consoleCall(vpay, vpay.adminToken, 'GET', `/audit-log?appId=${app.appId}`)).json.entries.filter(
        (e: any) => e.action === 'order.refund' && e.target === orderId,
      );
    const [entry] = await waitFor('the audit entry', async () => {
      const e = await entries();
      return e.length > 0 ? e : undefined;
    });
    const refund: { refund_id: string } = await waitFor('the refund', async () =>
      vpay.api.db('refunds').where({ app_id: app.appId, out_refund_no: body.outRefundNo }).first('refund_id'),
    );
    expect(entry.summary).toContain(refund.refund_id);
    expect(entry).toMatchObject({ userId: 'super_admin', role: 'super_admin' });
    // Repeats (answered from the row) add none.
    expect((await consoleCall(vpay, vpay.adminToken, 'POST', path, body)).status).toBe(200);
    expect(await entries()).toHaveLength(1);
  });
});

describe('8.3: a full refund before delivery', () => {
  it('stops the delivery: no attempt starts after it, and the order stays REFUNDED', async () => {
    vpay.developer.mode = 'http500';
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await waitFor('a failed attempt', async () => (await queryOrder(vpay, app, outTradeNo)).json.order.deliveryAttempts >= 1);
    const r = await vpay.superapp.refund(vpay.url, superappRefund(orderId, app.price));
    expect(r.status).toBe(200);
    const attemptsAtRefund = (await queryOrder(vpay, app, outTradeNo)).json.order.deliveryAttempts;
    const purchase = vpay.api.client.workflow.getHandle(`purchase:${app.appId}:${outTradeNo}`);
    const state: any = await purchase.result();
    expect(state.status).toBe('REFUNDED');
    vpay.developer.mode = 'ok';
    const order = (await queryOrder(vpay, app, outTradeNo)).json.order;
    // At most the one attempt in flight when the refund was recorded.
    expect(order.deliveryAttempts).toBeLessThanOrEqual(attemptsAtRefund + 1);
    expect(order).toMatchObject({ status: 'REFUNDED', refundedAmount: app.price, deliveredAt: null });
    expect(vpay.developer.acknowledged(orderId)).toBe(0);
  });

  it('an attempt under way at the full refund that then succeeds: delivered, but order and purchase end REFUNDED', async () => {
    vpay.developer.mode = 'hold';
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await waitFor('the attempt to reach the developer', () => vpay.developer.heldCount > 0);
    expect((await vpay.superapp.refund(vpay.url, superappRefund(orderId, app.price))).status).toBe(200);
    vpay.developer.mode = 'ok';
    vpay.developer.releaseHeld();
    const purchase = vpay.api.client.workflow.getHandle(`purchase:${app.appId}:${outTradeNo}`);
    const state: any = await purchase.result();
    expect(state.status).toBe('REFUNDED');
    expect(state.deliveredAt).not.toBeNull();
    expect((await purchase.describe()).searchAttributes.VpayOrderStatus).toEqual(['REFUNDED']);
    const order = (await queryOrder(vpay, app, outTradeNo)).json.order;
    expect(order).toMatchObject({ status: 'REFUNDED', refundedAmount: app.price, deliveryAttempts: 1 });
    expect(order.deliveredAt).not.toBeNull();
  });

  it('a partial refund does not: the order is delivered', async () => {
    vpay.developer.mode = 'http500';
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await waitFor('a failed attempt', async () => (await queryOrder(vpay, app, outTradeNo)).json.order.deliveryAttempts >= 1);
    expect((await vpay.superapp.refund(vpay.url, superappRefund(orderId, app.price - 1))).status).toBe(200);
    vpay.developer.mode = 'ok';
    await delivered(orderId);
    const state: any = await vpay.api.client.workflow.getHandle(`purchase:${app.appId}:${outTradeNo}`).result();
    expect(state.status).toBe('DELIVERED');
    expect((await queryOrder(vpay, app, outTradeNo)).json.order).toMatchObject({ status: 'DELIVERED', refundedAmount: app.price - 1 });
  });
});

describe('sandbox superapp refunds', () => {
  let sandbox: Vpay;
  let sApp: TestApp;
  beforeAll(async () => {
    sandbox = await startVpay({}, { sandbox: true });
    sApp = await setupApp(sandbox);
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it("plays a player's refund (8.1) and answers vpay's refund calls (8.2)", async () => {
    const r = await requestPayment(sandbox, sApp);
    const paid = await call(
      sandbox,
      'POST',
      `/sandbox/orders/${r.json.orderId}/pay`,
      {},
      { authorization: `Bearer ${sandbox.adminToken}` },
    );
    expect(paid.status).toBe(200);
    const refunded = await call(
      sandbox,
      'POST',
      `/sandbox/orders/${r.json.orderId}/refund`,
      { refundAmount: 100, reason: 'player' },
      { authorization: `Bearer ${sandbox.adminToken}` },
    );
    expect(refunded).toMatchObject({ status: 200, json: { errCode: 0, refundReply: { returnCode: 0 } } });
    const outTradeNo = JSON.parse((await sandbox.api.db('orders').where({ order_id: r.json.orderId }).first('sign_data')).sign_data)
      .outTradeNo as string;
    const raw = JSON.stringify({ appId: sApp.appId, outTradeNo, outRefundNo: newRefundNo(), refundAmount: 100 });
    const asked = await call(sandbox, 'POST', '/v1/minigame/refunds', raw, {
      'pay-sig': pathSigOf(sApp.appKey, '/v1/minigame/refunds', raw),
    });
    expect(asked.json.refund).toMatchObject({ status: 'SUCCEEDED' });
    const order = await queryOrder(sandbox, sApp, outTradeNo);
    expect(order.json.order.refundedAmount).toBe(200);
  });
});

describe('8.3: a refund notice that fails: one alert, and the recovery wake-up', () => {
  let v: Vpay;
  let a: TestApp;
  const alerts: any[] = [];
  const sink = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      alerts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
    v = await startVpay({
      // A failed notice waits 10 minutes: only the wake-up can bring it within the test.
      DELIVERY_RETRY_INITIAL_MS: '600000',
      DELIVERY_RETRY_MAX_MS: '3600000',
      DELIVERY_ALERT_AFTER_MS: '1000',
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/alerts`,
    });
    a = await setupApp(v);
  });
  afterAll(async () => {
    await v?.stop();
    await new Promise<void>((r) => sink.close(() => r()));
  });

  it('raises refund_notify_stuck once, and the first delivery that gets through wakes the waiting notice', async () => {
    const { orderId, outTradeNo } = await paidOrder(v, a);
    await v.developer.waitFor(orderId, 20_000);
    v.developer.mode = 'http500';
    const refundId = `sarf_wake_${Date.now()}`;
    const r = await v.superapp.refund(v.url, {
      refundId,
      orderId,
      transactionId: `txn_${orderId}`,
      refundAmount: 100,
      currencyType: 'USD',
      refundedAt: new Date().toISOString(),
    });
    expect(r.status).toBe(200);
    const alert = await waitFor('the refund alert', () => alerts.find((x) => x.refundId === refundId), 20_000);
    expect(alert).toMatchObject({ type: 'refund_notify_stuck', refundId, orderId, appId: a.appId, outTradeNo, outRefundNo: null });
    expect(alert.attempts).toBeGreaterThanOrEqual(1);
    expect(alert.lastError).toContain('HTTP 500');
    expect(v.developer.refundNoticesAcknowledged(refundId)).toBe(0);

    // The endpoint is back: another order's delivery gets through and wakes the notice.
    v.developer.mode = 'ok';
    const next = await paidOrder(v, a);
    await v.developer.waitFor(next.orderId, 20_000);
    await v.developer.waitForRefundNotice(refundId, 20_000);
    const notices = v.developer.refundNotices.filter((n) => n.payload.RefundId === refundId);
    expect(notices.map((n) => [n.attempt, n.answeredOk])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(new Set(notices.map((n) => n.deliveryId))).toEqual(new Set([`rfn_${refundId}`]));
    expect(alerts.filter((x) => x.refundId === refundId)).toHaveLength(1);
  });
});
