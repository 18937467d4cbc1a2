// CONTRACT.md 3.2 on the real stack: the superapp's payment callback, its signature and clock
// checks, its answers for every state of an order, and duplicates delivering once.
import { superappSignatureOf } from '../../lib/domain/signatures';
import { startVpay, type Vpay } from '../support/vpay';
import { call, pay, queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});
beforeEach(() => {
  vpay.superapp.prepayMode = 'ok';
});

async function newOrder(over: Record<string, unknown> = {}) {
  const sd = signData(app, over);
  const r = await requestPayment(vpay, app, sd);
  expect(r.status).toBe(200);
  return { orderId: r.json.orderId as string, outTradeNo: JSON.parse(sd).outTradeNo as string };
}

const callbackBody = (orderId: string, over: Record<string, unknown> = {}) => ({
  orderId,
  transactionId: `txn_${orderId}`,
  paidAmount: app.price,
  currencyType: 'USD',
  paidAt: new Date().toISOString(),
  ...over,
});

describe('authentication', () => {
  it('401 / 40101 for a wrong signature', async () => {
    const { orderId } = await newOrder();
    const r = await vpay.superapp.callback(vpay.url, callbackBody(orderId), { badSignature: true });
    expect(r).toEqual({ status: 401, json: { returnCode: 40101, returnMessage: expect.any(String) } });
  });

  it('401 / 40101 for a timestamp more than 300 s away, either way', async () => {
    const { orderId } = await newOrder();
    const now = Math.floor(Date.now() / 1000);
    for (const ts of [now - 400, now + 400]) {
      const r = await vpay.superapp.callback(vpay.url, callbackBody(orderId), { timestamp: ts });
      expect(r.status).toBe(401);
      expect(r.json.returnCode).toBe(40101);
    }
    // Within the window it is accepted.
    const ok = await vpay.superapp.callback(vpay.url, callbackBody(orderId), { timestamp: now - 200 });
    expect(ok.status).toBe(200);
  });

  it.each([
    ['missing headers', {}],
    ['a non-numeric timestamp', { 'x-vpay-timestamp': 'soon', 'x-vpay-signature': 'ab'.repeat(32) }],
    ['a signature that is not hex', { 'x-vpay-timestamp': String(Math.floor(Date.now() / 1000)), 'x-vpay-signature': 'zz' }],
  ])('401 / 40101 for %s, never a 500', async (_what, headers) => {
    const r = await call(vpay, 'POST', '/v1/superapp/payment-callback', callbackBody('x'), headers as Record<string, string>);
    expect(r.status).toBe(401);
    expect(r.json.returnCode).toBe(40101);
  });

  it('header names are case-insensitive', async () => {
    const { orderId } = await newOrder();
    const raw = JSON.stringify(callbackBody(orderId));
    const ts = String(Math.floor(Date.now() / 1000));
    const r = await call(vpay, 'POST', '/v1/superapp/payment-callback', raw, {
      'X-VPAY-TIMESTAMP': ts,
      'X-Vpay-Signature': superappSignatureOf(vpay.superapp.secret, ts, raw),
    });
    expect(r.status).toBe(200);
  });

  it('the signature covers the exact body bytes', async () => {
    const { orderId } = await newOrder();
    const raw = JSON.stringify(callbackBody(orderId));
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = superappSignatureOf(vpay.superapp.secret, ts, raw);
    const r = await call(vpay, 'POST', '/v1/superapp/payment-callback', `${raw} `, {
      'x-vpay-timestamp': ts,
      'x-vpay-signature': sig,
    });
    expect(r.status).toBe(401);
  });
});

