// `npm run demo:console`: a mini program team taken through the console (CONTRACT.md 7) in the
// seed's order of things, against a running `npm start` stack, printing each step: the super admin
// creates a team and its mp_admin; the mp_admin creates an app and asks for payment; a platform
// admin approves; the mp_admin saves the delivery configuration (which issues the app key), imports
// two items from the CSV template and asks for their release; the platform admin approves them;
// then a player buys one (signed with the key, paid in the built-in sandbox superapp), the
// developer backend receives and verifies the delivery, the order record shows it delivered, and
// the audit log tells the whole story.
//
// The core is runConsoleDemo(), which a test calls against its own stack; the CLI part at the
// bottom only runs when this file is the entry point. Secrets (tokens, the app key, the session
// key) are never printed in full: only their first 6 characters, when vpay hands them over.
import { randomBytes } from 'node:crypto';
import { DELIVERY_EVENT, orderQuerySigOf, paySigOf, userSignatureOf } from '../../lib/domain/signatures';
import { startFakeDeveloper } from '../fakes/fake-developer';
import { callVpay, DemoError, readAdminToken, type VpayReply } from './demo';

export interface ConsoleDemoOptions {
  /** vpay API base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  /** ADMIN_TOKEN: the built-in super admin of the console, and the platform's bootstrap (section 6). */
  adminToken: string;
  /** Where each printed line goes; console.log by default. */
  log?: (line: string) => void;
  /** How long to wait for the delivery notification. */
  deliveryTimeoutMs?: number;
  /** How long to poll the order for DELIVERED. */
  deliveredTimeoutMs?: number;
}

export interface ConsoleDemoResult {
  teamId: string;
  mpAdminUserId: string;
  platformAdminUserId: string;
  appId: string;
  requestId: string;
  productIds: string[];
  orderId: string;
  outTradeNo: string;
  transactionId: string;
  status: string;
  /** Where the order record came from: the console's order records (7.7), or section 5's query. */
  orderRecordSource: 'console' | 'order-query';
  /** The audit log's actions for the team, oldest first. */
  auditActions: string[];
  /** The demo's developer backend (closed once runConsoleDemo settles). */
  deliveryUrl: string;
}

/** The two rows the demo fills into the template: productId, name, price (minor units), currency. */
const ROWS = [
  { productId: 'demo_gems_100', name: '100 gems', price: 199, currencyType: 'USD', imageUrl: '' },
  {
    productId: 'demo_gems_550',
    name: '550 gems, bonus pack',
    price: 899,
    currencyType: 'USD',
    imageUrl: 'https://cdn.example.com/gems550.png',
  },
] as const;

/** The first 6 characters of a secret, for recognising it without revealing it. */
const masked = (secret: string) => `${secret.slice(0, 6)}…`;

const json = (v: unknown) => JSON.stringify(v);

/** A CSV cell: quoted when it holds a comma, a quote or a line break. */
const csvCell = (v: string | number) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

type Reply = VpayReply;

