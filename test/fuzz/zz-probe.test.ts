import { startVpay, type Vpay } from '../support/vpay';
import { admin, call, paymentBody, setupApp, signData, queryOrder, type TestApp } from '../support/minigame';
import { orderQuerySigOf, superappSignatureOf } from '../../lib/signatures';

let vpay: Vpay;
let app: TestApp;
beforeAll(async () => {
  const t = Date.now();
  vpay = await startVpay();
  app = await setupApp(vpay);
  console.log('start ms', Date.now() - t);
});
afterAll(async () => { await vpay?.stop(); });

const timed = async (what: string, p: Promise<any>) => {
  const t = Date.now();
  try {
    const r = await p;
    console.log(what, Date.now() - t, 'ms', r.status, JSON.stringify(r.json).slice(0, 200));
  } catch (e) { console.log(what, Date.now() - t, 'ms', 'THREW', String(e)); }
};
const sig = (t: number, raw: string) => superappSignatureOf(vpay.superapp.secret, String(t), raw);

it('probe', async () => {
  const signal = () => AbortSignal.timeout(8000);
  const raw = (method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(vpay.url + path, { method, body, headers, signal: signal() }).then(async (r) => ({ status: r.status, json: await r.text() }));
  await timed('get app NUL', admin(vpay, 'GET', '/v1/admin/apps/%00'));
  await timed('get app bad pct', admin(vpay, 'GET', '/v1/admin/apps/%ZZ'));
  await timed('get app long', admin(vpay, 'GET', '/v1/admin/apps/' + 'a'.repeat(5000)));
  await timed('create app NUL name', admin(vpay, 'POST', '/v1/admin/apps', { name: 'a\u0000b', deliveryUrl: 'http://x.example/' }));
  await timed('put session expiresAt 0000', admin(vpay, 'PUT', `/v1/admin/apps/${app.appId}/sessions/zz`, { sessionKey: 'k', expiresAt: '0000-01-01T00:00:00Z' }));
  await timed('put session NUL openId', admin(vpay, 'PUT', `/v1/admin/apps/${app.appId}/sessions/a%00`, { sessionKey: 'k' }));
  await timed('put session NUL key', admin(vpay, 'PUT', `/v1/admin/apps/${app.appId}/sessions/zz2`, { sessionKey: 'k\u0000' }));
  await timed('order query NUL appId', raw('POST', '/v1/minigame/orders/query', JSON.stringify({ appId: '\u0000', outTradeNo: 'x' }), { 'pay-sig': 'ab' }));
  const qb = JSON.stringify({ appId: app.appId, outTradeNo: 'x\u0000' });
  await timed('order query NUL tradeNo signed', raw('POST', '/v1/minigame/orders/query', qb, { 'pay-sig': orderQuerySigOf(app.appKey, qb) }));
  const sd = signData(app);
  await timed('payments NUL openId', call(vpay, 'POST', '/v1/minigame/payments', { ...paymentBody(app, sd), openId: 'u\u0000' }));
  await timed('options', raw('OPTIONS', '/v1/minigame/payments'));
  await timed('gzip garbage', raw('POST', '/v1/minigame/payments', 'xx', { 'content-encoding': 'gzip' }));
  await timed('pct path', raw('GET', '/%'));
  const ts = Math.floor(Date.now() / 1000);
  const cbNul = JSON.stringify({ orderId: 'o\u0000', transactionId: 't', paidAmount: 1, currencyType: 'USD', paidAt: new Date().toISOString() });
  await timed('callback NUL orderId', raw('POST', '/v1/superapp/payment-callback', cbNul, { 'x-vpay-timestamp': String(ts), 'x-vpay-signature': sig(ts, cbNul) }));
  // real order, paid with weird transactionId
  const o1 = await call(vpay, 'POST', '/v1/minigame/payments', paymentBody(app, signData(app)));
  console.log('order', o1.status, o1.json);
  const cb1 = JSON.stringify({ orderId: o1.json.orderId, transactionId: 't\u0000', paidAmount: 1000, currencyType: 'USD', paidAt: new Date().toISOString() });
  await timed('callback NUL txn', raw('POST', '/v1/superapp/payment-callback', cb1, { 'x-vpay-timestamp': String(ts), 'x-vpay-signature': sig(ts, cb1) }));
  const o2 = await call(vpay, 'POST', '/v1/minigame/payments', paymentBody(app, signData(app)));
  const cb2 = JSON.stringify({ orderId: o2.json.orderId, transactionId: 't2', paidAmount: 1000, currencyType: 'USD', paidAt: '0000-01-01T00:00:00Z' });
  await timed('callback year 0', raw('POST', '/v1/superapp/payment-callback', cb2, { 'x-vpay-timestamp': String(ts), 'x-vpay-signature': sig(ts, cb2) }));
  await timed('payments NUL attach', call(vpay, 'POST', '/v1/minigame/payments', paymentBody(app, signData(app, { attach: 'a\u0000' }))));
  await timed('payments NUL platform', call(vpay, 'POST', '/v1/minigame/payments', paymentBody(app, signData(app, { platform: '\u0000' }))));
  await timed('payments lone surrogate attach', call(vpay, 'POST', '/v1/minigame/payments', paymentBody(app, signData(app, { attach: '\ud800' }))));
  await timed('healthz', call(vpay, 'GET', '/healthz'));
  await timed('valid', call(vpay, 'POST', '/v1/minigame/payments', paymentBody(app, signData(app))));
}, 120000);
