// `npm run demo`: one whole purchase through a running `npm start` stack, step by step, as a mini
// game and its developer backend would do it: create an app, register and release an item, hand
// vpay a user's session key, sign and place the order, pay it in the built-in sandbox superapp,
// receive and verify the delivery notification at a tiny local developer backend, query the
// order until it is DELIVERED, point at the purchase's workflow in the Temporal Web UI; then two
// refunds (CONTRACT.md 8): a partial one the game backend asks vpay for (8.2), and a player's one
// played through the sandbox superapp (8.1), each with the notice the developer backend receives.
//
// The core is runDemo(), which a test calls against its own stack; the CLI part at the bottom
// only runs when this file is the entry point. Secrets (app key, session key, admin token) are
// never printed: the app key only as its first 6 characters, when the admin API hands it over.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DELIVERY_EVENT, orderQuerySigOf, pathSigOf, paySigOf, REFUND_EVENT, userSignatureOf } from '../../lib/domain/signatures';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { startFakeDeveloper } from '../fakes/fake-developer';

export interface DemoOptions {
  /** vpay API base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  /** Bearer token of the platform admin (admin API and the sandbox's pay route). */
  adminToken: string;
  /** Where each printed line goes; console.log by default. */
  log?: (line: string) => void;
  /** Temporal Web UI base URL for the link at the end. */
  temporalUiUrl?: string;
  /** Temporal namespace for that link. */
  temporalNamespace?: string;
  /** How long to wait for the delivery notification. */
  deliveryTimeoutMs?: number;
  /** How long to poll the order query for DELIVERED. */
  deliveredTimeoutMs?: number;
}

export interface DemoResult {
  appId: string;
  orderId: string;
  outTradeNo: string;
  status: string;
  transactionId: string;
  workflowId: string;
  temporalUiLink: string;
  /** The demo's developer backend (closed once runDemo settles). */
  deliveryUrl: string;
  /** The two refunds (8.2 by the game backend, 8.1 by the player in the sandbox superapp), as vpay shows them. */
  refunds: Array<{ refundId: string; source: string; refundAmount: number; status: string }>;
  /** The order's refundedAmount at the end. */
  refundedAmount: number;
}

/** A failure the demo explains in one sentence (no stack trace needed). */
export class DemoError extends Error {}

/** An answer from vpay: the parsed JSON, or the text when it is not JSON (a file). */
export interface VpayReply {
  status: number;
  json: any;
  text: string;
  contentType: string;
}

/**
 * One HTTP call to vpay, as both demos make it: a JSON content type when there is a body, 30 s at
 * most, and "is the stack running?" when vpay cannot be reached.
 */