describe('answers', () => {
  it('400 for a signed body that is not a valid callback', async () => {
    const r = await vpay.superapp.callback(vpay.url, { orderId: 'o1', paidAmount: 'lots' });
    expect(r.status).toBe(400);
    expect(r.json.returnCode).toBe(40001);
  });

  it('404 / 40401 for an unknown order', async () => {
    const r = await vpay.superapp.callback(vpay.url, callbackBody('ordnosuchorder'));
    expect(r).toEqual({ status: 404, json: { returnCode: 40401, returnMessage: expect.any(String) } });
  });

  it('422 / 42201 when paidAmount or currency differ from the order, and the order stays unpaid', async () => {
    const { orderId, outTradeNo } = await newOrder();
    expect((await pay(vpay, orderId, app.price - 1)).json.returnCode).toBe(42201);
    expect((await pay(vpay, orderId, app.price, { currencyType: 'EUR' })).json.returnCode).toBe(42201);
    expect((await pay(vpay, orderId, app.price - 1)).status).toBe(422);
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.status).toBe('PREPAID');
    // The right payment is still accepted afterwards.
    expect((await pay(vpay, orderId, app.price)).status).toBe(200);
  });

  it('409 / 40902 for a payment of an order the superapp rejected (CLOSED)', async () => {
    vpay.superapp.prepayMode = 'reject';
    const sd = signData(app);
    const r = await requestPayment(vpay, app, sd);
    expect(r.status).toBe(502);
    const q = await queryOrder(vpay, app, JSON.parse(sd).outTradeNo);
    const paid = await pay(vpay, q.json.order.orderId, app.price);
    expect(paid).toEqual({ status: 409, json: { returnCode: 40902, returnMessage: expect.any(String) } });
  });

  it('200 for every duplicate of an accepted callback, 409 / 40903 for another transaction, one delivery', async () => {
    const { orderId, outTradeNo } = await newOrder();
    const first = await pay(vpay, orderId, app.price);
    expect(first).toEqual({ status: 200, json: { returnCode: 0, returnMessage: 'OK' } });
    // The payment is durably recorded when the answer comes.
    const q = await queryOrder(vpay, app, outTradeNo);
    expect(['PAID', 'DELIVERED']).toContain(q.json.order.status);
    expect(q.json.order.transactionId).toBe(`txn_${orderId}`);

    for (let i = 0; i < 3; i++) expect(await pay(vpay, orderId, app.price)).toEqual(first);
    const other = await pay(vpay, orderId, app.price, { transactionId: 'another-txn' });
    expect(other).toEqual({ status: 409, json: { returnCode: 40903, returnMessage: expect.any(String) } });

    await waitFor('DELIVERED', async () => (await queryOrder(vpay, app, outTradeNo)).json.order.status === 'DELIVERED');
    // Duplicates after the workflow finished are still answered the same.
    expect(await pay(vpay, orderId, app.price)).toEqual(first);
    expect((await pay(vpay, orderId, app.price, { transactionId: 'yet-another' })).json.returnCode).toBe(40903);
    expect(vpay.developer.acknowledged(orderId)).toBe(1);
  });

  it('concurrent duplicate callbacks are all answered 200 and deliver once', async () => {
    const { orderId, outTradeNo } = await newOrder();
    const answers = await Promise.all(Array.from({ length: 25 }, () => pay(vpay, orderId, app.price)));
    expect(answers.map((a) => a.status)).toEqual(Array(25).fill(200));
    await waitFor('DELIVERED', async () => (await queryOrder(vpay, app, outTradeNo)).json.order.status === 'DELIVERED');
    await vpay.api.client.workflow.getHandle(`purchase:${app.appId}:${outTradeNo}`).result();
    expect(vpay.developer.received.filter((d) => d.payload.OrderId === orderId)).toHaveLength(1);
  });

  it('concurrent callbacks with different transactions: exactly one wins, the rest get 40903', async () => {
    const { orderId } = await newOrder();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => pay(vpay, orderId, app.price, { transactionId: `race-${i}` })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409 && a.json.returnCode === 40903)).toHaveLength(5);
  });

  it('409 / 40902 for an order awaiting payment whose workflow is gone: the order is CLOSED (workflow_lost)', async () => {
    const { orderId, outTradeNo } = await newOrder();
    const handle = vpay.api.client.workflow.getHandle(`purchase:${app.appId}:${outTradeNo}`);
    await handle.terminate('lost in an operator mistake');
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.status).toBe('PREPAID');

    // Nothing can record this payment any more: the superapp is told to refund it, at once and on
    // every retry, instead of a 500 forever.
    const paid = await pay(vpay, orderId, app.price);
    expect(paid).toEqual({ status: 409, json: { returnCode: 40902, returnMessage: expect.any(String) } });
    expect(await pay(vpay, orderId, app.price)).toEqual(paid);
    const order = (await queryOrder(vpay, app, outTradeNo)).json.order;
    expect(order).toMatchObject({ status: 'CLOSED', closeReason: 'workflow_lost', transactionId: null });
    expect(order.closedAt).toEqual(expect.any(String));
    expect(vpay.developer.received.filter((d) => d.payload.OrderId === orderId)).toHaveLength(0);
  });

  it('the callback metric counts results', async () => {
    const text = await (await fetch(`${vpay.url}/metrics`, { headers: { authorization: `Bearer ${vpay.metricsToken}` } })).text();
    expect(text).toMatch(/vpay_payment_callbacks_total\{result="ok"\} \d+/);
    expect(text).toMatch(/vpay_payment_callbacks_total\{result="duplicate"\} \d+/);
    expect(text).toMatch(/vpay_payment_callbacks_total\{result="40101"\} \d+/);
  });
});
