// CONTRACT.md 4 on the real stack: delivery retries, the one alert for a stuck delivery, the
// SSRF guard, the payment timeout, and that no secret reaches a log line.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startVpay, type Vpay } from '../support/vpay';
import { admin, paidOrder, pay, queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import * as migration003 from '../../migrations/003_delivery_attempt_url_credentials';

/** A local alert webhook that records what it receives. */
async function startAlertSink() {
  const alerts: any[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      alerts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    alerts,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('delivery retries and the stuck-delivery alert', () => {
  let vpay: Vpay;
  let app: TestApp;
  let sink: Awaited<ReturnType<typeof startAlertSink>>;
  const logLines: string[] = [];

  beforeAll(async () => {
    sink = await startAlertSink();
    vpay = await startVpay(
      {
        DELIVERY_RETRY_INITIAL_MS: '100',
        DELIVERY_RETRY_MAX_MS: '400',
        DELIVERY_ALERT_AFTER_MS: '1500',
        ALERT_WEBHOOK_URL: sink.url,
      },
      { logLines },
    );
    app = await setupApp(vpay);
  });
  afterAll(async () => {
    await vpay?.stop();
    await sink?.close();
  });

  it('retries a failing endpoint with the same delivery id and counted attempts, alerts once, then delivers once', async () => {
    vpay.developer.mode = 'http500';
    const { orderId, outTradeNo } = await paidOrder(vpay, app);

    const alert = await waitFor('the alert', () => sink.alerts.find((a) => a.orderId === orderId), 20_000);
    expect(alert).toMatchObject({ type: 'delivery_stuck', orderId, appId: app.appId, outTradeNo });
    expect(alert.attempts).toBeGreaterThanOrEqual(2);
    expect(alert.lastError).toMatch(/HTTP 500/);
    // Retrying goes on after the alert.
    const seenAtAlert = vpay.developer.received.filter((d) => d.payload.OrderId === orderId).length;
    await waitFor(
      'more attempts after the alert',
      () => vpay.developer.received.filter((d) => d.payload.OrderId === orderId).length > seenAtAlert + 1,
    );
    vpay.developer.mode = 'ok';

    const final = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo)).result();
    expect(final).toMatchObject({ status: 'DELIVERED', alerted: true });
    const attempts = vpay.developer.received.filter((d) => d.payload.OrderId === orderId);
    expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
    expect(new Set(attempts.map((a) => a.deliveryId)).size).toBe(1);
    expect(attempts.filter((a) => a.answeredOk)).toHaveLength(1);
    expect(attempts[attempts.length - 1].answeredOk).toBe(true);

    const q = await queryOrder(vpay, app, outTradeNo);
    expect(q.json.order).toMatchObject({ status: 'DELIVERED', deliveryAttempts: attempts.length });
    expect(sink.alerts.filter((a) => a.orderId === orderId)).toHaveLength(1);
    // Logged too, with the order's fields.
    const logged = logLines.map((l) => JSON.parse(l)).find((l) => l.type === 'delivery_stuck' && l.orderId === orderId);
    expect(logged).toMatchObject({ appId: app.appId, outTradeNo });

    const text = await (await fetch(`${vpay.url}/metrics`, { headers: { authorization: `Bearer ${vpay.metricsToken}` } })).text();
    expect(text).toMatch(/vpay_delivery_attempts_total\{outcome="failed"\} [1-9]/);
    expect(text).toMatch(/vpay_delivery_attempts_total\{outcome="delivered"\} [1-9]/);
    expect(text).toMatch(/vpay_alerts_total\{type="delivery_stuck"\} 1/);
    expect(text).toContain('vpay_callback_to_delivered_seconds_bucket');
  });

  it('a 2xx without returnCode 0 is a failed attempt', async () => {
    vpay.developer.mode = 'badBody';
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    await waitFor('two attempts', () => vpay.developer.received.filter((d) => d.payload.OrderId === orderId).length >= 2);
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.status).toBe('PAID');
    vpay.developer.mode = 'ok';
    await waitFor('DELIVERED', async () => (await queryOrder(vpay, app, outTradeNo)).json.order.status === 'DELIVERED');
    expect(vpay.developer.acknowledged(orderId)).toBe(1);
  });

  it('a sandbox (env 1) order of an app without a test URL is never sent to the live URL', async () => {
    vpay.developer.mode = 'ok';
    const sd = signData(app, { env: 1 });
    const r = await requestPayment(vpay, app, sd);
    await pay(vpay, r.json.orderId, app.price);
    await waitFor(
      'a recorded failed attempt',
      async () => (await queryOrder(vpay, app, JSON.parse(sd).outTradeNo)).json.order.deliveryAttempts >= 1,
    );
    expect(vpay.developer.received.filter((d) => d.payload.OrderId === r.json.orderId)).toHaveLength(0);
    // Once the developer configures a test URL, the next attempt uses it.
    await admin(vpay, 'PATCH', `/v1/admin/apps/${app.appId}`, { deliveryTestUrl: `${vpay.developer.url}?sandbox=1` });
    await waitFor('the sandbox delivery', () => vpay.developer.acknowledged(r.json.orderId) === 1);
  });

  it('never logs a secret, and logs every order line with its keys', async () => {
    const text = logLines.join('\n');
    expect(text).toContain(app.appId);
    for (const secret of [app.appKey, app.sessionKey, vpay.config.superappSecret, vpay.adminToken, vpay.metricsToken]) {
      expect(text).not.toContain(secret);
    }
    const orderLines = logLines.map((l) => JSON.parse(l)).filter((l) => l.orderId);
    expect(orderLines.length).toBeGreaterThan(5);
    for (const l of orderLines) expect(l).toEqual(expect.objectContaining({ appId: expect.any(String), outTradeNo: expect.any(String) }));
  });
});