export async function callVpay(
  base: string,
  method: string,
  route: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<VpayReply> {
  let res: Response;
  try {
    res = await fetch(`${base}${route}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new DemoError(`vpay is not reachable at ${base} (${why}): is the stack running? Start it with npm start`);
  }
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (a file): keep the text
  }
  return { status: res.status, json: parsed, text, contentType: res.headers.get('content-type') ?? '' };
}

const PRODUCT = { productId: 'demo_gem_pack_100', name: '100 gems', price: 199, currencyType: 'USD' } as const;

/** The first 6 characters of a secret, for recognising it without revealing it. */
const masked = (secret: string) => `${secret.slice(0, 6)}…`;

const json = (v: unknown) => JSON.stringify(v);

interface Reply {
  status: number;
  json: any;
}

export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const base = o.url.replace(/\/+$/, '');
  const uiBase = (o.temporalUiUrl ?? 'http://127.0.0.1:8233').replace(/\/+$/, '');
  const namespace = o.temporalNamespace ?? 'default';
  const emit = o.log ?? ((line: string) => console.log(line));
  // Belt and braces: whatever a step prints, the secrets never get out in full.
  const secrets: string[] = [o.adminToken];
  const log = (line = '') => {
    let out = line;
    for (const s of secrets) if (s) out = out.split(s).join(masked(s));
    emit(out);
  };
  const step = (n: number, title: string) => {
    log();
    log(`Step ${n}. ${title}`);
  };
  const detail = (line: string) => log(`   ${line}`);

  const call = (method: string, route: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> =>
    callVpay(base, method, route, body, headers);
  const admin = (method: string, route: string, body: unknown) =>
    call(method, route, json(body), { authorization: `Bearer ${o.adminToken}` });
  const expectStatus = (r: Reply, ok: number[], what: string) => {
    if (ok.includes(r.status)) return;
    const hint = r.status === 401 && /admin|sandbox/.test(what) ? ' (wrong admin token? set ADMIN_TOKEN to the one npm start printed)' : '';
    throw new DemoError(`${what} failed: HTTP ${r.status} ${typeof r.json === 'string' ? r.json.slice(0, 300) : json(r.json)}${hint}`);
  };

  // 1. The stack
  step(1, `Check that vpay is running at ${base}`);
  const health = await call('GET', '/healthz');
  if (health.status !== 200 || health.json?.status !== 'ok') {
    throw new DemoError(
      `vpay at ${base} is not healthy: HTTP ${health.status} ${json(health.json)} (start it with npm start and wait for "vpay is running")`,
    );
  }
  detail(`GET /healthz -> ${health.status} ${json(health.json)}`);

  // 2. The developer backend
  step(2, 'Start a tiny game developer backend that receives the delivery notification');
  // The shared fake developer, strict as a real backend: a notification that fails PayEventSig is refused.
  const dev = await startFakeDeveloper({ rejectBadSignatures: true });
  try {
    detail(`listening at ${dev.url}`);
    detail('it verifies PayEventSig == hex(HMAC(appKey, Event + "&" + Payload)) and answers {"returnCode":0}');

    // 3. App, item, session
    step(3, 'Set the game up through the platform admin API');
    const created = await admin('POST', '/v1/admin/apps', {
      name: `vpay demo game ${new Date().toISOString()}`,
      deliveryUrl: dev.url,
      paymentEnabled: true,
    });
    expectStatus(created, [201], 'POST /v1/admin/apps');
    if (typeof created.json?.appId !== 'string' || typeof created.json?.appKey !== 'string' || !created.json.appKey) {
      throw new DemoError(`POST /v1/admin/apps answered no appId/appKey: ${json({ ...created.json, appKey: undefined })}`);
    }
    const appId: string = created.json.appId;
    const appKey: string = created.json.appKey;
    secrets.push(appKey);
    dev.appKey = appKey;
    detail(
      `3a. POST /v1/admin/apps -> ${created.status}  appId=${appId}  deliveryUrl=${created.json.deliveryUrl}  paymentEnabled=${created.json.paymentEnabled}`,
    );
    detail(`    appKey=${masked(appKey)} (shown by vpay only in this answer; the game backend keeps it secret)`);

    const item = await admin('PUT', `/v1/admin/apps/${appId}/items/${PRODUCT.productId}`, {
      name: PRODUCT.name,
      price: PRODUCT.price,
      currencyType: PRODUCT.currencyType,
      released: true,
    });
    expectStatus(item, [200, 201], `PUT /v1/admin/apps/${appId}/items/${PRODUCT.productId}`);
    detail(
      `3b. PUT /v1/admin/apps/${appId}/items/${PRODUCT.productId} -> ${item.status}  ` +
        `name="${item.json.item?.name}" price=${item.json.item?.price} ${item.json.item?.currencyType} released=${item.json.item?.released}`,
    );

    const openId = `demo_user_${randomBytes(4).toString('hex')}`;
    const sessionKey = randomBytes(16).toString('hex');
    secrets.push(sessionKey);
    const session = await admin('PUT', `/v1/admin/apps/${appId}/sessions/${openId}`, { sessionKey });
    expectStatus(session, [200, 201], `PUT /v1/admin/apps/${appId}/sessions/${openId}`);
    detail(
      `3c. PUT /v1/admin/apps/${appId}/sessions/${openId} -> ${session.status}  (the login service hands vpay the user's session key; not shown)`,
    );

    // 4. The order
    step(4, 'The game backend signs the purchase; the mini game places the order');
    const outTradeNo = `DEMO${Date.now()}_${randomBytes(3).toString('hex')}`;
    const signData = json({
      mode: 'goods',
      buyQuantity: 1,
      env: 0,
      currencyType: PRODUCT.currencyType,
      platform: 'android',
      productId: PRODUCT.productId,
      goodsPrice: PRODUCT.price,
      outTradeNo,
      attach: 'demo',
    });
    const paySig = paySigOf(appKey, signData);
    const signature = userSignatureOf(sessionKey, signData);
    detail(`signData  = ${signData}`);
    detail(`paySig    = ${paySig}   hex(HMAC(appKey, "requestMidasPaymentGameItem&" + signData))`);
    detail(`signature = ${signature}   hex(HMAC(sessionKey, signData))`);
    const placed = await call('POST', '/v1/minigame/payments', json({ appId, openId, signData, paySig, signature }));
    expectStatus(placed, [200], 'POST /v1/minigame/payments');
    const orderId = String(placed.json.orderId);
    detail(
      `POST /v1/minigame/payments -> ${placed.status}  orderId=${orderId}  prepayId=${placed.json.prepayId}  status=${placed.json.status}`,
    );
    if (placed.json.status !== 'PREPAID') throw new DemoError(`the new order is ${placed.json.status}, expected PREPAID`);

    // 5. Payment in the sandbox superapp
    step(5, 'The user pays in the superapp (the built-in sandbox superapp)');
    const paid = await call('POST', `/sandbox/orders/${encodeURIComponent(orderId)}/pay`, '{}', {
      authorization: `Bearer ${o.adminToken}`,
    });
    if (paid.status === 404 && paid.json?.errCode !== 40402) {
      throw new DemoError(
        'POST /sandbox/orders/:orderId/pay is not there: this stack has SUPERAPP_BASE_URL set, so its built-in sandbox superapp is off',
      );
    }
    expectStatus(paid, [200], `POST /sandbox/orders/${orderId}/pay`);
    const cb = paid.json.callback ?? {};
    const transactionId = String(cb.transactionId ?? '');
    detail(`POST /sandbox/orders/${orderId}/pay -> ${paid.status}`);
    detail(
      `the superapp sent vpay the signed payment callback: transactionId=${cb.transactionId} paidAmount=${cb.paidAmount} ${cb.currencyType} paidAt=${cb.paidAt}`,
    );
    detail(`vpay answered the callback: ${json(paid.json.callbackReply)}`);
    if (paid.json.callbackReply?.returnCode !== 0)
      throw new DemoError(`vpay did not accept the payment callback: ${json(paid.json.callbackReply)}`);

    // 6. Delivery
    const deliveryTimeoutMs = o.deliveryTimeoutMs ?? 60_000;
    step(6, `The developer backend awaits the delivery notification (up to ${deliveryTimeoutMs / 1000} s)`);
    const d = await dev.waitFor(orderId, deliveryTimeoutMs).then(
      () => dev.received.find((r) => r.answeredOk && r.payload?.OrderId === orderId)!,
      () => {
        if (dev.received.some((r) => r.payload?.OrderId === orderId && !r.signatureValid)) {
          throw new DemoError('the delivery notification did not verify (PayEventSig wrong or missing)');
        }
        throw new DemoError(
          `no delivery notification reached ${dev.url} within ${deliveryTimeoutMs / 1000} s ` +
            '(is the worker running? does the stack allow private delivery URLs, DELIVERY_ALLOW_PRIVATE=true?)',
        );
      },
    );
    if (d.event !== DELIVERY_EVENT) throw new DemoError(`the delivery notification has Event ${json(d.event)}, expected ${DELIVERY_EVENT}`);
    if (d.payload?.OutTradeNo !== outTradeNo)
      throw new DemoError(`the delivery of ${orderId} names OutTradeNo ${json(d.payload?.OutTradeNo)}, expected ${outTradeNo}`);
    detail(`received ${d.event}  X-Vpay-Delivery-Id=${d.deliveryId}  X-Vpay-Attempt=${d.attempt}`);
    detail(`Payload = ${d.rawPayload}`);
    detail('PayEventSig verified with the app key: OK; answered {"returnCode":0}');

    // 7. Query until DELIVERED
    step(7, 'The game backend queries the order until it is DELIVERED');
    const deliveredTimeoutMs = o.deliveredTimeoutMs ?? 30_000;
    const queryBody = json({ appId, outTradeNo });
    const paySigHeader = orderQuerySigOf(appKey, queryBody);
    const deadline = Date.now() + deliveredTimeoutMs;
    let order: any;
    let polls = 0;
    for (;;) {
      polls++;
      const q = await call('POST', '/v1/minigame/orders/query', queryBody, { 'pay-sig': paySigHeader });
      expectStatus(q, [200], 'POST /v1/minigame/orders/query');
      order = q.json.order;
      if (order?.status === 'DELIVERED') break;
      if (['CLOSED', 'REFUNDED'].includes(order?.status)) throw new DemoError(`the order ended ${order.status} instead of DELIVERED`);
      if (Date.now() > deadline) {
        throw new DemoError(`the order is still ${order?.status} after ${deliveredTimeoutMs / 1000} s of polling, expected DELIVERED`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    detail(`POST /v1/minigame/orders/query  body=${queryBody}  Pay-Sig=${paySigHeader}`);
    detail(`-> 200 after ${polls} ${polls === 1 ? 'query' : 'queries'}:`);
    for (const line of JSON.stringify(order, null, 2).split('\n')) detail(`   ${line}`);

    // 8. Temporal
    const workflowId = purchaseWorkflowId(appId, outTradeNo);
    const temporalUiLink = `${uiBase}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(`VpayOutTradeNo="${outTradeNo}"`)}`;
    step(8, 'See the purchase as a Temporal workflow');
    detail(`workflow id:     ${workflowId}`);
    detail(`Temporal Web UI: ${temporalUiLink}`);

    /** Awaits the refund's notice at the developer backend and prints it. */
    const awaitNotice = async (refundId: string) => {
      await dev.waitForRefundNotice(refundId, deliveryTimeoutMs).catch(() => {
        throw new DemoError(`no refund notice for ${refundId} reached ${dev.url} within ${deliveryTimeoutMs / 1000} s`);
      });
      const n = dev.refundNotices.find((r) => r.answeredOk && r.payload?.RefundId === refundId)!;
      if (n.event !== REFUND_EVENT) throw new DemoError(`the refund notice has Event ${json(n.event)}, expected ${REFUND_EVENT}`);
      detail(`the developer backend received ${n.event}  X-Vpay-Delivery-Id=${n.deliveryId}  X-Vpay-Attempt=${n.attempt}`);
      detail(`Payload = ${n.rawPayload}`);
      detail('PayEventSig verified with the app key: OK; answered {"returnCode":0}; the game takes the item back');
    };
    const showRefund = (r: any) =>
      detail(
        `refund ${r.refundId}: source=${r.source} amount=${r.refundAmount} ${r.currencyType} status=${r.status}` +
          (r.outRefundNo ? ` outRefundNo=${r.outRefundNo}` : ''),
      );
    const refunds: DemoResult['refunds'] = [];

    // 9. A partial refund asked by the game backend (8.2)
    const partial = Math.floor(PRODUCT.price / 4);
    step(9, `The game backend refunds part of the order (${partial} of ${PRODUCT.price}) through vpay`);
    const outRefundNo = `DEMOREFUND${Date.now()}`;
    const refundBody = json({ appId, outTradeNo, outRefundNo, refundAmount: partial, reason: 'demo: compensation for a bug' });
    const refundSig = pathSigOf(appKey, '/v1/minigame/refunds', refundBody);
    detail(`POST /v1/minigame/refunds  body=${refundBody}`);
    detail(`Pay-Sig = ${refundSig}   hex(HMAC(appKey, "/v1/minigame/refunds&" + body))`);
    const asked = await call('POST', '/v1/minigame/refunds', refundBody, { 'pay-sig': refundSig });
    expectStatus(asked, [200], 'POST /v1/minigame/refunds');
    detail(`-> ${asked.status}: vpay asked the superapp, which refunded`);
    showRefund(asked.json.refund);
    if (asked.json.refund?.status !== 'SUCCEEDED') throw new DemoError(`the refund is ${asked.json.refund?.status}, expected SUCCEEDED`);
    refunds.push(pick(asked.json.refund));
    await awaitNotice(asked.json.refund.refundId);

    // 10. A player's refund in the superapp (8.1)
    const playerAmount = Math.floor(PRODUCT.price / 2);
    step(10, `The player gets ${playerAmount} back in the superapp (the sandbox superapp tells vpay)`);
    const played = await call(
      'POST',
      `/sandbox/orders/${encodeURIComponent(orderId)}/refund`,
      json({ refundAmount: playerAmount, reason: 'demo: player asked' }),
      {
        authorization: `Bearer ${o.adminToken}`,
      },
    );
    expectStatus(played, [200], `POST /sandbox/orders/${orderId}/refund`);
    detail(`POST /sandbox/orders/${orderId}/refund -> ${played.status}`);
    detail(`the superapp sent vpay the signed refund: ${json(played.json.refund)}`);
    detail(`vpay answered: ${json(played.json.refundReply)}`);
    const superappRefundId = String(played.json.refund?.refundId);
    await awaitNotice(superappRefundId);
    refunds.push({ refundId: superappRefundId, source: 'superapp', refundAmount: playerAmount, status: 'SUCCEEDED' });

    const after = await call('POST', '/v1/minigame/orders/query', queryBody, { 'pay-sig': paySigHeader });
    expectStatus(after, [200], 'POST /v1/minigame/orders/query');
    const refundedAmount = Number(after.json.order?.refundedAmount);
    detail(`the order now: status=${after.json.order?.status} refundedAmount=${refundedAmount} of ${after.json.order?.totalAmount}`);

    log();
    log(`Done: order ${orderId} (${outTradeNo}) is ${after.json.order?.status}, ${refundedAmount} of it refunded.`);

    return {
      appId,
      orderId,
      outTradeNo,
      status: String(order.status),
      transactionId,
      workflowId,
      temporalUiLink,
      deliveryUrl: dev.url,
      refunds,
      refundedAmount,
    };
  } finally {
    await dev.close();
  }
}

const pick = (r: any) => ({
  refundId: String(r.refundId),
  source: String(r.source),
  refundAmount: Number(r.refundAmount),
  status: String(r.status),
});

/** ADMIN_TOKEN, or else the dev secrets `npm start` keeps under DATA_DIR (default .data). */
export function readAdminToken(env: NodeJS.ProcessEnv = process.env): { token: string; source: string } {
  if (env.ADMIN_TOKEN) return { token: env.ADMIN_TOKEN, source: 'ADMIN_TOKEN' };
  const dataDir = env.DATA_DIR || '.data';
  const candidates = [path.resolve(dataDir, 'dev-secrets.json'), path.resolve(__dirname, '..', '..', dataDir, 'dev-secrets.json')];
  for (const file of [...new Set(candidates)]) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let token: unknown;
    try {
      token = (JSON.parse(text) as { adminToken?: unknown }).adminToken;
    } catch {
      throw new DemoError(`${file} is not valid JSON; set ADMIN_TOKEN to the admin token npm start printed`);
    }
    if (typeof token !== 'string' || !token)
      throw new DemoError(`${file} has no adminToken; set ADMIN_TOKEN to the admin token npm start printed`);
    return { token, source: path.relative(process.cwd(), file) || file };
  }
  throw new DemoError(
    `no ADMIN_TOKEN and no ${path.join(dataDir, 'dev-secrets.json')}: start the stack with npm start (it creates it), or set ADMIN_TOKEN`,
  );
}

async function main(): Promise<number> {
  const url = process.env.VPAY_URL || 'http://127.0.0.1:3000';
  try {
    const { token, source } = readAdminToken();
    console.log(`vpay demo: one whole purchase through the stack at ${url} (admin token from ${source})`);
    await runDemo({
      url,
      adminToken: token,
      temporalUiUrl: process.env.TEMPORAL_UI_URL,
      temporalNamespace: process.env.TEMPORAL_NAMESPACE,
    });
    return 0;
  } catch (err) {
    console.error('');
    console.error(
      `demo failed: ${err instanceof DemoError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }
}

if (require.main === module) {
  // Exit explicitly: idle keep-alive sockets of fetch would otherwise hold the process a while.
  void main().then((code) => process.exit(code));
}