export async function runConsoleDemo(o: ConsoleDemoOptions): Promise<ConsoleDemoResult> {
  const base = o.url.replace(/\/+$/, '');
  const emit = o.log ?? ((line: string) => console.log(line));
  // Whatever a step prints, the secrets never get out in full.
  const secrets: string[] = [o.adminToken];
  const log = (line = '') => {
    let out = line;
    for (const s of secrets) if (s) out = out.split(s).join(masked(s));
    emit(out);
  };
  let stepNo = 0;
  const step = (title: string) => {
    log();
    log(`Step ${++stepNo}. ${title}`);
  };
  const detail = (line: string) => log(`   ${line}`);

  async function call(
    method: string,
    route: string,
    o2: { token?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...o2.headers };
    if (o2.token) headers.authorization = `Bearer ${o2.token}`;
    return callVpay(base, method, route, o2.body, headers);
  }
  /** A console call (`/v1/console` + route) as the holder of `token`. */
  const consoleCall = (token: string, method: string, route: string, body?: unknown) =>
    call(method, `/v1/console${route}`, { token, body: body === undefined ? undefined : json(body) });
  const expectStatus = (r: Reply, ok: number[], what: string): any => {
    if (ok.includes(r.status)) return r.json;
    const hint =
      r.status === 401 && what.includes('as the super admin')
        ? ' (wrong admin token? set ADMIN_TOKEN to the one npm start printed)'
        : r.status === 400 && what.includes('delivery-config')
          ? ' (does the stack allow delivery URLs on this machine, DELIVERY_ALLOW_PRIVATE=true as under npm start?)'
          : '';
    throw new DemoError(`${what} failed: HTTP ${r.status} ${typeof r.json === 'string' ? r.json.slice(0, 300) : json(r.json)}${hint}`);
  };

  // The stack
  step(`Check that vpay is running at ${base}`);
  const health = await call('GET', '/healthz');
  if (health.status !== 200 || health.json?.status !== 'ok') {
    throw new DemoError(
      `vpay at ${base} is not healthy: HTTP ${health.status} ${json(health.json)} (start it with npm start and wait for "vpay is running")`,
    );
  }
  detail(`GET /healthz -> ${health.status} ${json(health.json)}`);

  step("Start the team's game developer backend, which will receive the delivery notification");
  // The shared fake developer, strict as a real backend: a notification that fails PayEventSig is refused.
  const dev = await startFakeDeveloper({ rejectBadSignatures: true });
  try {
    detail(`listening at ${dev.url}`);
    detail('it verifies PayEventSig == hex(HMAC(appKey, Event + "&" + Payload)) with the app key and answers {"returnCode":0}');

    // The super admin (ADMIN_TOKEN): a team, its admin, and the platform's reviewer.
    step('The super admin creates a team, its mini program admin (mp_admin) and a platform admin');
    const su = o.adminToken;
    const stamp = new Date().toISOString();
    const team = expectStatus(
      await consoleCall(su, 'POST', '/teams', { name: `Demo team ${stamp}` }),
      [201],
      'POST /v1/console/teams as the super admin',
    );
    detail(`POST /v1/console/teams -> 201  teamId=${team.teamId}  name="${team.name}"`);
    const mpAdmin = expectStatus(
      await consoleCall(su, 'POST', '/users', { name: 'Dana (team admin)', role: 'mp_admin', teamId: team.teamId }),
      [201],
      'POST /v1/console/users (mp_admin) as the super admin',
    );
    secrets.push(mpAdmin.token);
    detail(`POST /v1/console/users -> 201  userId=${mpAdmin.userId}  role=${mpAdmin.role}  teamId=${mpAdmin.teamId}`);
    detail(`   token=${masked(mpAdmin.token)} (shown by vpay only in this answer; Dana signs in with it)`);
    const reviewer = expectStatus(
      await consoleCall(su, 'POST', '/users', { name: 'Sam (platform reviewer)', role: 'platform_admin' }),
      [201],
      'POST /v1/console/users (platform_admin) as the super admin',
    );
    secrets.push(reviewer.token);
    detail(`POST /v1/console/users -> 201  userId=${reviewer.userId}  role=${reviewer.role}  teamId=${reviewer.teamId}`);
    detail(`   token=${masked(reviewer.token)} (shown once)`);
    const dana = mpAdmin.token as string;
    const sam = reviewer.token as string;

    step('The mp_admin signs in and creates the mini game');
    const me = expectStatus(await consoleCall(dana, 'GET', '/me'), [200], 'GET /v1/console/me');
    detail(`GET /v1/console/me -> 200  ${json({ userId: me.userId, name: me.name, role: me.role, teamId: me.teamId })}`);
    const app = expectStatus(
      await consoleCall(dana, 'POST', `/teams/${team.teamId}/apps`, { name: 'Demo Quest' }),
      [201],
      `POST /v1/console/teams/${team.teamId}/apps`,
    );
    const appId: string = app.appId;
    detail(`POST /v1/console/teams/${team.teamId}/apps -> 201  appId=${appId}  name="${app.name}"  paymentEnabled=${app.paymentEnabled}`);

    // 1. Enable virtual payment (the seed's section 1)
    step('The mp_admin requests payment enablement for the game');
    const request = expectStatus(
      await consoleCall(dana, 'POST', `/apps/${appId}/payment-requests`, { message: 'Demo Quest sells gem packs; please enable payment.' }),
      [201],
      `POST /v1/console/apps/${appId}/payment-requests`,
    );
    detail(`POST /v1/console/apps/${appId}/payment-requests -> 201  requestId=${request.requestId}  status=${request.status}`);

    step('The platform admin approves the request');
    const pending = expectStatus(
      await consoleCall(sam, 'GET', '/payment-requests?status=PENDING&limit=200'),
      [200],
      'GET /v1/console/payment-requests',
    );
    const listed = (pending.requests as any[]).find((r) => r.requestId === request.requestId);
    if (!listed) throw new DemoError(`the platform admin does not see request ${request.requestId} among the pending ones`);
    detail(
      `GET /v1/console/payment-requests?status=PENDING -> 200  includes ${listed.requestId} for "${listed.appName}": "${listed.message}"`,
    );
    const approved = expectStatus(
      await consoleCall(sam, 'POST', `/payment-requests/${request.requestId}/approve`, { reason: 'merchant bound; approved' }),
      [200],
      `POST /v1/console/payment-requests/${request.requestId}/approve`,
    );
    detail(
      `POST /v1/console/payment-requests/${request.requestId}/approve -> 200  status=${approved.status}  reviewedBy=${approved.reviewedBy}`,
    );
    const enabled = expectStatus(await consoleCall(dana, 'GET', `/apps/${appId}`), [200], `GET /v1/console/apps/${appId}`);
    detail(
      `GET /v1/console/apps/${appId} -> 200  paymentEnabled=${enabled.paymentEnabled}  deliveryConfigured=${enabled.deliveryConfigured}`,
    );
    if (enabled.paymentEnabled !== true) throw new DemoError('the approval did not enable payment for the app');

    // 2.1 Delivery notification configuration (the seed's section 2)
    step('The mp_admin configures delivery notifications; the first save issues the app key');
    const deliveryUrl = dev.deliveryUrlFor(appId);
    const config = expectStatus(
      await consoleCall(dana, 'PUT', `/apps/${appId}/delivery-config`, { url: deliveryUrl, testUrl: `${deliveryUrl}?sandbox=1` }),
      [200],
      `PUT /v1/console/apps/${appId}/delivery-config`,
    );
    if (typeof config.appKey !== 'string' || !config.appKey)
      throw new DemoError('the first save of the delivery configuration answered no appKey');
    const appKey: string = config.appKey;
    secrets.push(appKey);
    dev.appKeys.set(appId, appKey);
    detail(
      `PUT /v1/console/apps/${appId}/delivery-config -> 200  url=${config.url}  testUrl=${config.testUrl}  notifyEnabled=${config.notifyEnabled}  keyVersion=${config.keyVersion}`,
    );
    detail(`   appKey=${masked(appKey)} (shown by vpay only in this answer; the game backend keeps it secret)`);
    const test = expectStatus(
      await consoleCall(dana, 'POST', `/apps/${appId}/delivery-config/test`, { env: 0 }),
      [200],
      `POST /v1/console/apps/${appId}/delivery-config/test`,
    );
    detail(
      `POST /v1/console/apps/${appId}/delivery-config/test {"env":0} -> 200  ok=${test.ok}  httpStatus=${test.httpStatus}  error=${test.error}`,
    );
    if (test.ok !== true) throw new DemoError(`the test notification was not acknowledged: ${json(test)}`);

    // 3.2 Batch import virtual items (the seed's section 3)
    step('The mp_admin downloads the CSV template, fills in two items and imports it');
    const template = await consoleCall(dana, 'GET', '/item-template?format=csv');
    expectStatus(template, [200], 'GET /v1/console/item-template?format=csv');
    const header = template.text.replace(/^\ufeff/, '').split(/\r?\n/)[0];
    detail(`GET /v1/console/item-template?format=csv -> 200  ${template.contentType}  header row: ${header}`);
    const filled =
      template.text.replace(/(\r?\n)*$/, '\r\n') +
      ROWS.map((r) => [r.productId, r.name, r.price, r.currencyType, r.imageUrl].map(csvCell).join(',')).join('\r\n') +
      '\r\n';
    for (const line of filled
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n'))
      detail(`   | ${line}`);
    const imported = expectStatus(
      await call('POST', `/v1/console/apps/${appId}/items/import`, { token: dana, body: filled, headers: { 'content-type': 'text/csv' } }),
      [200],
      `POST /v1/console/apps/${appId}/items/import`,
    );
    detail(`POST /v1/console/apps/${appId}/items/import (text/csv) -> 200  created=${imported.created}  updated=${imported.updated}`);
    const drafts = expectStatus(await consoleCall(dana, 'GET', `/apps/${appId}/items`), [200], `GET /v1/console/apps/${appId}/items`);
    for (const i of drafts.items)
      detail(`   ${i.productId}  "${i.name}"  ${i.price} ${i.currencyType}  status=${i.status}  live=${json(i.live)}`);

    // 3.3 Virtual item release
    const productIds = ROWS.map((r) => r.productId);
    step('The mp_admin requests the release of both items');
    const release = expectStatus(
      await consoleCall(dana, 'POST', `/apps/${appId}/items/release`, { productIds }),
      [200],
      `POST /v1/console/apps/${appId}/items/release`,
    );
    detail(
      `POST /v1/console/apps/${appId}/items/release -> 200  ${(release.items as any[]).map((i) => `${i.productId}=${i.status}`).join('  ')}`,
    );

    step('The platform admin reviews the release and approves both items');
    const reviews = expectStatus(await consoleCall(sam, 'GET', `/reviews?appId=${appId}`), [200], 'GET /v1/console/reviews');
    detail(`GET /v1/console/reviews?appId=${appId} -> 200  pending: ${(reviews.items as any[]).map((i) => i.productId).join(', ')}`);
    for (const productId of productIds) {
      const reviewed = expectStatus(
        await consoleCall(sam, 'POST', `/apps/${appId}/items/${productId}/review`, { decision: 'approve' }),
        [200],
        `POST /v1/console/apps/${appId}/items/${productId}/review`,
      );
      detail(
        `POST /v1/console/apps/${appId}/items/${productId}/review {"decision":"approve"} -> 200  status=${reviewed.status}  live price=${reviewed.live?.price} ${reviewed.live?.currencyType}`,
      );
      if (reviewed.status !== 'RELEASED') throw new DemoError(`${productId} is ${reviewed.status} after approval, expected RELEASED`);
    }

    // A player
    step("The platform's login service hands vpay a player's session key (section 6)");
    const openId = `demo_player_${randomBytes(4).toString('hex')}`;
    const sessionKey = randomBytes(16).toString('hex');
    secrets.push(sessionKey);
    const session = await call('PUT', `/v1/admin/apps/${appId}/sessions/${openId}`, { token: su, body: json({ sessionKey }) });
    expectStatus(session, [200, 201], `PUT /v1/admin/apps/${appId}/sessions/${openId} as the super admin`);
    detail(`PUT /v1/admin/apps/${appId}/sessions/${openId} -> ${session.status}  (the session key is not shown)`);

    // The purchase
    const item = ROWS[0];
    step(`The player buys "${item.name}": the game backend signs the order with the app key, the mini game places it`);
    const outTradeNo = `CDEMO${Date.now()}_${randomBytes(3).toString('hex')}`;
    const signData = json({
      mode: 'goods',
      buyQuantity: 1,
      env: 0,
      currencyType: item.currencyType,
      platform: 'android',
      productId: item.productId,
      goodsPrice: item.price,
      outTradeNo,
      attach: 'console demo',
    });
    const paySig = paySigOf(appKey, signData);
    const signature = userSignatureOf(sessionKey, signData);
    detail(`signData  = ${signData}`);
    detail(`paySig    = ${paySig}   hex(HMAC(appKey, "requestMidasPaymentGameItem&" + signData))`);
    detail(`signature = ${signature}   hex(HMAC(sessionKey, signData))`);
    const placed = expectStatus(
      await call('POST', '/v1/minigame/payments', { body: json({ appId, openId, signData, paySig, signature }) }),
      [200],
      'POST /v1/minigame/payments',
    );
    const orderId = String(placed.orderId);
    detail(`POST /v1/minigame/payments -> 200  orderId=${orderId}  prepayId=${placed.prepayId}  status=${placed.status}`);
    if (placed.status !== 'PREPAID') throw new DemoError(`the new order is ${placed.status}, expected PREPAID`);

    step('The player pays in the superapp (the built-in sandbox superapp)');
    const paid = await call('POST', `/sandbox/orders/${encodeURIComponent(orderId)}/pay`, { token: su, body: '{}' });
    if (paid.status === 404 && paid.json?.errCode !== 40402) {
      throw new DemoError(
        'POST /sandbox/orders/:orderId/pay is not there: this stack has SUPERAPP_BASE_URL set, so its built-in sandbox superapp is off',
      );
    }
    expectStatus(paid, [200], `POST /sandbox/orders/${orderId}/pay as the super admin`);
    const cb = paid.json.callback ?? {};
    const transactionId = String(cb.transactionId ?? '');
    detail(`POST /sandbox/orders/${orderId}/pay -> 200`);
    detail(
      `the superapp sent vpay the signed payment callback: transactionId=${cb.transactionId} paidAmount=${cb.paidAmount} ${cb.currencyType}`,
    );
    detail(`vpay answered the callback: ${json(paid.json.callbackReply)}`);
    if (paid.json.callbackReply?.returnCode !== 0)
      throw new DemoError(`vpay did not accept the payment callback: ${json(paid.json.callbackReply)}`);

    const deliveryTimeoutMs = o.deliveryTimeoutMs ?? 60_000;
    step(`The developer backend receives the delivery notification (waiting up to ${deliveryTimeoutMs / 1000} s)`);
    const delivered = await dev.waitFor(orderId, deliveryTimeoutMs).then(
      () => dev.received.find((r) => r.answeredOk && r.payload?.OrderId === orderId)!,
      () => {
        if (dev.received.some((r) => r.payload?.OrderId === orderId && !r.signatureValid)) {
          throw new DemoError('the delivery notification did not verify with the key the console issued (PayEventSig wrong)');
        }
        throw new DemoError(
          `no delivery notification reached ${deliveryUrl} within ${deliveryTimeoutMs / 1000} s (is the worker running?)`,
        );
      },
    );
    if (delivered.event !== DELIVERY_EVENT)
      throw new DemoError(`the notification has Event ${json(delivered.event)}, expected ${DELIVERY_EVENT}`);
    if (delivered.payload?.OutTradeNo !== outTradeNo)
      throw new DemoError(`the notification names OutTradeNo ${json(delivered.payload?.OutTradeNo)}`);
    detail(`received ${delivered.event}  X-Vpay-Delivery-Id=${delivered.deliveryId}  X-Vpay-Attempt=${delivered.attempt}`);
    detail(`Payload = ${delivered.rawPayload}`);
    detail('PayEventSig verified with the app key the console issued: OK; answered {"returnCode":0}');

    // ORDER RECORDS (CONTRACT.md 7.7): the console's order detail, GET /v1/console/apps/{appId}/orders/{orderId}.
    // Order records are built apart from this demo; on a stack without them (answer 404/40404, no
    // such route) the demo shows the order through section 5's order query instead, signed with
    // the app key as the game backend would. Both are polled until the order is DELIVERED.
    step('The team looks the order up in its order records');
    const deliveredTimeoutMs = o.deliveredTimeoutMs ?? 30_000;
    const deadline = Date.now() + deliveredTimeoutMs;
    const queryBody = json({ appId, outTradeNo });
    let source: 'console' | 'order-query' = 'console';
    let record: any;
    let order: any;
    for (;;) {
      if (source === 'console') {
        const r = await consoleCall(dana, 'GET', `/apps/${appId}/orders/${encodeURIComponent(orderId)}`);
        if (r.status === 404 && r.json?.errCode === 40404) {
          source = 'order-query';
          detail(
            `GET /v1/console/apps/${appId}/orders/${orderId} -> 404 (no order records on this stack): section 5's order query instead`,
          );
          continue;
        }
        record = expectStatus(r, [200], `GET /v1/console/apps/${appId}/orders/${orderId}`);
        order = record.order;
      } else {
        const q = await call('POST', '/v1/minigame/orders/query', {
          body: queryBody,
          headers: { 'pay-sig': orderQuerySigOf(appKey, queryBody) },
        });
        order = expectStatus(q, [200], 'POST /v1/minigame/orders/query').order;
      }
      if (order?.status === 'DELIVERED') break;
      if (['CLOSED', 'REFUNDED'].includes(order?.status)) throw new DemoError(`the order ended ${order.status} instead of DELIVERED`);
      if (Date.now() > deadline)
        throw new DemoError(`the order is still ${order?.status} after ${deliveredTimeoutMs / 1000} s, expected DELIVERED`);
      await new Promise((r) => setTimeout(r, 250));
    }
    if (source === 'console') {
      detail(`GET /v1/console/apps/${appId}/orders/${orderId} -> 200`);
      for (const a of record.deliveryAttempts ?? [])
        detail(`   delivery attempt ${a.attempt}: ok=${a.ok} httpStatus=${a.httpStatus} ${a.durationMs} ms`);
      if (record.workflowUrl) detail(`   workflowUrl: ${record.workflowUrl}`);
    } else {
      detail(`POST /v1/minigame/orders/query  body=${queryBody}  Pay-Sig=hex(HMAC(appKey, "/v1/minigame/orders/query&" + body)) -> 200`);
    }
    for (const line of JSON.stringify(order, null, 2).split('\n')) detail(`   ${line}`);

    step("The mp_admin reads the team's audit log");
    const entries: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = expectStatus(
        await consoleCall(dana, 'GET', `/audit-log?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
        [200],
        'GET /v1/console/audit-log',
      );
      entries.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor);
    entries.reverse(); // oldest first: the story in order
    detail(`GET /v1/console/audit-log -> 200  ${entries.length} entries, oldest first:`);
    for (const e of entries) detail(`   ${e.at}  ${e.role.padEnd(14)}  ${e.action.padEnd(20)}  ${e.summary}`);
    const leaked = secrets.filter((s) => JSON.stringify(entries).includes(s));
    if (leaked.length > 0) throw new DemoError('a token or key appears in the audit log');
    detail('no token and no key in any entry');

    log();
    log(`Done: team ${team.teamId} sold "${item.name}" in ${appId}; order ${orderId} (${outTradeNo}) is ${order.status}.`);

    return {
      teamId: team.teamId,
      mpAdminUserId: mpAdmin.userId,
      platformAdminUserId: reviewer.userId,
      appId,
      requestId: request.requestId,
      productIds,
      orderId,
      outTradeNo,
      transactionId,
      status: String(order.status),
      orderRecordSource: source,
      auditActions: entries.map((e) => String(e.action)),
      deliveryUrl,
    };
  } finally {
    await dev.close();
  }
}

async function main(): Promise<number> {
  const url = process.env.VPAY_URL || 'http://127.0.0.1:3000';
  try {
    const { token, source } = readAdminToken();
    console.log(`vpay console demo: a team from sign-up to its first delivered order, at ${url} (admin token from ${source})`);
    await runConsoleDemo({ url, adminToken: token });
    return 0;
  } catch (err) {
    console.error('');
    console.error(
      `console demo failed: ${err instanceof DemoError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }
}

if (require.main === module) {
  // Exit explicitly: idle keep-alive sockets of fetch would otherwise hold the process a while.
  void main().then((code) => process.exit(code));
}
