// What a mini game, its backend and the superapp do for one purchase, over vpay's HTTP API, as
// the load generator runs it: the signed payment request, the signed payment callback, and the
// wait for the delivery at the fake developer. Also the admin set-up and the order query.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { orderQuerySigOf, paySigOf, superappSignatureOf, userSignatureOf } from '../lib/domain/signatures';
import { postJson, requestJson, type HttpReply } from './http-client';
import type { FakeDeveloper } from '../tools/fakes/fake-developer';

export interface BenchApp {
  instance: string;
  vpayUrl: string;
  appId: string;
  appKey: string;
  productId: string;
  price: number;
  currencyType: string;
  users: Array<{ openId: string; sessionKey: string }>;
  /** Orders this app got a 200 for (the exactly-once accounting runs over these). */
  orders: Set<string>;
  /** outTradeNos of completed purchases, for order queries. */
  tradeNos: string[];
}

/** Creates an app with payment enabled, one released item and `users` sessions, through the admin API. */
export async function setupApp(o: {
  instance: string;
  vpayUrl: string;
  adminToken: string;
  developer: FakeDeveloper;
  users: number;
}): Promise<BenchApp> {
  const auth = { authorization: `Bearer ${o.adminToken}` };
  const created = await requestJson(
    'POST',
    `${o.vpayUrl}/v1/admin/apps`,
    {
      name: `bench ${o.instance}`,
      deliveryUrl: o.developer.deliveryUrlFor(o.instance),
      paymentEnabled: true,
    },
    auth,
  );
  if (created.status !== 201) throw new Error(`app creation failed: ${created.status} ${created.text}`);
  const app: BenchApp = {
    instance: o.instance,
    vpayUrl: o.vpayUrl,
    appId: created.json.appId,
    appKey: created.json.appKey,
    productId: 'gem_pack_100',
    price: 199,
    currencyType: 'USD',
    users: [],
    orders: new Set(),
    tradeNos: [],
  };
  o.developer.appKeys.set(o.instance, app.appKey);
  const item = await requestJson(
    'PUT',
    `${o.vpayUrl}/v1/admin/apps/${app.appId}/items/${app.productId}`,
    {
      name: '100 gems',
      price: app.price,
      currencyType: app.currencyType,
      released: true,
    },
    auth,
  );
  if (item.status !== 201) throw new Error(`item creation failed: ${item.status} ${item.text}`);
  for (let i = 0; i < o.users; i++) {
    const user = { openId: `player${i}`, sessionKey: randomBytes(16).toString('hex') };
    const s = await requestJson(
      'PUT',
      `${o.vpayUrl}/v1/admin/apps/${app.appId}/sessions/${user.openId}`,
      { sessionKey: user.sessionKey },
      auth,
    );
    if (s.status !== 201) throw new Error(`session creation failed: ${s.status} ${s.text}`);
    app.users.push(user);
  }
  return app;
}

export interface PurchaseSample {
  /** Payment request latency (ms): from the intended send time in an open loop, else from the send. */
  reqMs: number;
  /** Payment callback latency (ms), from its send. */
  cbMs: number;
  /** Callback answered -> delivery received by the developer (ms). */
  c2dMs: number;
  /** Callback sent -> delivery received (ms): never negative, unlike c2dMs, whose start may follow the delivery. */
  s2dMs: number;
  /** The whole purchase: the request's intended send (or its send) -> delivery received (ms). */
  wholeMs: number;
  /** performance.now() of the request's intended send (or its send): where the purchase sits in time. */
  startAt: number;
  doneAt: number;
}

let tradeSeq = 0;

/**
 * 503 answers that were retried, as a mini game backend or superapp would: counted, not failed.
 * `payment`, `callback`: vpay's "PostgreSQL/Temporal unavailable, retry later" (50301, 50302), the
 * same request again after a second (each retry counted). `shed`: payment requests vpay refused at
 * once because too many already waited (50303, docs/API.md "Overload"), each counted once however
 * many times it was refused, sent again after Retry-After; `shedAnswers` counts the refusals.
 */
