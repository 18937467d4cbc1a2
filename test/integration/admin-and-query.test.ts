// CONTRACT.md 5 and 6 on the real stack: the developer's order query and the platform admin API.
import { orderQuerySigOf, timedOrderQuerySigOf } from '../../lib/domain/signatures';
import { startVpay, type Vpay } from '../support/vpay';
import { admin, call, queryOrder, requestPayment, SECTION_5_ORDER_FIELDS, setupApp, signData, type TestApp } from '../support/minigame';

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});

describe('order query', () => {
  it('answers the order with every contract field, null where not reached', async () => {
    const sd = signData(app);
    const r = await requestPayment(vpay, app, sd);
    const q = await queryOrder(vpay, app, JSON.parse(sd).outTradeNo);
    expect(q.status).toBe(200);
    expect(q.json.errCode).toBe(0);
    for (const f of SECTION_5_ORDER_FIELDS) expect(q.json.order).toHaveProperty(f);
    expect(q.json.order).toMatchObject({
      orderId: r.json.orderId,
      status: 'PREPAID',
      transactionId: null,
      paidAt: null,
      deliveredAt: null,
    });
  });

  it('401 / 40101 for a wrong, missing or malformed Pay-Sig', async () => {
    const raw = JSON.stringify({ appId: app.appId, outTradeNo: 'whatever' });
    for (const sig of [orderQuerySigOf('wrong-key', raw), '', 'nothex']) {
      const r = await call(vpay, 'POST', '/v1/minigame/orders/query', raw, sig ? { 'pay-sig': sig } : {});
      expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 401, errCode: 40101 });
    }
  });

  it('with X-Vpay-Timestamp, a timed Pay-Sig covers the timestamp: a stale or re-stamped one is refused', async () => {
    const sd = signData(app);
    await requestPayment(vpay, app, sd);
    const raw = JSON.stringify({ appId: app.appId, outTradeNo: JSON.parse(sd).outTradeNo });
    const query = (headers: Record<string, string>) => call(vpay, 'POST', '/v1/minigame/orders/query', raw, headers);
    const now = String(Math.floor(Date.now() / 1000));
    const fresh = await query({ 'x-vpay-timestamp': now, 'pay-sig': timedOrderQuerySigOf(app.appKey, now, raw) });
    expect(fresh).toMatchObject({ status: 200, json: { errCode: 0, order: { appId: app.appId } } });

    const stale = String(Math.floor(Date.now() / 1000) - 301);
    const refused = [
      // Captured long ago: the timestamp is inside the MAC, so it cannot be refreshed.
      { 'x-vpay-timestamp': stale, 'pay-sig': timedOrderQuerySigOf(app.appKey, stale, raw) },
      { 'x-vpay-timestamp': now, 'pay-sig': timedOrderQuerySigOf(app.appKey, stale, raw) },
      { 'x-vpay-timestamp': 'soon', 'pay-sig': timedOrderQuerySigOf(app.appKey, 'soon', raw) },
    ];
    for (const headers of refused) {
      const r = await query(headers);
      expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 401, errCode: 40101 });
    }
    // The contract's form stays valid, with or without the header.
    expect((await query({ 'pay-sig': orderQuerySigOf(app.appKey, raw) })).status).toBe(200);
    expect((await query({ 'x-vpay-timestamp': stale, 'pay-sig': orderQuerySigOf(app.appKey, raw) })).status).toBe(200);
  });

  it('Pay-Sig covers the exact body bytes', async () => {
    const raw = JSON.stringify({ appId: app.appId, outTradeNo: 'x' });
    const r = await call(vpay, 'POST', '/v1/minigame/orders/query', ` ${raw}`, { 'Pay-Sig': orderQuerySigOf(app.appKey, raw) });
    expect(r.status).toBe(401);
  });

  it('404 / 40402 for no such order, and for an order of another app', async () => {
    expect((await queryOrder(vpay, app, 'nosuchtrade')).json).toMatchObject({ errCode: 40402 });
    const other = await setupApp(vpay);
    const sd = signData(other);
    await requestPayment(vpay, other, sd);
    const r = await queryOrder(vpay, app, JSON.parse(sd).outTradeNo);
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 404, errCode: 40402 });
  });

  it('400 / 40001 for a malformed body', async () => {
    const r = await call(vpay, 'POST', '/v1/minigame/orders/query', '{"appId":', { 'pay-sig': 'ab' });
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 400, errCode: 40001 });
  });
});

