// CONTRACT.md 7.4 on the real stack: the delivery configuration (URLs and their rules with
// DELIVERY_ALLOW_PRIVATE false and true, the notification switch), the key its first save issues
// and shows once, the payment request's refusals for an app that could not be notified, and the
// test push against the fake developer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { consoleApp, expectOk, makePayable, payableConsoleApp } from '../../support/console-delivery';
import { admin, call, paymentBody, pay, requestPayment, signData } from '../../support/minigame';
import { startVpay, type Vpay } from '../../support/vpay';
import { payEventSigOf } from '../../../lib/domain/signatures';

const HEX_KEY = /^[0-9a-f]{64}$/;

function expectError(r: { status: number; json: any }, status: number, errCode: number, message?: RegExp) {
  expect({ status: r.status, errCode: r.json?.errCode }).toEqual({ status, errCode });
  if (message) expect(r.json.errMsg).toMatch(message);
}

/** Every audit entry of the app, as stored. */
const auditOf = (vpay: Vpay, appId: string) => vpay.api.db('audit_log').where({ app_id: appId }).orderBy('id');

describe('delivery configuration (DELIVERY_ALLOW_PRIVATE=true, the local stack)', () => {
  let vpay: Vpay;
  let world: ConsoleWorld;
  const logLines: string[] = [];
  /** Every key a test saw issued: none may be in a GET, an audit entry or a log line. */
  const keys: string[] = [];
  const as = (role: keyof ConsoleWorld['tokens'], method: string, path: string, body?: unknown) =>
    consoleCall(vpay, world.tokens[role], method, path, body);

  beforeAll(async () => {
    vpay = await startVpay({}, { logLines });
    world = await consoleWorld(vpay);
  });
  afterAll(async () => {
    await vpay?.stop();
  });
  beforeEach(() => {
    vpay.developer.mode = 'ok';
  });

  it('a console-made app has no URL and no key yet: keyVersion 0, keyIssuedAt null, notifications on', async () => {
    const appId = await consoleApp(vpay, world);
    const r = await as('mp_operator', 'GET', `/apps/${appId}/delivery-config`);
    expect(r).toEqual({
      status: 200,
      json: { errCode: 0, url: null, testUrl: null, notifyEnabled: true, keyVersion: 0, keyIssuedAt: null },
    });
  });

  it('the first save issues key version 1 and answers it once; later saves and GET never show it', async () => {
    const appId = await consoleApp(vpay, world);
    const url = 'https://dev.example/deliver/secret-path-token';
    const first = await as('mp_senior_developer', 'PUT', `/apps/${appId}/delivery-config`, { url });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      errCode: 0,
      url,
      testUrl: null,
      notifyEnabled: true,
      keyVersion: 1,
      keyIssuedAt: expect.any(String),
      appKey: expect.stringMatching(HEX_KEY),
    });
    keys.push(first.json.appKey);
    expect(Math.abs(Date.parse(first.json.keyIssuedAt) - Date.now())).toBeLessThan(60_000);
    // apps.app_key is the current key: what every existing reader signs and verifies with.
    expect((await vpay.api.db('apps').where({ app_id: appId }).first()).app_key).toBe(first.json.appKey);

    const got = await as('mp_developer', 'GET', `/apps/${appId}/delivery-config`);
    expect(got.json).toEqual({ errCode: 0, url, testUrl: null, notifyEnabled: true, keyVersion: 1, keyIssuedAt: first.json.keyIssuedAt });

    const second = await as('mp_admin', 'PUT', `/apps/${appId}/delivery-config`, {
      url,
      testUrl: 'https://dev.example/test',
      notifyEnabled: false,
    });
    expect(second.json).toEqual({
      errCode: 0,
      url,
      testUrl: 'https://dev.example/test',
      notifyEnabled: false,
      keyVersion: 1,
      keyIssuedAt: first.json.keyIssuedAt,
    });
    expect((await vpay.api.db('apps').where({ app_id: appId }).first()).app_key).toBe(first.json.appKey);
    expect((await as('super_admin', 'GET', `/apps/${appId}`)).json).toMatchObject({ deliveryConfigured: true });

    const audit = await auditOf(vpay, appId);
    const saves = audit.filter((e) => e.action === 'delivery.configure');
    expect(saves).toHaveLength(2);
    expect(saves[0]).toMatchObject({ user_id: expect.any(String), role: 'mp_senior_developer', target: appId });
    expect(saves[0].summary).toMatch(/key version 1 issued/);
    expect(saves[1].summary).toMatch(/notifications off/);
    // Neither the key nor a URL's path (which may carry a developer's token) is audited.
    const text = JSON.stringify(audit);
    expect(text).not.toContain(first.json.appKey);
    expect(text).not.toContain('secret-path-token');
  });

  it('PUT replaces both URLs (an omitted testUrl removes it); an omitted notifyEnabled keeps its value', async () => {
    const appId = await consoleApp(vpay, world);
    const path = `/apps/${appId}/delivery-config`;
    keys.push(
      expectOk(
        await as('mp_admin', 'PUT', path, { url: 'https://a.example/d', testUrl: 'https://a.example/t', notifyEnabled: false }),
        'save',
      ).appKey,
    );
    expect((await as('mp_admin', 'PUT', path, { url: 'https://b.example/d' })).json).toMatchObject({
      url: 'https://b.example/d',
      testUrl: null,
      notifyEnabled: false,
    });
    expect((await as('mp_admin', 'PUT', path, { url: 'https://b.example/d', testUrl: null, notifyEnabled: true })).json).toMatchObject({
      testUrl: null,
      notifyEnabled: true,
    });
  });

  it('an app made with section 6 already has key version 1 (the key it answered) and notifications on', async () => {
    const made = await admin(vpay, 'POST', '/v1/admin/apps', {
      name: 'bootstrap game',
      deliveryUrl: 'https://dev.example/d',
      teamId: world.teamId,
    });
    expect(made.status).toBe(201);
    keys.push(made.json.appKey);
    const path = `/apps/${made.json.appId}/delivery-config`;
    const got = await as('mp_operator', 'GET', path);
    expect(got.json).toEqual({
      errCode: 0,
      url: 'https://dev.example/d',
      testUrl: null,
      notifyEnabled: true,
      keyVersion: 1,
      keyIssuedAt: expect.any(String),
    });
    // Saving it issues nothing: it has its key.
    const saved = await as('mp_admin', 'PUT', path, { url: 'https://dev.example/d2' });
    expect(saved.json).toEqual({
      errCode: 0,
      url: 'https://dev.example/d2',
      testUrl: null,
      notifyEnabled: true,
      keyVersion: 1,
      keyIssuedAt: got.json.keyIssuedAt,
    });
    expect((await vpay.api.db('apps').where({ app_id: made.json.appId }).first()).app_key).toBe(made.json.appKey);
  });

  it('with DELIVERY_ALLOW_PRIVATE=true any port and host are allowed; credentials and other schemes never', async () => {
    const appId = await consoleApp(vpay, world);
    const path = `/apps/${appId}/delivery-config`;
    for (const url of [
      'http://127.0.0.1:8080/d',
      'http://localhost:3000/d',
      'https://10.0.0.1:8443/d',
      'http://[::1]:9000/d',
      'https://dev.example:444/d',
    ]) {
      const r = await as('mp_admin', 'PUT', path, { url, testUrl: url });
      expect({ url, status: r.status }).toEqual({ url, status: 200 });
      if (r.json.appKey) keys.push(r.json.appKey);
    }
    const bad: unknown[] = [
      { url: 'https://user:pw@dev.example/d' },
      { url: 'https://dev.example/d', testUrl: 'http://:pw@dev.example/t' },
      { url: 'ftp://dev.example/d' },
      { url: 'dev.example/d' },
      { url: '' },
      {},
      { testUrl: 'https://dev.example/t' },
      { url: 'https://dev.example/d', notifyEnabled: 'yes' },
      { url: 'https://dev.example/d', testURL: 'https://dev.example/t' },
      [],
      'not json',
    ];
    for (const body of bad) {
      const r = await as('mp_admin', 'PUT', path, body);
      expect({ body, status: r.status, errCode: r.json.errCode }).toEqual({ body, status: 400, errCode: 40001 });
    }
    expect((await as('mp_admin', 'GET', path)).json).toMatchObject({
      url: 'https://dev.example:444/d',
      testUrl: 'https://dev.example:444/d',
    });
  });

  it('checks visibility, then the permission, then the body', async () => {
    const path = `/apps/${world.otherAppId}/delivery-config`;
    expectError(await as('mp_admin', 'GET', path), 404, 40403);
    expectError(await as('mp_admin', 'PUT', path, { url: 'https://dev.example/d' }), 404, 40403);
    expectError(await as('mp_developer', 'PUT', `/apps/${world.appId}/delivery-config`, { url: 'not a url' }), 403, 40302);
    expectError(await as('super_admin', 'POST', `/apps/${world.appId}/keys`), 403, 40302);
    expectError(await consoleCall(vpay, world.otherAdminToken, 'POST', `/apps/${world.appId}/delivery-config/test`, {}), 404, 40403);
  });

  describe('the payment request (section 2) of an app that could not be notified: 403 / 40301, saying why', () => {
    it('no URL for the env: a sandbox (env 1) payment needs the test URL', async () => {
      const app = await payableConsoleApp(vpay, world);
      keys.push(app.appKey);
      expect((await requestPayment(vpay, app, signData(app, { env: 0 }))).status).toBe(200);
      expectError(await requestPayment(vpay, app, signData(app, { env: 1 })), 403, 40301, /no delivery test URL.*env 1/);
      // Checked right after "payment enabled": before the item (an unknown one would be 404).
      expectError(await requestPayment(vpay, app, signData(app, { env: 1, productId: 'no_such_item' })), 403, 40301, /test URL/);
      await as('mp_admin', 'PUT', `/apps/${app.appId}/delivery-config`, {
        url: vpay.developer.deliveryUrlFor(app.appId),
        testUrl: `${vpay.developer.deliveryUrlFor(app.appId)}?sandbox=1`,
      });
      expect((await requestPayment(vpay, app, signData(app, { env: 1 }))).status).toBe(200);
    });

    it('an app with a key and no URL at all (its URL removed by hand) is refused for env 0 too', async () => {
      const app = await payableConsoleApp(vpay, world);
      keys.push(app.appKey);
      await vpay.api.db('apps').where({ app_id: app.appId }).update({ delivery_url: null });
      expectError(await requestPayment(vpay, app, signData(app, { env: 0 })), 403, 40301, /no delivery URL.*env 0/);
    });

    it('notifications turned off; after the URL check, and "payment not enabled" comes first', async () => {
      const app = await payableConsoleApp(vpay, world);
      keys.push(app.appKey);
      const path = `/apps/${app.appId}/delivery-config`;
      const url = vpay.developer.deliveryUrlFor(app.appId);
      const sd = signData(app);
      const placed = await requestPayment(vpay, app, sd);
      expect(placed.status).toBe(200);

      await as('mp_admin', 'PUT', path, { url, notifyEnabled: false });
      expectError(await requestPayment(vpay, app, signData(app)), 403, 40301, /notifications are turned off/);
      expectError(await requestPayment(vpay, app, signData(app, { env: 1 })), 403, 40301, /test URL/);
      // An identical replay of an order placed before is answered from it, as always.
      expect((await requestPayment(vpay, app, sd)).json).toMatchObject({ orderId: placed.json.orderId });
      // An order already placed is still delivered once paid: a paid item is owed (docs/ARCHITECTURE.md).
      expect((await pay(vpay, placed.json.orderId, app.price)).status).toBe(200);
      await vpay.developer.waitFor(placed.json.orderId, 20_000);

      await admin(vpay, 'PATCH', `/v1/admin/apps/${app.appId}`, { paymentEnabled: false });
      expectError(await requestPayment(vpay, app, signData(app)), 403, 40301, /payment is not enabled/);
      await admin(vpay, 'PATCH', `/v1/admin/apps/${app.appId}`, { paymentEnabled: true });
      await as('mp_admin', 'PUT', path, { url, notifyEnabled: true });
      expect((await requestPayment(vpay, app, signData(app))).status).toBe(200);
    });

    it('an app without a key cannot pass the paySig check: 401 / 40101', async () => {
      const appId = await consoleApp(vpay, world);
      const app = await makePayable(vpay, appId, '');
      for (const key of ['', 'any-key']) {
        const sd = signData(app);
        expectError(await call(vpay, 'POST', '/v1/minigame/payments', paymentBody(app, sd, { appKey: key })), 401, 40101);
      }
    });
  });

  describe('the test push', () => {
    let app: Awaited<ReturnType<typeof payableConsoleApp>>;
    const test = (body?: unknown) => as('mp_senior_developer', 'POST', `/apps/${app.appId}/delivery-config/test`, body);
    const pushesTo = () => vpay.developer.received.filter((d) => d.payload?.OrderId?.startsWith('test_'));

    beforeAll(async () => {
      app = await payableConsoleApp(vpay, world, { testUrl: true });
      keys.push(app.appKey);
    });

    it('sends one signed sample notification to the env URL and answers what the endpoint did', async () => {
      const before = pushesTo().length;
      const r = await test({ env: 0 });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        errCode: 0,
        ok: true,
        httpStatus: 200,
        durationMs: expect.any(Number),
        error: null,
        responseBody: '{"returnCode":0,"returnMessage":"OK"}',
      });
      const sent = pushesTo().slice(before);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({
        signatureValid: true,
        attempt: 1,
        event: 'minigame_game_pay_goods_deliver_notify',
        deliveryId: `dlv_${sent[0].payload.OrderId}`,
      });
      expect(sent[0].payload).toMatchObject({
        OrderId: expect.stringMatching(/^test_/),
        OutTradeNo: expect.stringMatching(/^test_/),
        Env: 0,
      });
      expect(Object.keys(sent[0].payload).sort()).toEqual([
        'Env',
        'GoodsInfo',
        'OpenId',
        'OrderId',
        'OutTradeNo',
        'PaidAt',
        'TransactionId',
      ]);
      expect(Object.keys(sent[0].payload.GoodsInfo).sort()).toEqual(['ActualPrice', 'Attach', 'OrigPrice', 'ProductId', 'Quantity']);
      // No order came of it.
      expect(await vpay.api.db('orders').where({ app_id: app.appId, order_id: sent[0].payload.OrderId }).first()).toBeUndefined();
    });

    it('env defaults to 1: the test URL', async () => {
      const before = pushesTo().length;
      for (const body of [undefined, {}]) expect((await test(body)).json).toMatchObject({ ok: true, httpStatus: 200 });
      expect(
        pushesTo()
          .slice(before)
          .map((d) => d.payload.Env),
      ).toEqual([1, 1]);
    });

    it.each([
      ['http500', { ok: false, httpStatus: 500, error: 'HTTP 500', responseBody: 'down' }],
      [
        'badBody',
        {
          ok: false,
          httpStatus: 200,
          error: expect.stringMatching(/returnCode 0/),
          responseBody: '{"returnCode":1,"returnMessage":"not now"}',
        },
      ],
      ['gone', { ok: false, httpStatus: 410, error: 'HTTP 410', responseBody: 'gone' }],
      ['redirect', { ok: false, httpStatus: 302, error: 'HTTP 302', responseBody: '' }],
      ['huge', { ok: false, httpStatus: null, error: expect.stringMatching(/exceeds/), responseBody: null }],
    ] as const)('a failing endpoint (%s): 200 with what happened, sent once', async (mode, expected) => {
      vpay.developer.mode = mode;
      const before = pushesTo().length;
      const r = await test({ env: 1 });
      expect(r).toEqual({ status: 200, json: { errCode: 0, durationMs: expect.any(Number), ...expected } });
      expect(pushesTo().length - before).toBe(1);
    });

    it('an endpoint that cannot be reached: ok false with the network error', async () => {
      const appId = await consoleApp(vpay, world);
      keys.push(expectOk(await as('mp_admin', 'PUT', `/apps/${appId}/delivery-config`, { url: 'http://127.0.0.1:9/d' }), 'save').appKey);
      const r = await as('mp_admin', 'POST', `/apps/${appId}/delivery-config/test`, { env: 0 });
      expect(r.json).toMatchObject({
        ok: false,
        httpStatus: null,
        error: expect.stringMatching(/ECONNREFUSED|failed/),
        responseBody: null,
      });
    });

    it('409 / 40906 when the env has no URL; 400 for an env that is not 0 or 1', async () => {
      const appId = await consoleApp(vpay, world);
      expectError(await as('mp_admin', 'POST', `/apps/${appId}/delivery-config/test`, { env: 0 }), 409, 40906, /no delivery URL/);
      keys.push(expectOk(await as('mp_admin', 'PUT', `/apps/${appId}/delivery-config`, { url: 'https://dev.example/d' }), 'save').appKey);
      expectError(await as('mp_admin', 'POST', `/apps/${appId}/delivery-config/test`, {}), 409, 40906, /no test URL/);
      for (const body of [{ env: 2 }, { env: '1' }, { env: 1, url: 'https://elsewhere.example' }]) {
        expectError(await as('mp_admin', 'POST', `/apps/${appId}/delivery-config/test`, body), 400, 40001);
      }
    });

    it('marks itself with X-Vpay-Test: 1 and answers at most the first KiB of the reply, as text that can be kept', async () => {
      const seen: http.IncomingHttpHeaders[] = [];
      const bodies: string[] = [];
      // 'é' is two bytes: 600 of them are 1,200, cut at 1,024 without splitting one; a NUL comes first.
      const server = http.createServer((req, res) => {
        seen.push(req.headers);
        const chunks: Buffer[] = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          bodies.push(Buffer.concat(chunks).toString('utf8'));
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`\u0000${'é'.repeat(600)}`);
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
        const appId = await consoleApp(vpay, world);
        const key = expectOk(await as('mp_admin', 'PUT', `/apps/${appId}/delivery-config`, { url, testUrl: url }), 'save').appKey;
        keys.push(key);
        const r = await as('mp_admin', 'POST', `/apps/${appId}/delivery-config/test`, {});
        expect(r.json).toMatchObject({ ok: false, httpStatus: 200 });
        expect(r.json.responseBody).toBe(`\ufffd${'é'.repeat(511)}`);
        expect(seen).toHaveLength(1);
        expect(seen[0]).toMatchObject({ 'x-vpay-test': '1', 'x-vpay-attempt': '1', 'content-type': 'application/json' });
        const notice = JSON.parse(bodies[0]);
        expect(seen[0]['x-vpay-delivery-id']).toBe(`dlv_${JSON.parse(notice.Payload).OrderId}`);
        expect(notice.PayEventSig).toBe(payEventSigOf(key, notice.Payload));
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });

    it('is audited, without the key', async () => {
      const entries = (await auditOf(vpay, app.appId)).filter((e) => e.action === 'delivery.test');
      expect(entries.length).toBeGreaterThanOrEqual(3);
      expect(entries[0]).toMatchObject({ role: 'mp_senior_developer', summary: expect.stringMatching(/env 0 .*acknowledged/) });
    });
  });

  it('no key is ever in a GET answer, an audit entry or a log line', async () => {
    expect(keys.length).toBeGreaterThan(8);
    const audit = JSON.stringify(await vpay.api.db('audit_log').select());
    const text = logLines.join('\n');
    for (const key of keys) {
      expect(audit).not.toContain(key);
      expect(text).not.toContain(key);
    }
    const app = await payableConsoleApp(vpay, world);
    for (const role of ['super_admin', 'platform_admin', 'mp_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator'] as const) {
      const got = await as(role, 'GET', `/apps/${app.appId}/delivery-config`);
      expect(got.status).toBe(200);
      expect(JSON.stringify(got.json)).not.toContain(app.appKey);
      expect(got.json).not.toHaveProperty('appKey');
    }
  });
});

