// `npm run demo:console` (tools/demo/console-demo.ts) against a real stack with the built-in
// sandbox superapp: the demo takes a team from its creation to its first delivered order through
// the console, printing every step; each step's outcome is checked here in what the demo printed
// and in the database, and no secret is printed in full.
import { Client as PgClient } from 'pg';
import { runConsoleDemo, type ConsoleDemoResult } from '../../tools/demo/console-demo';
import { DemoError } from '../../tools/demo/demo';
import { freePort } from '../../tools/dev/free-port';
import { startVpay, type Vpay } from '../support/vpay';
import { consoleCall } from '../support/console';

let vpay: Vpay;
let pg: PgClient;

beforeAll(async () => {
  vpay = await startVpay({}, { sandbox: true });
  pg = new PgClient({ connectionString: vpay.databaseUrl });
  await pg.connect();
});
afterAll(async () => {
  await pg?.end();
  await vpay?.stop();
});

const rows = async (sql: string, params: unknown[]) => (await pg.query(sql, params)).rows;

describe('npm run demo:console', () => {
  let lines: string[];
  let text: string;
  let result: ConsoleDemoResult;

  beforeAll(async () => {
    lines = [];
    result = await runConsoleDemo({ url: vpay.url, adminToken: vpay.adminToken, log: (l) => lines.push(l) });
    text = lines.join('\n');
  });

  it('prints every step, in the seed’s order', () => {
    const titles = lines.filter((l) => /^Step \d+\. /.test(l));
    expect(titles.map((l) => Number(/^Step (\d+)\./.exec(l)![1]))).toEqual(titles.map((_l, i) => i + 1));
    const order = [
      /creates a team, its mini program admin/,
      /creates the mini game/,
      /requests payment enablement/,
      /platform admin approves/,
      /configures delivery notifications/,
      /CSV template, fills in two items and imports/,
      /requests the release/,
      /approves both items/,
      /session key/,
      /player buys/,
      /pays in the superapp/,
      /receives the delivery notification/,
      /order records/,
      /audit log/,
    ];
    let at = -1;
    for (const re of order) {
      const i = titles.findIndex((t) => re.test(t));
      expect({ step: re.source, after: at < i }).toEqual({ step: re.source, after: true });
      at = i;
    }
    expect(lines[lines.length - 1]).toBe(
      `Done: team ${result.teamId} sold "100 gems" in ${result.appId}; order ${result.orderId} (${result.outTradeNo}) is DELIVERED.`,
    );
  });

  it('the super admin made the team, its mp_admin and a platform admin', async () => {
    const [team] = await rows('select name from teams where team_id = $1', [result.teamId]);
    expect(team.name).toMatch(/^Demo team /);
    const users = await rows('select user_id, role, team_id, created_by, revoked_at from console_users where user_id = any($1)', [
      [result.mpAdminUserId, result.platformAdminUserId],
    ]);
    expect(users).toEqual(
      expect.arrayContaining([
        { user_id: result.mpAdminUserId, role: 'mp_admin', team_id: result.teamId, created_by: 'super_admin', revoked_at: null },
        { user_id: result.platformAdminUserId, role: 'platform_admin', team_id: null, created_by: 'super_admin', revoked_at: null },
      ]),
    );
    expect(text).toContain(`userId=${result.mpAdminUserId}  role=mp_admin  teamId=${result.teamId}`);
  });

  it('the app is the team’s, with payment enabled by the approved request', async () => {
    const [app] = await rows(
      'select team_id, payment_enabled, delivery_url, delivery_test_url, notify_enabled from apps where app_id = $1',
      [result.appId],
    );
    expect(app).toEqual({
      team_id: result.teamId,
      payment_enabled: true,
      delivery_url: result.deliveryUrl,
      delivery_test_url: `${result.deliveryUrl}?sandbox=1`,
      notify_enabled: true,
    });
    const [request] = await rows('select app_id, status, requested_by, reviewed_by from payment_requests where request_id = $1', [
      result.requestId,
    ]);
    expect(request).toEqual({
      app_id: result.appId,
      status: 'APPROVED',
      requested_by: result.mpAdminUserId,
      reviewed_by: result.platformAdminUserId,
    });
    expect(text).toContain(`requestId=${result.requestId}  status=PENDING`);
    expect(text).toContain('status=APPROVED');
    expect(text).toContain('paymentEnabled=true');
  });

  it('the first save issued key version 1, shown once and only masked; the test push was acknowledged', async () => {
    const keys = await rows('select version, key from app_keys where app_id = $1', [result.appId]);
    expect(keys).toHaveLength(1);
    expect(keys[0].version).toBe(1);
    const [{ app_key: appKey }] = await rows('select app_key from apps where app_id = $1', [result.appId]);
    expect(keys[0].key).toBe(appKey);
    expect(text).toContain(`keyVersion=1`);
    expect(text).toContain(`appKey=${appKey.slice(0, 6)}…`);
    expect(text.split(`${appKey.slice(0, 6)}…`)).toHaveLength(2);
    expect(text).toMatch(/delivery-config\/test \{"env":0\} -> 200 {2}ok=true {2}httpStatus=200/);
  });

  it('the two items came from the filled-in CSV template and are live after the platform’s approval', async () => {
    const items = await rows(
      'select product_id, name, price, currency_type, image_url, status, live_name, live_price from items where app_id = $1 order by product_id',
      [result.appId],
    );
    expect(items).toEqual([
      {
        product_id: 'demo_gems_100',
        name: '100 gems',
        price: 199,
        currency_type: 'USD',
        image_url: null,
        status: 'RELEASED',
        live_name: '100 gems',
        live_price: 199,
      },
      {
        product_id: 'demo_gems_550',
        name: '550 gems, bonus pack',
        price: 899,
        currency_type: 'USD',
        image_url: 'https://cdn.example.com/gems550.png',
        status: 'RELEASED',
        live_name: '550 gems, bonus pack',
        live_price: 899,
      },
    ]);
    expect(text).toContain('header row: productId,name,price,currencyType,imageUrl');
    expect(text).toContain('   | demo_gems_550,"550 gems, bonus pack",899,USD,https://cdn.example.com/gems550.png');
    expect(text).toContain('created=2  updated=0');
    expect(text).toContain('demo_gems_100=PENDING_REVIEW  demo_gems_550=PENDING_REVIEW');
    expect(text).toMatch(/pending: (demo_gems_100, demo_gems_550|demo_gems_550, demo_gems_100)\n/);
    expect(text.match(/\{"decision":"approve"\} -> 200 {2}status=RELEASED/g)).toHaveLength(2);
  });

  it('the purchase was paid, delivered once to the demo’s developer backend and is DELIVERED', async () => {
    expect(result.status).toBe('DELIVERED');
    const [order] = await rows(
      'select app_id, out_trade_no, product_id, total_amount, currency_type, status, transaction_id, delivery_attempts from orders where order_id = $1',
      [result.orderId],
    );
    expect(order).toEqual({
      app_id: result.appId,
      out_trade_no: result.outTradeNo,
      product_id: 'demo_gems_100',
      total_amount: 199,
      currency_type: 'USD',
      status: 'DELIVERED',
      transaction_id: result.transactionId,
      delivery_attempts: 1,
    });
    const attempts = await rows('select url, ok from delivery_attempts where order_id = $1', [result.orderId]);
    expect(attempts).toEqual([{ url: result.deliveryUrl, ok: true }]);
    // Delivered to the demo's own developer backend, not the harness's fake one.
    expect(vpay.developer.received).toHaveLength(0);
    expect(text).toContain(`orderId=${result.orderId}`);
    expect(text).toContain('status=PREPAID');
    expect(text).toContain('PayEventSig verified with the app key the console issued');
    expect(text).toContain('"status": "DELIVERED"');
    // Its developer backend is closed once it is done.
    await expect(fetch(result.deliveryUrl, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('shows the order record (the console’s, or section 5’s query where order records are not there)', async () => {
    // Order records (CONTRACT.md 7.7) are built apart: this answers which one the stack has.
    const probe = await consoleCall(vpay, vpay.adminToken, 'GET', `/apps/${result.appId}/orders/${result.orderId}`);
    const expected = probe.status === 404 && probe.json.errCode === 40404 ? 'order-query' : 'console';
    expect(result.orderRecordSource).toBe(expected);
    if (expected === 'console') {
      expect(text).toContain(`GET /v1/console/apps/${result.appId}/orders/${result.orderId} -> 200`);
      expect(text).toMatch(/delivery attempt 1: ok=true httpStatus=200/);
    } else {
      expect(text).toContain('no order records on this stack');
      expect(text).toContain(`POST /v1/minigame/orders/query  body={"appId":"${result.appId}","outTradeNo":"${result.outTradeNo}"}`);
    }
    expect(text).toContain(`"transactionId": "${result.transactionId}"`);
  });

  it('the audit log it printed is the team’s, in order, and names no secret', async () => {
    expect(result.auditActions).toEqual([
      'team.create',
      'user.create',
      'app.create',
      'payment.request',
      'payment.approve',
      'delivery.configure',
      'delivery.test',
      'item.import',
      'item.release',
      'item.review.approve',
      'item.review.approve',
    ]);
    const logged = await rows('select action, user_id, summary from audit_log where team_id = $1 order by id', [result.teamId]);
    expect(logged.map((r) => r.action)).toEqual(result.auditActions);
    expect(logged.find((r) => r.action === 'payment.approve').user_id).toBe(result.platformAdminUserId);
    expect(logged.find((r) => r.action === 'item.import').user_id).toBe(result.mpAdminUserId);
    for (const r of logged) expect(text).toContain(r.summary);
    expect(text).toContain('no token and no key in any entry');
  });

  it('never prints a secret in full: tokens, the app key, the session key, the admin token', async () => {
    const [{ app_key: appKey }] = await rows('select app_key from apps where app_id = $1', [result.appId]);
    const sessions = await rows('select session_key from user_sessions where app_id = $1', [result.appId]);
    expect(sessions).toHaveLength(1);
    expect(text).not.toContain(appKey);
    expect(text).not.toContain(sessions[0].session_key);
    expect(text).not.toContain(vpay.adminToken);
    // Console tokens are vpc_ + 43 characters; only their first 6 characters may be printed.
    const printed = text.match(/vpc_[A-Za-z0-9_-]+/g) ?? [];
    expect(printed.length).toBeGreaterThanOrEqual(2);
    for (const t of printed) expect(t.length).toBeLessThanOrEqual(6);
  });
});

it('fails clearly with a wrong admin token, without printing it', async () => {
  const lines: string[] = [];
  const wrong = 'not-the-admin-token-0123456789';
  const run = runConsoleDemo({ url: vpay.url, adminToken: wrong, log: (l) => lines.push(l) });
  await expect(run).rejects.toThrow(DemoError);
  await expect(run).rejects.toThrow(/POST \/v1\/console\/teams as the super admin failed: HTTP 401.*admin token/);
  expect(lines.join('\n')).not.toContain(wrong);
});

it('says to start the stack when nothing listens at the URL', async () => {
  const run = runConsoleDemo({ url: `http://127.0.0.1:${await freePort()}`, adminToken: vpay.adminToken, log: () => undefined });
  await expect(run).rejects.toThrow(DemoError);
  await expect(run).rejects.toThrow(/not reachable.*npm start/);
});