describe('delivery URL guard', () => {
  let vpay: Vpay;
  const logLines: string[] = [];
  beforeAll(async () => {
    vpay = await startVpay({ DELIVERY_ALLOW_PRIVATE: 'false' }, { logLines });
  });
  afterAll(async () => {
    await vpay?.stop();
  });

  /** An app whose delivery URL was saved before today's checks (or a name that resolves to it). */
  async function legacyApp(deliveryUrl: string): Promise<TestApp> {
    const app = await setupApp(vpay, { deliveryUrl: 'https://dev.example/deliver' });
    await vpay.api.db('apps').where({ app_id: app.appId }).update({ delivery_url: deliveryUrl });
    return app;
  }

  it.each([
    'http://127.0.0.1:8080/deliver',
    'http://localhost/deliver',
    'http://LOCALHOST./deliver',
    'http://game.localhost/deliver',
    'http://[::1]/deliver',
    'http://10.1.2.3/deliver',
    'http://192.168.0.10/deliver',
    'http://169.254.169.254/latest/meta-data',
    'http://0.0.0.0/deliver',
    'http://127.1/deliver',
    'http://0x7f.0.0.1/deliver',
    'http://2130706433/deliver',
    'http://[::ffff:127.0.0.1]/deliver',
    'http://[fd00::1]/deliver',
  ])('refuses to save the private or loopback delivery URL %s (400 / 40001)', async (url) => {
    const app = await setupApp(vpay, { deliveryUrl: 'https://dev.example/deliver' });
    const path = `/v1/admin/apps/${app.appId}`;
    const attempts = [
      ['POST', '/v1/admin/apps', { name: 'g', deliveryUrl: url }],
      ['POST', '/v1/admin/apps', { name: 'g', deliveryUrl: 'https://dev.example/deliver', deliveryTestUrl: url }],
      ['PATCH', path, { deliveryUrl: url }],
      ['PATCH', path, { deliveryTestUrl: url }],
    ] as const;
    for (const [method, p, body] of attempts) {
      const r = await admin(vpay, method, p, body);
      expect({ body, status: r.status, errCode: r.json.errCode }).toEqual({ body, status: 400, errCode: 40001 });
    }
    expect((await admin(vpay, 'GET', path)).json).toMatchObject({ deliveryUrl: 'https://dev.example/deliver', deliveryTestUrl: null });
  });

  it('saves a public address or a host name (a name is checked when used)', async () => {
    for (const deliveryUrl of ['https://dev.example/deliver', 'http://8.8.8.8/deliver', 'https://[2001:4860:4860::8888]/deliver']) {
      const r = await admin(vpay, 'POST', '/v1/admin/apps', { name: 'g', deliveryUrl });
      expect({ deliveryUrl, status: r.status }).toEqual({ deliveryUrl, status: 201 });
    }
  });

  it('does not deliver to a loopback address unless allowed, and records why', async () => {
    const app = await legacyApp(vpay.developer.url);
    const { outTradeNo } = await paidOrder(vpay, app);
    const q = await queryOrder(vpay, app, outTradeNo);
    const row = await waitFor('a recorded failed attempt', () =>
      vpay.api.db('delivery_attempts').where({ order_id: q.json.order.orderId }).first(),
    );
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.status).toBe('PAID');
    expect(row).toMatchObject({ ok: false, http_status: null });
    expect(row.error).toMatch(/forbidden|private|loopback/i);
    expect(vpay.developer.received).toHaveLength(0);
  });

  it('a delivery URL saved with credentials before they were refused: refused when used, its credentials neither stored nor logged', async () => {
    const app = await legacyApp(vpay.developer.url.replace('http://', 'http://dev-user:s3cret-pass@'));
    const { orderId } = await paidOrder(vpay, app);
    const row = await waitFor('a recorded failed attempt', () => vpay.api.db('delivery_attempts').where({ order_id: orderId }).first());
    expect(row).toMatchObject({ ok: false, url: vpay.developer.url });
    expect(row.error).toMatch(/username or password/);
    const everything = JSON.stringify([await vpay.api.db('delivery_attempts').select(), await vpay.api.db('orders').select(), logLines]);
    expect(everything).not.toContain('s3cret-pass');
    expect(everything).not.toContain('dev-user');
    expect(vpay.developer.received).toHaveLength(0);
  });

  it('migration 003 removes credentials from the URLs of attempts recorded before', async () => {
    const app = await legacyApp('https://dev.example/deliver');
    const { orderId } = await paidOrder(vpay, app);
    const urls = ['https://dev-user:s3cret@dev.example/d?a=b@c', 'http://:s3cret@10.0.0.1:8080/', 'https://dev.example/x/@y?to=a@b'];
    await vpay.api
      .db('delivery_attempts')
      .insert(urls.map((url, i) => ({ order_id: orderId, attempt: 100 + i, url, ok: false, duration_ms: 1 })));
    await migration003.up(vpay.api.db);
    const rows = await vpay.api.db('delivery_attempts').where({ order_id: orderId }).andWhere('attempt', '>=', 100).orderBy('attempt');
    expect(rows.map((r) => r.url)).toEqual(['https://dev.example/d?a=b@c', 'http://10.0.0.1:8080/', 'https://dev.example/x/@y?to=a@b']);
  });
});