describe('platform admin', () => {
  it('401 / 40100 without the token or with a wrong one', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${vpay.adminToken}` }];
    for (const headers of attempts) {
      const r = await call(vpay, 'POST', '/v1/admin/apps', { name: 'g', deliveryUrl: 'https://dev.example/x' }, headers);
      expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 401, errCode: 40100 });
    }
  });

  it('creates an app, showing its key once only, with payment disabled by default', async () => {
    const r = await admin(vpay, 'POST', '/v1/admin/apps', { name: 'g', deliveryUrl: 'https://dev.example/x' });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ appId: expect.any(String), appKey: expect.stringMatching(/^[0-9a-f]{64}$/), paymentEnabled: false });
    const got = await admin(vpay, 'GET', `/v1/admin/apps/${r.json.appId}`);
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.json)).not.toContain(r.json.appKey);
    const patched = await admin(vpay, 'PATCH', `/v1/admin/apps/${r.json.appId}`, { name: 'renamed', paymentEnabled: true });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: 'renamed', paymentEnabled: true });
    expect(JSON.stringify(patched.json)).not.toContain(r.json.appKey);
  });

  it('400 / 40001 for invalid bodies', async () => {
    const bad = [
      ['POST', '/v1/admin/apps', { name: 'g' }],
      ['POST', '/v1/admin/apps', { name: 'g', deliveryUrl: 'ftp://x' }],
      ['PATCH', `/v1/admin/apps/${app.appId}`, { paymentEnabled: 'yes' }],
      ['PUT', `/v1/admin/apps/${app.appId}/items/p1`, { name: 'p', price: 1.5, currencyType: 'USD' }],
      ['PUT', `/v1/admin/apps/${app.appId}/items/p1`, { name: 'p', price: 100, currencyType: 'usd' }],
      ['PUT', `/v1/admin/apps/${app.appId}/sessions/u1`, {}],
    ] as const;
    for (const [method, path, body] of bad) {
      const r = await admin(vpay, method, path, body);
      expect({ path, status: r.status, errCode: r.json.errCode }).toEqual({ path, status: 400, errCode: 40001 });
    }
  });

  it('400 / 40001 for a delivery URL with a username or password, which is never stored', async () => {
    const created = await admin(vpay, 'POST', '/v1/admin/apps', { name: 'g', deliveryUrl: 'https://dev.example/x' });
    const path = `/v1/admin/apps/${created.json.appId}`;
    const bad = [
      ['POST', '/v1/admin/apps', { name: 'g', deliveryUrl: 'https://user:s3cret@dev.example/x' }],
      ['POST', '/v1/admin/apps', { name: 'g', deliveryUrl: 'https://user@dev.example/x' }],
      ['POST', '/v1/admin/apps', { name: 'g', deliveryUrl: 'https://dev.example/x', deliveryTestUrl: 'http://:s3cret@dev.example/t' }],
      ['PATCH', path, { deliveryUrl: 'https://user:s3cret@dev.example/x' }],
      ['PATCH', path, { deliveryTestUrl: 'https://user:s3cret@dev.example/t' }],
    ] as const;
    for (const [method, p, body] of bad) {
      const r = await admin(vpay, method, p, body);
      expect({ body, status: r.status, errCode: r.json.errCode }).toEqual({ body, status: 400, errCode: 40001 });
      expect(r.json.errMsg).not.toContain('s3cret');
    }
    expect((await admin(vpay, 'GET', path)).json).toMatchObject({ deliveryUrl: 'https://dev.example/x', deliveryTestUrl: null });
    // An @ in the path or query is no userinfo.
    const ok = await admin(vpay, 'PATCH', path, { deliveryUrl: 'https://dev.example/x/@team?to=a@b' });
    expect(ok.status).toBe(200);
  });

  it('404 / 40403 for an unknown app', async () => {
    const calls = [
      ['PATCH', '/v1/admin/apps/appnope', { name: 'x' }],
      ['PUT', '/v1/admin/apps/appnope/items/p1', { name: 'p', price: 100, currencyType: 'USD' }],
      ['PUT', '/v1/admin/apps/appnope/sessions/u1', { sessionKey: 'k' }],
    ] as const;
    for (const [method, path, body] of calls) {
      const r = await admin(vpay, method, path, body);
      expect({ path, status: r.status, errCode: r.json.errCode }).toEqual({ path, status: 404, errCode: 40403 });
    }
  });

  it('creates (201) then replaces (200) an item, and a replaced price applies to new purchases', async () => {
    const path = `/v1/admin/apps/${app.appId}/items/sword`;
    const created = await admin(vpay, 'PUT', path, { name: 'Sword', price: 300, currencyType: 'USD', released: true });
    expect(created.status).toBe(201);
    expect(created.json.item).toMatchObject({ productId: 'sword', price: 300, released: true });
    const replaced = await admin(vpay, 'PUT', path, { name: 'Sword', price: 500, currencyType: 'USD', released: true });
    expect(replaced.status).toBe(200);
    expect((await requestPayment(vpay, app, signData(app, { productId: 'sword', goodsPrice: 300 }))).status).toBe(422);
    expect((await requestPayment(vpay, app, signData(app, { productId: 'sword', goodsPrice: 500 }))).status).toBe(200);
    // Replacing without `released` unreleases it (released defaults to false).
    await admin(vpay, 'PUT', path, { name: 'Sword', price: 500, currencyType: 'USD' });
    expect((await requestPayment(vpay, app, signData(app, { productId: 'sword', goodsPrice: 500 }))).status).toBe(404);
  });

  it('sets (201) and replaces (200) a session key without echoing it', async () => {
    const path = `/v1/admin/apps/${app.appId}/sessions/newuser`;
    const first = await admin(vpay, 'PUT', path, { sessionKey: 'secret-session-1' });
    expect(first.status).toBe(201);
    const second = await admin(vpay, 'PUT', path, {
      sessionKey: 'secret-session-2',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(second.status).toBe(200);
    expect(JSON.stringify([first.json, second.json])).not.toContain('secret-session');
  });
});
