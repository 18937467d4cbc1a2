// Fault matrix, developer side: a developer endpoint that is slow past the timeout, redirects to
// a private address, answers 410, sends an oversized body or one PostgreSQL cannot store as it is,
// or fails half the time. Each order is
// delivered exactly once when the endpoint recovers, and the redirect is never followed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startVpay, type Vpay } from '../support/vpay';
import { paidOrder, queryOrder, setupApp, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { expectReconciled } from '../support/reconciled';
import type { FakeDeveloper } from '../../tools/fakes/fake-developer';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { getStatusQuery } from '../../workflows/definitions';

let vpay: Vpay;
let app: TestApp;
let redirectHits = 0;
let redirectTarget: http.Server;

beforeAll(async () => {
  redirectTarget = http.createServer((_req, res) => {
    redirectHits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"returnCode":0}');
  });
  await new Promise<void>((r) => redirectTarget.listen(0, '127.0.0.1', () => r()));
  vpay = await startVpay({ DELIVERY_RETRY_INITIAL_MS: '100', DELIVERY_RETRY_MAX_MS: '300' });
  vpay.developer.redirectTo = `http://127.0.0.1:${(redirectTarget.address() as AddressInfo).port}/internal`;
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
  await new Promise<void>((r) => redirectTarget.close(() => r()));
});

const attemptRows = (orderId: string) => vpay.api.db('delivery_attempts').where({ order_id: orderId }).orderBy('attempt');

it.each<[FakeDeveloper['mode'], RegExp]>([
  ['gone', /HTTP 410/],
  ['redirect', /HTTP 302/],
  ['huge', /too large|exceed/i],
  ['badBody', /HTTP 200/],
  ['slow', /timed out|timeout/i],
])(
  'an endpoint in mode %s fails the attempt, and the order is delivered once it recovers',
  async (mode, error) => {
    vpay.developer.mode = mode;
    const { orderId, outTradeNo } = await paidOrder(vpay, app);
    const failed = await waitFor('a failed attempt recorded', async () => (await attemptRows(orderId)).find((a) => !a.ok), 30_000);
    expect(failed.error).toMatch(error);
    vpay.developer.mode = 'ok';
    await waitFor('DELIVERED', async () => (await queryOrder(vpay, app, outTradeNo)).json.order.status === 'DELIVERED', 30_000);
    expect(vpay.developer.acknowledged(orderId)).toBe(1);
    const rows = await attemptRows(orderId);
    expect(rows.filter((a) => a.ok)).toHaveLength(1);
    expect(rows[rows.length - 1].ok).toBe(true);
  },
  60_000,
);

it('an error answer PostgreSQL could not store as it is (a NUL, a lone surrogate, a cut emoji) is still recorded, and retrying goes on', async () => {
  vpay.developer.mode = 'garbled';
  const { orderId, outTradeNo } = await paidOrder(vpay, app);
  // The attempt row, the order's last error and the endpoint's health are written...
  const rows = await waitFor(
    'two failed attempts recorded',
    async () => {
      const r = await attemptRows(orderId);
      return r.length >= 2 ? r : undefined;
    },
    30_000,
  );
  for (const row of rows) {
    expect(row).toMatchObject({ ok: false, http_status: 500 });
    expect(row.error.startsWith('HTTP 500: down\ufffd\ufffdxxx')).toBe(true);
    expect(row.error.isWellFormed()).toBe(true);
    // Cut before the emoji rather than through it.
    expect(row.error.endsWith('x')).toBe(true);
  }
  const order = await vpay.api.db('orders').where({ order_id: orderId }).first();
  expect(order.last_delivery_error).toBe(rows[0].error);
  const health = await vpay.api.db('delivery_endpoint_health').where({ app_id: app.appId, env: 0 }).first();
  expect(health.failing_since).not.toBeNull();
  // ...and so is the workflow's view of it.
  const status = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo)).query(getStatusQuery);
  expect(status).toMatchObject({ status: 'PAID', lastDeliveryError: rows[0].error });
  vpay.developer.mode = 'ok';
  await waitFor('DELIVERED', async () => (await queryOrder(vpay, app, outTradeNo)).json.order.status === 'DELIVERED', 30_000);
  expect(vpay.developer.acknowledged(orderId)).toBe(1);
}, 60_000);

it('never follows a redirect', () => {
  expect(redirectHits).toBe(0);
});

it('an endpoint failing every other request still gets each order exactly once', async () => {
  vpay.developer.mode = 'flaky';
  const orders = [];
  for (let i = 0; i < 8; i++) orders.push(await paidOrder(vpay, app));
  for (const o of orders) {
    await waitFor('DELIVERED', async () => (await queryOrder(vpay, app, o.outTradeNo)).json.order.status === 'DELIVERED', 30_000);
  }
  for (const o of orders) expect(vpay.developer.acknowledged(o.orderId)).toBe(1);
  vpay.developer.mode = 'ok';
}, 90_000);

it('ends reconciled: every paid order delivered exactly once', async () => {
  await expectReconciled(vpay);
});
