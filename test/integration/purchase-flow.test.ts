// A whole purchase on the real stack (PostgreSQL, Temporal dev server, API, worker) with a fake
// superapp and a fake developer backend: request, prepay, callback, confirmation, delivery,
// query, and what the Temporal side shows.
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { getStatusQuery } from '../../workflows/definitions';
import { startVpay, type Vpay } from '../support/vpay';
import { pay, queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay, { testUrl: true });
});
afterAll(async () => {
  await vpay?.stop();
});

describe('a purchase, end to end', () => {
  it('is prepaid, paid, confirmed, delivered once with a valid signature, and queryable', async () => {
    const sd = signData(app, { buyQuantity: 3 });
    const outTradeNo = JSON.parse(sd).outTradeNo;
    const r = await requestPayment(vpay, app, sd);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ errCode: 0, outTradeNo, status: 'PREPAID' });
    expect(typeof r.json.orderId).toBe('string');
    expect(r.json.prepayId).toBe(`prepay_${r.json.orderId}`);

    // The superapp got the prepay request with the contract's fields.
    expect(vpay.superapp.prepays).toHaveLength(1);
    expect(vpay.superapp.prepays[0]).toMatchObject({
      orderId: r.json.orderId,
      appId: app.appId,
      openId: app.openId,
      outTradeNo,
      productId: app.productId,
      buyQuantity: 3,
      goodsPrice: app.price,
      totalAmount: app.price * 3,
      currencyType: 'USD',
      platform: 'android',
      env: 0,
      attach: 'testdata',
      signData: sd,
    });

    const paid = await pay(vpay, r.json.orderId, app.price * 3);
    expect(paid).toEqual({ status: 200, json: { returnCode: 0, returnMessage: 'OK' } });

    const delivery = await waitFor('the delivery', () => vpay.developer.received.find((d) => d.payload.OrderId === r.json.orderId));
    expect(delivery.signatureValid).toBe(true);
    expect(delivery.event).toBe('minigame_game_pay_goods_deliver_notify');
    expect(delivery.attempt).toBe(1);
    expect(delivery.deliveryId).toBeTruthy();
    expect(delivery.payload).toMatchObject({
      OpenId: app.openId,
      OutTradeNo: outTradeNo,
      OrderId: r.json.orderId,
      TransactionId: `txn_${r.json.orderId}`,
      Env: 0,
      GoodsInfo: { ProductId: app.productId, Quantity: 3, OrigPrice: app.price * 3, ActualPrice: app.price * 3, Attach: 'testdata' },
    });

    const delivered = await waitFor('DELIVERED in the order query', async () => {
      const q = await queryOrder(vpay, app, outTradeNo);
      return q.json.order?.status === 'DELIVERED' && q;
    });
    expect(delivered.status).toBe(200);
    expect(delivered.json.order).toMatchObject({
      orderId: r.json.orderId,
      appId: app.appId,
      openId: app.openId,
      outTradeNo,
      productId: app.productId,
      buyQuantity: 3,
      goodsPrice: app.price,
      totalAmount: app.price * 3,
      currencyType: 'USD',
      env: 0,
      prepayId: r.json.prepayId,
      transactionId: `txn_${r.json.orderId}`,
      deliveryAttempts: 1,
    });
    for (const k of ['createdAt', 'paidAt', 'deliveredAt']) {
      expect(new Date(delivered.json.order[k]).toISOString()).toBe(delivered.json.order[k]);
    }

    await waitFor('the confirmation', () => vpay.superapp.confirmations.find((c) => c.orderId === r.json.orderId));
    expect(vpay.superapp.confirmations.find((c) => c.orderId === r.json.orderId)).toEqual({
      orderId: r.json.orderId,
      transactionId: `txn_${r.json.orderId}`,
      status: 'CONFIRMED',
    });

    // The workflow, its status query and its search attributes agree with the row.
    const handle = vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo));
    const final = await handle.result();
    expect(final).toMatchObject({ status: 'DELIVERED', orderId: r.json.orderId, confirmed: true });
    expect(await handle.query(getStatusQuery)).toMatchObject({ status: 'DELIVERED' });
    const found = await waitFor('the workflow by VpayOutTradeNo', async () => {
      for await (const wf of vpay.api.client.workflow.list({ query: `VpayOutTradeNo="${outTradeNo}" AND VpayOrderStatus="DELIVERED"` })) {
        return wf;
      }
      return undefined;
    });
    expect(found.workflowId).toBe(purchaseWorkflowId(app.appId, outTradeNo));
    expect(vpay.developer.acknowledged(r.json.orderId)).toBe(1);
  });

  it('delivers a sandbox (env 1) order to the test URL', async () => {
    const sd = signData(app, { env: 1 });
    const r = await requestPayment(vpay, app, sd);
    expect(r.status).toBe(200);
    await pay(vpay, r.json.orderId, app.price);
    const d = await waitFor('the sandbox delivery', () => vpay.developer.received.find((x) => x.payload.OrderId === r.json.orderId));
    expect(d.payload.Env).toBe(1);
  });
});
