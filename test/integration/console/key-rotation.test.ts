// CONTRACT.md 7.4 on the real stack: POST .../keys issues a new key; paySig and Pay-Sig (timed or
// not) made with the previous key are accepted for KEY_ROTATION_OVERLAP_MS and refused after it;
// every notification from the rotation on is signed with the new key; no key is ever shown again.
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { consoleApp, expectOk, payableConsoleApp } from '../../support/console-delivery';
import { admin, call, paidOrder, pay, paymentBody, queryOrder, signData, type TestApp } from '../../support/minigame';
import { startVpay, type Vpay } from '../../support/vpay';
import { waitFor } from '../../support/wait-for';
import { timedOrderQuerySigOf } from '../../../lib/domain/signatures';

/** Long enough for a few requests on a busy machine, short enough to wait out. */
const OVERLAP_MS = 5000;

let vpay: Vpay;
let world: ConsoleWorld;
const logLines: string[] = [];
/** Every key issued in this file. */
const keys: string[] = [];

beforeAll(async () => {
  vpay = await startVpay({ KEY_ROTATION_OVERLAP_MS: String(OVERLAP_MS) }, { logLines });
  world = await consoleWorld(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});
beforeEach(() => {
  vpay.developer.mode = 'ok';
});

const rotate = async (appId: string, role: keyof ConsoleWorld['tokens'] = 'mp_senior_developer') => {
  const r = await consoleCall(vpay, world.tokens[role], 'POST', `/apps/${appId}/keys`);
  expect(r.status).toBe(201);
  keys.push(r.json.appKey);
  return r.json as { errCode: number; appKey: string; keyVersion: number; previousKeyValidUntil: string | null };
};

/** A payment request signed (paySig) with `appKey`. */
const payWith = (app: TestApp, appKey: string) => call(vpay, 'POST', '/v1/minigame/payments', paymentBody(app, signData(app), { appKey }));

/** The order query with X-Vpay-Timestamp, Pay-Sig made with `appKey`. */
function timedQuery(app: TestApp, outTradeNo: string, appKey: string) {
  const raw = JSON.stringify({ appId: app.appId, outTradeNo });
  const ts = String(Math.floor(Date.now() / 1000));
  return call(vpay, 'POST', '/v1/minigame/orders/query', raw, { 'x-vpay-timestamp': ts, 'pay-sig': timedOrderQuerySigOf(appKey, ts, raw) });
}

/** Status codes of the three signed calls (payment, query, timed query) made with `appKey`. */
async function statusesWith(app: TestApp, outTradeNo: string, appKey: string): Promise<number[]> {
  const payment = await payWith(app, appKey);
  const query = await queryOrder(vpay, app, outTradeNo, appKey);
  const timed = await timedQuery(app, outTradeNo, appKey);
  for (const r of [payment, query, timed]) if (r.status === 401) expect(r.json.errCode).toBe(40101);
  return [payment.status, query.status, timed.status];
}

it('the previous key verifies paySig and Pay-Sig for KEY_ROTATION_OVERLAP_MS after a rotation, then not', async () => {
  const app = await payableConsoleApp(vpay, world);
  const v1 = app.appKey;
  keys.push(v1);
  const { outTradeNo } = await paidOrder(vpay, app);

  const before = Date.now();
  const rotated = await rotate(app.appId);
  const after = Date.now();
  expect(rotated).toEqual({
    errCode: 0,
    appKey: expect.stringMatching(/^[0-9a-f]{64}$/),
    keyVersion: 2,
    previousKeyValidUntil: expect.any(String),
  });
  expect(rotated.appKey).not.toBe(v1);
  const validUntil = Date.parse(rotated.previousKeyValidUntil!);
  expect(validUntil).toBeGreaterThanOrEqual(before + OVERLAP_MS - 1000);
  expect(validUntil).toBeLessThanOrEqual(after + OVERLAP_MS + 1000);

  // Within the overlap: the old key and the new one both verify, each of the three signatures.
  expect(await statusesWith(app, outTradeNo, v1)).toEqual([200, 200, 200]);
  expect(Date.now()).toBeLessThan(validUntil);
  expect(await statusesWith(app, outTradeNo, rotated.appKey)).toEqual([200, 200, 200]);
  expect((await payWith(app, 'a-key-it-never-had')).status).toBe(401);

  // After it: the old key is refused everywhere, and not before its time.
  await waitFor(
    'the previous key to expire',
    async () => (await queryOrder(vpay, app, outTradeNo, v1)).status === 401,
    OVERLAP_MS + 15_000,
    100,
  );
  expect(Date.now()).toBeGreaterThanOrEqual(validUntil - 1000);
  expect(await statusesWith(app, outTradeNo, v1)).toEqual([401, 401, 401]);
  expect(await statusesWith(app, outTradeNo, rotated.appKey)).toEqual([200, 200, 200]);

  const config = await consoleCall(vpay, world.tokens.mp_operator, 'GET', `/apps/${app.appId}/delivery-config`);
  expect(config.json).toMatchObject({ keyVersion: 2, keyIssuedAt: expect.any(String) });
  expect(config.json).not.toHaveProperty('appKey');
});

it('every notification from the rotation on is signed with the new key, also for an order paid before it', async () => {
  const app = await payableConsoleApp(vpay, world);
  keys.push(app.appKey);
  const received = (orderId: string) => vpay.developer.received.filter((d) => d.payload.OrderId === orderId);

  // An order paid before the rotation whose endpoint fails: its attempts are signed with key 1.
  vpay.developer.mode = 'http500';
  const early = await paidOrder(vpay, app);
  await waitFor('a failed attempt', () => received(early.orderId).length >= 1);
  expect(received(early.orderId).every((d) => d.signatureValid)).toBe(true);

  const rotated = await rotate(app.appId);
  // From now on the developer checks with the new key only.
  vpay.developer.appKeys.set(app.appId, rotated.appKey);
  const checkedWithNewKey = received(early.orderId).length;
  // Wait for an attempt made after the rotation (one already under way may still carry key 1).
  await waitFor(
    'an attempt signed with the new key',
    () =>
      received(early.orderId)
        .slice(checkedWithNewKey)
        .some((d) => d.signatureValid),
    20_000,
  );
  const firstNew =
    checkedWithNewKey +
    received(early.orderId)
      .slice(checkedWithNewKey)
      .findIndex((d) => d.signatureValid);
  vpay.developer.mode = 'ok';
  await vpay.developer.waitFor(early.orderId, 20_000);
  const afterRotation = received(early.orderId).slice(firstNew);
  expect(afterRotation.every((d) => d.signatureValid)).toBe(true);
  const last = afterRotation.at(-1)!;
  expect(last.answeredOk).toBe(true);

  // An order placed and paid after the rotation: delivered with the new key too.
  const late = await payWith(app, rotated.appKey);
  expect(late.status).toBe(200);
  expect((await pay(vpay, late.json.orderId, app.price)).status).toBe(200);
  await vpay.developer.waitFor(late.json.orderId, 20_000);
  expect(received(late.json.orderId).every((d) => d.signatureValid)).toBe(true);
});

it('rotating twice ends the older key at once: at most one previous key verifies', async () => {
  const app = await payableConsoleApp(vpay, world);
  keys.push(app.appKey);
  const { outTradeNo } = await paidOrder(vpay, app);
  const v2 = await rotate(app.appId);
  const v3 = await rotate(app.appId, 'mp_admin');
  expect([v2.keyVersion, v3.keyVersion]).toEqual([2, 3]);
  expect((await queryOrder(vpay, app, outTradeNo, app.appKey)).status).toBe(401);
  expect((await queryOrder(vpay, app, outTradeNo, v2.appKey)).status).toBe(200);
  expect((await queryOrder(vpay, app, outTradeNo, v3.appKey)).status).toBe(200);
  const rows = await vpay.api.db('app_keys').where({ app_id: app.appId }).orderBy('version');
  expect(rows.map((r) => r.version)).toEqual([1, 2, 3]);
  expect(rows[2].valid_until).toBeNull();
  expect((await vpay.api.db('apps').where({ app_id: app.appId }).first()).app_key).toBe(v3.appKey);
});

it('an app without a key gets its first (version 1, no previous key); its first save then issues none', async () => {
  const appId = await consoleApp(vpay, world);
  const first = await rotate(appId, 'mp_admin');
  expect(first).toEqual({ errCode: 0, appKey: expect.any(String), keyVersion: 1, previousKeyValidUntil: null });
  const saved = await consoleCall(vpay, world.tokens.mp_admin, 'PUT', `/apps/${appId}/delivery-config`, { url: 'https://dev.example/d' });
  expect(saved.json).toMatchObject({ keyVersion: 1 });
  expect(saved.json).not.toHaveProperty('appKey');
});

it('an app made with section 6 rotates from its key version 1', async () => {
  const made = expectOk(
    await admin(vpay, 'POST', '/v1/admin/apps', { name: 'bootstrap', deliveryUrl: 'https://dev.example/d', teamId: world.teamId }),
    'app',
  );
  keys.push(made.appKey);
  const rotated = await rotate(made.appId);
  expect(rotated).toMatchObject({ keyVersion: 2, previousKeyValidUntil: expect.any(String) });
});

it("only delivery.configure rotates; another team's app does not exist", async () => {
  for (const role of ['super_admin', 'platform_admin', 'mp_developer', 'mp_operator'] as const) {
    const r = await consoleCall(vpay, world.tokens[role], 'POST', `/apps/${world.appId}/keys`);
    expect({ role, status: r.status, errCode: r.json.errCode }).toEqual({ role, status: 403, errCode: 40302 });
  }
  const r = await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${world.otherAppId}/keys`);
  expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 404, errCode: 40403 });
});

it('no key is in an audit entry or a log line; each rotation is audited', async () => {
  expect(keys.length).toBeGreaterThan(8);
  const audit = await vpay.api.db('audit_log').select();
  const everything = JSON.stringify(audit) + logLines.join('\n');
  for (const key of keys) expect(everything).not.toContain(key);
  const rotations = audit.filter((e) => e.action === 'delivery.key');
  expect(rotations.length).toBeGreaterThanOrEqual(6);
  expect(rotations.map((e) => e.summary)).toContainEqual(
    expect.stringMatching(/^key version 2 issued; version 1 still verifies until \d{4}-/),
  );
});