describe('delivery configuration with DELIVERY_ALLOW_PRIVATE=false (the services)', () => {
  let vpay: Vpay;
  let world: ConsoleWorld;

  beforeAll(async () => {
    vpay = await startVpay({ DELIVERY_ALLOW_PRIVATE: 'false' });
    world = await consoleWorld(vpay);
  });
  afterAll(async () => {
    await vpay?.stop();
  });

  it.each([
    'http://dev.example:8080/d',
    'http://dev.example:443/d',
    'https://dev.example:80/d',
    'https://dev.example:8443/d',
    'http://127.0.0.1/d',
    'http://localhost/d',
    'https://game.localhost/d',
    'http://[::1]/d',
    'http://10.1.2.3/d',
    'http://192.168.0.10/d',
    'http://169.254.169.254/latest',
    'http://0x7f.0.0.1/d',
    'http://[::ffff:127.0.0.1]/d',
    'https://user:pw@dev.example/d',
    'ftp://dev.example/d',
  ])('refuses %s as url or testUrl (400 / 40001), saving nothing', async (url) => {
    const appId = await consoleApp(vpay, world);
    const path = `/apps/${appId}/delivery-config`;
    for (const body of [{ url }, { url: 'https://dev.example/d', testUrl: url }]) {
      const r = await consoleCall(vpay, world.tokens.mp_admin, 'PUT', path, body);
      expect({ body, status: r.status, errCode: r.json.errCode }).toEqual({ body, status: 400, errCode: 40001 });
    }
    // Nothing saved, no key issued.
    expect((await consoleCall(vpay, world.tokens.mp_admin, 'GET', path)).json).toMatchObject({ url: null, keyVersion: 0 });
  });

  it.each([
    'https://dev.example/d',
    'https://dev.example:443/d',
    'http://dev.example/d',
    'http://dev.example:80/d',
    'http://8.8.8.8/d',
    'https://[2001:4860:4860::8888]/d',
  ])('saves %s (port 80 for http, 443 for https, a public host)', async (url) => {
    const appId = await consoleApp(vpay, world);
    const r = await consoleCall(vpay, world.tokens.mp_admin, 'PUT', `/apps/${appId}/delivery-config`, { url, testUrl: url });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ keyVersion: 1, appKey: expect.stringMatching(HEX_KEY) });
  });

  it('the test push goes through the SSRF guard: a URL that reaches a loopback address is not called', async () => {
    const appId = await consoleApp(vpay, world);
    expectOk(
      await consoleCall(vpay, world.tokens.mp_admin, 'PUT', `/apps/${appId}/delivery-config`, { url: 'https://dev.example/d' }),
      'save',
    );
    // A URL saved before the rules (or a name resolving to loopback): judged again when used.
    await vpay.api.db('apps').where({ app_id: appId }).update({ delivery_url: vpay.developer.url });
    const before = vpay.developer.received.length;
    const r = await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${appId}/delivery-config/test`, { env: 0 });
    expect(r.json).toMatchObject({
      errCode: 0,
      ok: false,
      httpStatus: null,
      error: expect.stringMatching(/forbidden/),
      responseBody: null,
    });
    // Refused before connecting: the guard judges the address, so nothing could have arrived.
    expect(vpay.developer.received.length).toBe(before);
    expect((await auditOf(vpay, appId)).map((e) => e.action)).toEqual(['app.create', 'delivery.configure', 'delivery.test']);
  });
});