export const retried = { payment: 0, callback: 0, shed: 0, shedAnswers: 0 };
export type Retries = typeof retried;
/**
 * How many times one request is retried on 503 (other than a shed one) before it counts as failed,
 * unless the caller says otherwise: the crash scenario passes more for its run (a real client keeps
 * retrying through an outage of a few seconds), for its own requests only.
 */
export const DEFAULT_MAX_503_RETRIES = 10;
/**
 * How long a shed payment request keeps being retried (from its first send): shed requests started
 * nothing, so they are retried for as long as an open loop's backlog may take to drain, not a
 * fixed number of times. The HTTP client's own deadline.
 */
const SHED_RETRY_FOR_MS = 120_000;
const BUSY = 50303;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retry-After (seconds) with up to half of it again as jitter, so the shed do not come back in one wave. */
const retryAfterMs = (r: HttpReply) => (Number(r.retryAfter) || 1) * 1_000 * (1 + Math.random() / 2);

async function postRetrying503(
  kind: 'payment' | 'callback',
  url: string,
  body: string,
  headers: () => Record<string, string>,
  max503Retries: number,
) {
  const giveUpAt = performance.now() + SHED_RETRY_FOR_MS;
  let shed = false;
  for (let attempt = 0; ;) {
    const r = await postJson(url, body, headers());
    if (r.status !== 503) return r;
    if (r.json?.errCode === BUSY) {
      // A request still refused after SHED_RETRY_FOR_MS is answered with that 503: a failure.
      const wait = retryAfterMs(r);
      if (performance.now() + wait > giveUpAt) return r;
      if (!shed) retried.shed++;
      shed = true;
      retried.shedAnswers++;
      await sleep(wait);
      continue;
    }
    if (attempt++ >= max503Retries) return r;
    retried[kind]++;
    await sleep(1_000);
  }
}

function fail(step: string, status: number, text: string): Error {
  return new Error(`${step}: HTTP ${status} ${text.slice(0, 160)}`);
}

/**
 * The signed payment request alone: the order is created and waits for its payment (PREPAID).
 * `intendedAt`: see requestAndPay.
 */
export async function requestPayment(
  app: BenchApp,
  tag: string,
  userIndex: number,
  intendedAt?: number,
  max503Retries = DEFAULT_MAX_503_RETRIES,
) {
  const outTradeNo = `${tag}-${(++tradeSeq).toString(36)}-${randomBytes(3).toString('hex')}`;
  const user = app.users[userIndex % app.users.length];
  const signData = JSON.stringify({
    mode: 'goods',
    buyQuantity: 1,
    env: 0,
    currencyType: app.currencyType,
    platform: 'android',
    productId: app.productId,
    goodsPrice: app.price,
    outTradeNo,
    attach: `bench:${tag}`,
  });
  const body = JSON.stringify({
    appId: app.appId,
    openId: user.openId,
    signData,
    paySig: paySigOf(app.appKey, signData),
    signature: userSignatureOf(user.sessionKey, signData),
  });
  const t0 = intendedAt ?? performance.now();
  const r1 = await postRetrying503('payment', `${app.vpayUrl}/v1/minigame/payments`, body, () => ({}), max503Retries);
  const t1 = performance.now();
  if (r1.status !== 200 || r1.json?.status !== 'PREPAID' || typeof r1.json?.orderId !== 'string')
    throw fail('payment request', r1.status, r1.text);
  const orderId: string = r1.json.orderId;
  app.orders.add(orderId);
  return { orderId, outTradeNo, reqMs: t1 - t0, requestFrom: t0 };
}

