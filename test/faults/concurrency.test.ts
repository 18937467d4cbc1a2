// Fault matrix, concurrency: 50 concurrent identical payment requests and 100 concurrent
// duplicate payment callbacks make one order, one prepay and one delivery; 20 concurrent partial
// refunds of one order never give back more than was paid (CONTRACT.md 8.3).
import { startVpay, type Vpay } from '../support/vpay';
import { paidOrder, pay, queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { gameRefund, newRefundNo } from '../support/refunds';
import { expectReconciled } from '../support/reconciled';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});

it('50 identical payment requests at once, then 100 duplicate callbacks at once: one order, one prepay, one delivery', async () => {
  const sd = signData(app);
  const outTradeNo = JSON.parse(sd).outTradeNo;
  const requests = await Promise.all(Array.from({ length: 50 }, () => requestPayment(vpay, app, sd)));
  expect(requests.filter((r) => r.status !== 200)).toEqual([]);
  const orderIds = new Set(requests.map((r) => r.json.orderId));
  expect(orderIds.size).toBe(1);
  expect(new Set(requests.map((r) => r.json.prepayId)).size).toBe(1);
  expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === outTradeNo)).toHaveLength(1);
  expect(await vpay.api.db('orders').where({ app_id: app.appId, out_trade_no: outTradeNo }).count({ n: '*' })).toEqual([{ n: 1 }]);

  const [orderId] = [...orderIds];
  const callbacks = await Promise.all(Array.from({ length: 100 }, () => pay(vpay, orderId, app.price)));
  expect(callbacks.filter((c) => c.status !== 200 || c.json.returnCode !== 0)).toEqual([]);

  await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo)).result();
  expect((await queryOrder(vpay, app, outTradeNo)).json.order).toMatchObject({ status: 'DELIVERED', deliveryAttempts: 1 });
  expect(vpay.developer.received.filter((d) => d.payload.OrderId === orderId)).toHaveLength(1);
  await waitFor('one confirmation', () => vpay.superapp.confirmations.filter((c) => c.orderId === orderId).length === 1);
  await expectReconciled(vpay);
});

it('20 concurrent partial refunds of one order: exactly those that fit succeed, each notified once, the rest 42203', async () => {
  const { orderId, outTradeNo } = await paidOrder(vpay, app);
  await vpay.developer.waitFor(orderId, 20_000);
  // 20 x 150 = 3000 against the 1000 paid: six fit (900), a seventh would pass it.
  const answers = await Promise.all(
    Array.from({ length: 20 }, () => gameRefund(vpay, app, { outTradeNo, outRefundNo: newRefundNo(), refundAmount: 150 })),
  );
  const succeeded = answers.filter((a) => a.status === 200);
  expect(succeeded).toHaveLength(Math.floor(app.price / 150));
  for (const a of succeeded) expect(a.json.refund.status).toBe('SUCCEEDED');
  for (const a of answers.filter((x) => x.status !== 200)) expect(a).toMatchObject({ status: 422, json: { errCode: 42203 } });
  const order = await vpay.api.db('orders').where({ order_id: orderId }).first();
  expect([Number(order.refunded_amount), Number(order.refund_pending_amount)]).toEqual([150 * succeeded.length, 0]);
  expect(await vpay.api.db('refunds').where({ order_id: orderId })).toHaveLength(succeeded.length);
  for (const a of succeeded) {
    await vpay.developer.waitForRefundNotice(a.json.refund.refundId, 20_000);
    expect(vpay.developer.refundNoticesAcknowledged(a.json.refund.refundId)).toBe(1);
  }
  await expectReconciled(vpay);
}, 60_000);
