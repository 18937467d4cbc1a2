// `npm run demo` (tools/demo/demo.ts) against a real stack with the built-in sandbox superapp: the
// demo walks one purchase to DELIVERED, prints it step by step, never prints a secret in full,
// and fails with a clear message when the stack is not there or the admin token is wrong.
import { Client as PgClient } from 'pg';
import { DemoError, runDemo, type DemoResult } from '../../tools/demo/demo';
import { freePort } from '../../tools/dev/free-port';
import { orderQuerySigOf, superappSignatureOf } from '../../lib/domain/signatures';
import { startVpay, type Vpay } from '../support/vpay';
import { call } from '../support/minigame';

let vpay: Vpay;

beforeAll(async () => {
  vpay = await startVpay({}, { sandbox: true });
});
afterAll(async () => {
  await vpay?.stop();
});

async function secretsOf(appId: string): Promise<{ appKey: string; sessionKeys: string[] }> {
  const pg = new PgClient({ connectionString: vpay.databaseUrl });
  await pg.connect();
  try {
    const app = await pg.query('select app_key from apps where app_id = $1', [appId]);
    const sessions = await pg.query('select session_key from user_sessions where app_id = $1', [appId]);
    return { appKey: app.rows[0].app_key, sessionKeys: sessions.rows.map((r) => r.session_key) };
  } finally {
    await pg.end();
  }
}

describe('npm run demo', () => {
  it('walks one purchase to DELIVERED, printing every step but no secret', async () => {
    const lines: string[] = [];
    const result: DemoResult = await runDemo({ url: vpay.url, adminToken: vpay.adminToken, log: (l) => lines.push(l) });

    expect(result.status).toBe('DELIVERED');
    expect(result.workflowId).toBe(`purchase:${result.appId}:${result.outTradeNo}`);

    // The order really is DELIVERED, as vpay itself tells the app's backend.
    const { appKey, sessionKeys } = await secretsOf(result.appId);
    expect(appKey).toMatch(/^[0-9a-f]{16,}$/);
    expect(sessionKeys).toHaveLength(1);
    const raw = JSON.stringify({ appId: result.appId, outTradeNo: result.outTradeNo });
    const q = await call(vpay, 'POST', '/v1/minigame/orders/query', raw, { 'pay-sig': orderQuerySigOf(appKey, raw) });
    expect(q.status).toBe(200);
    expect(q.json.order).toMatchObject({
      orderId: result.orderId,
      appId: result.appId,
      outTradeNo: result.outTradeNo,
      status: 'DELIVERED',
      transactionId: result.transactionId,
      deliveryAttempts: 1,
    });
    expect(q.json.order.deliveredAt).toBeTruthy();
    // Delivered to the demo's own developer backend, not the harness's fake one.
    expect(vpay.developer.received).toHaveLength(0);

    // Every step printed, with the key facts.
    const text = lines.join('\n');
    for (let n = 1; n <= 10; n++) expect(lines.some((l) => l.startsWith(`Step ${n}. `))).toBe(true);
    expect(text).toContain(`orderId=${result.orderId}`);
    expect(text).toContain('status=PREPAID');
    expect(text).toContain('"returnCode":0');
    expect(text).toContain('PayEventSig verified');
    expect(text).toContain('"status": "DELIVERED"');
    expect(text).toContain(`workflow id:     purchase:${result.appId}:${result.outTradeNo}`);
    expect(text).toContain(`http://127.0.0.1:8233/namespaces/default/workflows?query=VpayOutTradeNo%3D%22${result.outTradeNo}%22`);
    // The two refunds: the game backend's partial one (8.2) and the player's (8.1), each notified.
    expect(result.refunds).toEqual([
      { refundId: expect.stringMatching(/^rfd_/), source: 'game', refundAmount: 49, status: 'SUCCEEDED' },
      { refundId: expect.any(String), source: 'superapp', refundAmount: 99, status: 'SUCCEEDED' },
    ]);
    expect(result.refundedAmount).toBe(148);
    const after = await call(vpay, 'POST', '/v1/minigame/orders/query', raw, { 'pay-sig': orderQuerySigOf(appKey, raw) });
    expect(after.json.order).toMatchObject({ status: 'DELIVERED', refundedAmount: 148 });
    for (const r of result.refunds)
      expect(text).toMatch(new RegExp(`minigame_game_pay_refund_notify  X-Vpay-Delivery-Id=rfn_${r.refundId}`));
    expect(text).toContain(`"RefundId":"${result.refunds[0].refundId}"`);
    expect(text).toContain('refundedAmount=148');
    // No secret in full: only the app key's first 6 characters, once.
    expect(text).not.toContain(appKey);
    for (const k of sessionKeys) expect(text).not.toContain(k);
    expect(text).not.toContain(vpay.adminToken);
    expect(text).toContain(`appKey=${appKey.slice(0, 6)}…`);

    // Its developer backend is closed once it is done.
    await expect(fetch(result.deliveryUrl, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('says to start the stack when nothing listens at the URL', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const lines: string[] = [];
    const run = runDemo({ url, adminToken: vpay.adminToken, log: (l) => lines.push(l) });
    await expect(run).rejects.toThrow(DemoError);
    await expect(run).rejects.toThrow(/not reachable.*npm start/);
  });

  it('fails clearly with a wrong admin token, without printing it', async () => {
    const lines: string[] = [];
    const wrong = 'not-the-admin-token-0123456789';
    await expect(runDemo({ url: vpay.url, adminToken: wrong, log: (l) => lines.push(l) })).rejects.toThrow(
      /POST \/v1\/admin\/apps failed: HTTP 401.*admin token/,
    );
    expect(lines.join('\n')).not.toContain(wrong);
  });
});

describe('the sandbox superapp', () => {
  // A regression: a correctly signed body of `null` (or any non-object) once answered 500.
  it.each(['null', '[]', '"x"', '{}', '{"orderId":1}'])('answers a signed prepay body %s with 400 / 40001, never a 500', async (raw) => {
    const ts = String(Math.floor(Date.now() / 1000));
    const r = await call(vpay, 'POST', '/sandbox/minigame/prepay-orders', raw, {
      'x-vpay-timestamp': ts,
      'x-vpay-signature': superappSignatureOf(vpay.config.superappSecret, ts, raw),
    });
    expect(r).toEqual({ status: 400, json: { returnCode: 40001, returnMessage: expect.any(String) } });
  });
});