/** The superapp's signed payment callback for an order; resolves once it is answered returnCode 0. */
export async function payOrder(app: BenchApp, secret: string, orderId: string, max503Retries = DEFAULT_MAX_503_RETRIES) {
  const callback = JSON.stringify({
    orderId,
    transactionId: `txn_${orderId}`,
    paidAmount: app.price,
    currencyType: app.currencyType,
    paidAt: new Date().toISOString(),
  });
  const t2 = performance.now();
  const r2 = await postRetrying503(
    'callback',
    `${app.vpayUrl}/v1/superapp/payment-callback`,
    callback,
    () => {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'x-vpay-timestamp': ts, 'x-vpay-signature': superappSignatureOf(secret, ts, callback) };
    },
    max503Retries,
  );
  const t3 = performance.now();
  if (r2.status !== 200 || r2.json?.returnCode !== 0) throw fail('payment callback', r2.status, r2.text);
  return { cbMs: t3 - t2, callbackSentAt: t2, callbackAnsweredAt: t3 };
}

/**
 * Payment request + callback; resolves once the callback is answered returnCode 0. `intendedAt`
 * (performance.now(), an open loop's slot) is when the request was meant to be sent: its latency
 * counts from there, so a late send is not hidden (coordinated omission). Without it (closed loops,
 * the backlog), from the send.
 */
export async function requestAndPay(
  app: BenchApp,
  secret: string,
  tag: string,
  userIndex: number,
  developer?: FakeDeveloper,
  deliveryTimeoutMs = 0,
  intendedAt?: number,
  max503Retries = DEFAULT_MAX_503_RETRIES,
) {
  const r = await requestPayment(app, tag, userIndex, intendedAt, max503Retries);
  // Listen before paying: the delivery may arrive before the callback's answer does.
  const delivered = developer ? developer.waitFor(r.orderId, deliveryTimeoutMs) : undefined;
  delivered?.catch(() => undefined);
  // The callback is sent by the same client right after the answer, as the superapp would on the
  // user's payment: no schedule of its own to fall behind, so its latency counts from its send.
  const paid = await payOrder(app, secret, r.orderId, max503Retries);
  return { ...r, ...paid, delivered };
}

/**
 * One whole purchase: request, callback, and the delivery received by the fake developer.
 * `intendedAt`: see requestAndPay; `max503Retries`: see DEFAULT_MAX_503_RETRIES.
 */
export async function purchase(
  app: BenchApp,
  secret: string,
  developer: FakeDeveloper,
  tag: string,
  userIndex: number,
  deliveryTimeoutMs: number,
  intendedAt?: number,
  max503Retries = DEFAULT_MAX_503_RETRIES,
): Promise<PurchaseSample> {
  const r = await requestAndPay(app, secret, tag, userIndex, developer, deliveryTimeoutMs, intendedAt, max503Retries);
  const at = await r.delivered!;
  app.tradeNos.push(r.outTradeNo);
  return {
    reqMs: r.reqMs,
    cbMs: r.cbMs,
    c2dMs: at - r.callbackAnsweredAt,
    s2dMs: at - r.callbackSentAt,
    wholeMs: at - r.requestFrom,
    startAt: r.requestFrom,
    doneAt: performance.now(),
  };
}

export interface QuerySample {
  ms: number;
  doneAt: number;
}

/** The developer backend's order query (CONTRACT.md 5), checked for the order it asked about. */
export async function queryOrder(app: BenchApp, outTradeNo: string): Promise<QuerySample> {
  const raw = JSON.stringify({ appId: app.appId, outTradeNo });
  const t0 = performance.now();
  const r = await postJson(`${app.vpayUrl}/v1/minigame/orders/query`, raw, { 'pay-sig': orderQuerySigOf(app.appKey, raw) });
  const t1 = performance.now();
  if (r.status !== 200 || r.json?.order?.outTradeNo !== outTradeNo) throw fail('order query', r.status, r.text);
  return { ms: t1 - t0, doneAt: t1 };
}
