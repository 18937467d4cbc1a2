// The recovery wake-up (activities/delivery-recovery.ts) on the real stack: orders whose delivery failed
// wait out a 10-minute backoff, yet the first delivery that gets through once the endpoint is
// back wakes them, and each is delivered exactly once within seconds.
import { startVpay, type Vpay } from '../support/vpay';
import { paidOrder, queryOrder, setupApp, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { expectReconciled } from '../support/reconciled';
import { claimEndpointRecovery, markEndpointFailing } from '../../lib/db/repos/delivery-health';

let vpay: Vpay;
let app: TestApp;
const logLines: string[] = [];

beforeAll(async () => {
  vpay = await startVpay({ DELIVERY_RETRY_INITIAL_MS: '600000', DELIVERY_RETRY_MAX_MS: '3600000' }, { logLines });
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});

const attempts = (orderId: string) => vpay.api.db('delivery_attempts').where({ order_id: orderId }).orderBy('attempt');
const health = () => vpay.api.db('delivery_endpoint_health').where({ app_id: app.appId, env: 0 }).first();
const status = async (outTradeNo: string) => (await queryOrder(vpay, app, outTradeNo)).json.order.status;

it('wakes the orders waiting out their backoff as soon as one delivery gets through', async () => {
  vpay.developer.mode = 'http500';
  const waiting = [await paidOrder(vpay, app), await paidOrder(vpay, app), await paidOrder(vpay, app)];
  for (const o of waiting) {
    await waitFor('a failed attempt', async () => (await attempts(o.orderId)).some((a) => !a.ok));
  }
  expect((await health())?.failing_since).not.toBeNull();

  vpay.developer.mode = 'ok';
  const fresh = await paidOrder(vpay, app); // delivered on its first attempt, which ends the outage
  for (const o of [fresh, ...waiting]) {
    // Far sooner than the 10 minutes their backoff timers still have to run.
    await waitFor(`${o.outTradeNo} DELIVERED`, async () => (await status(o.outTradeNo)) === 'DELIVERED', 30_000);
    expect(vpay.developer.acknowledged(o.orderId)).toBe(1);
  }
  for (const o of waiting) {
    expect((await attempts(o.orderId)).map((a) => a.ok)).toEqual([false, true]);
  }
  const h = await health();
  expect(h.failing_since).toBeNull();
  expect(h.last_wake_at).not.toBeNull();
  const wakeLine = logLines.map((l) => JSON.parse(l)).find((l) => l.msg?.includes('woke the waiting orders'));
  expect(wakeLine).toMatchObject({ appId: app.appId, env: 0, woken: 3, failed: 0 });
}, 90_000);

it('claims each outage once, and wakes a flapping endpoint at most once per gap', async () => {
  const e = { appId: `flap_${Date.now()}`, env: 1 as const };
  expect(await claimEndpointRecovery(vpay.api.db, e, 0)).toBe(false); // never failed
  await markEndpointFailing(vpay.api.db, e);
  await markEndpointFailing(vpay.api.db, e);
  const claims = await Promise.all(Array.from({ length: 10 }, () => claimEndpointRecovery(vpay.api.db, e, 30_000)));
  expect(claims.filter(Boolean)).toHaveLength(1);
  await markEndpointFailing(vpay.api.db, e);
  expect(await claimEndpointRecovery(vpay.api.db, e, 30_000)).toBe(false); // woken just now
  expect(await claimEndpointRecovery(vpay.api.db, e, 0)).toBe(true);
});

it('ends reconciled: every paid order delivered exactly once', async () => {
  await expectReconciled(vpay);
});