describe('payment timeout', () => {
  let vpay: Vpay;
  let app: TestApp;
  beforeAll(async () => {
    vpay = await startVpay({ PAYMENT_TIMEOUT_MS: '1000' });
    app = await setupApp(vpay);
  });
  afterAll(async () => {
    await vpay?.stop();
  });

  it('closes an unpaid order, refuses its payment afterwards, and shows CLOSED everywhere', async () => {
    const sd = signData(app);
    const outTradeNo = JSON.parse(sd).outTradeNo;
    const r = await requestPayment(vpay, app, sd);
    const handle = vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo));
    expect(await handle.result()).toMatchObject({ status: 'CLOSED', closeReason: 'payment_timeout' });
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.status).toBe('CLOSED');
    const late = await pay(vpay, r.json.orderId, app.price);
    expect(late).toEqual({ status: 409, json: { returnCode: 40902, returnMessage: expect.any(String) } });
    // An identical replay still answers the order (CLOSED), not a new one.
    const again = await requestPayment(vpay, app, sd);
    expect(again.json).toMatchObject({ orderId: r.json.orderId, status: 'CLOSED' });
    const found = await waitFor('the CLOSED search attribute', async () => {
      for await (const wf of vpay.api.client.workflow.list({ query: `VpayOutTradeNo="${outTradeNo}" AND VpayOrderStatus="CLOSED"` }))
        return wf;
      return undefined;
    });
    expect(found.searchAttributes).toMatchObject({ VpayAppId: [app.appId] });
  });
});
