// Fault matrix, PostgreSQL: the database is stopped for 20 s under load. New requests get a clear
// 503 with an errCode within a bounded time (no hang, no 500); purchases in flight finish once
// it is back, each delivered exactly once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../tools/dev/embedded-pg';
import { freePort } from '../../tools/dev/free-port';
import { startVpay, type Vpay } from '../support/vpay';
import { call, pay, paymentBody, queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { expectReconciled } from '../support/reconciled';

const OUTAGE_MS = 20_000;
/** The longest a request may take to be refused while the database is down. */
const REFUSAL_BOUND_MS = 8_000;

let dir: string;
let pg: EmbeddedPostgres | undefined;
let pgPort: number;
let vpay: Vpay;
let app: TestApp;

const startPg = () => startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: pgPort, database: 'vpay' });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-fault-pg-'));
  fs.chmodSync(dir, 0o755);
  pgPort = await freePort();
  pg = await startPg();
  vpay = await startVpay({ DELIVERY_RETRY_INITIAL_MS: '200', DELIVERY_RETRY_MAX_MS: '1000' }, { databaseUrl: pg.url });
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
  await pg?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('refuses new requests with 503 while the database is down and finishes every purchase after', async () => {
  vpay.developer.mode = 'http500';
  const paid: Array<{ orderId: string; outTradeNo: string }> = [];
  for (let i = 0; i < 5; i++) {
    const sd = signData(app);
    const r = await requestPayment(vpay, app, sd);
    expect((await pay(vpay, r.json.orderId, app.price)).status).toBe(200);
    paid.push({ orderId: r.json.orderId, outTradeNo: JSON.parse(sd).outTradeNo });
  }
  const unpaidSd = signData(app);
  const unpaid = await requestPayment(vpay, app, unpaidSd);
  expect(unpaid.status).toBe(200);
  await waitFor('a failed attempt for every paid order', () =>
    paid.every((o) => vpay.developer.received.some((d) => d.payload.OrderId === o.orderId)),
  );

  await pg!.stop();
  vpay.developer.mode = 'ok';
  const outageEnds = Date.now() + OUTAGE_MS;
  const answers: Array<{ status: number; json: any; ms: number; route: string }> = [];
  // Load during the outage: payment requests, callbacks, order queries, health checks.
  while (Date.now() < outageEnds) {
    const timed = async (route: string, p: Promise<{ status: number; json: any }>) => {
      const t0 = Date.now();
      const r = await p;
      answers.push({ ...r, ms: Date.now() - t0, route });
    };
    await Promise.all([
      timed('payment', call(vpay, 'POST', '/v1/minigame/payments', paymentBody(app, signData(app)))),
      timed('callback', pay(vpay, unpaid.json.orderId, app.price)),
      timed('query', queryOrder(vpay, app, paid[0].outTradeNo)),
      timed('healthz', call(vpay, 'GET', '/healthz')),
    ]);
  }
  expect(answers.length).toBeGreaterThan(4);
  for (const a of answers) {
    expect({ route: a.route, status: a.status }).toEqual({ route: a.route, status: 503 });
    expect(a.ms).toBeLessThan(REFUSAL_BOUND_MS);
    const code = a.route === 'callback' ? a.json.returnCode : a.json.errCode;
    expect(code).toEqual(expect.any(Number));
  }
  expect(answers.find((a) => a.route === 'payment')!.json.errCode).toBe(50301);

  pg = await startPg();
  const ok = await waitFor(
    'the payment callback after the outage',
    async () => {
      const r = await pay(vpay, unpaid.json.orderId, app.price);
      return r.status === 200 && r;
    },
    30_000,
  );
  expect(ok.json.returnCode).toBe(0);
  for (const o of [...paid, { orderId: unpaid.json.orderId, outTradeNo: JSON.parse(unpaidSd).outTradeNo }]) {
    await waitFor(
      `${o.outTradeNo} DELIVERED`,
      async () => (await queryOrder(vpay, app, o.outTradeNo)).json.order?.status === 'DELIVERED',
      60_000,
    );
    expect(vpay.developer.acknowledged(o.orderId)).toBe(1);
  }
  // New purchases work again.
  expect((await requestPayment(vpay, app)).status).toBe(200);
  await expectReconciled(vpay);
}, 180_000);
