// What a mini game and its backend do against vpay, for the tests: set up an app through the
// admin API, sign signData with the seed's formulas, and call the contract's routes.
import { orderQuerySigOf, paySigOf, userSignatureOf } from '../../lib/domain/signatures';
import type { Vpay } from './vpay';

export interface TestApp {
  appId: string;
  appKey: string;
  openId: string;
  sessionKey: string;
  productId: string;
  price: number;
  currencyType: string;
}

export async function call(
  vpay: Pick<Vpay, 'url'>,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${vpay.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

export const admin = (vpay: Pick<Vpay, 'url' | 'adminToken'>, method: string, path: string, body?: unknown) =>
  call(vpay, method, path, body, { authorization: `Bearer ${vpay.adminToken}` });

let seq = 0;

/** An app with payment enabled, one released item and one user session. */
export async function setupApp(
  vpay: Vpay,
  o: { price?: number; currencyType?: string; testUrl?: boolean; deliveryUrl?: string } = {},
): Promise<TestApp> {
  const created = await admin(vpay, 'POST', '/v1/admin/apps', {
    name: `game ${++seq}`,
    deliveryUrl: o.deliveryUrl ?? vpay.developer.url,
    ...(o.testUrl ? { deliveryTestUrl: `${vpay.developer.url}?test=1` } : {}),
    paymentEnabled: true,
  });
  if (created.status !== 201) throw new Error(`app creation failed: ${JSON.stringify(created.json)}`);
  const t: TestApp = {
    appId: created.json.appId,
    appKey: created.json.appKey,
    openId: `user${seq}`,
    sessionKey: `session-key-${seq}-${Date.now()}`,
    productId: 'gem_pack_100',
    price: o.price ?? 1000,
    currencyType: o.currencyType ?? 'USD',
  };
  vpay.developer.appKey = t.appKey;
  const item = await admin(vpay, 'PUT', `/v1/admin/apps/${t.appId}/items/${t.productId}`, {
    name: '100 gems',
    price: t.price,
    currencyType: t.currencyType,
    released: true,
  });
  if (item.status !== 201) throw new Error(`item creation failed: ${JSON.stringify(item.json)}`);
  const session = await admin(vpay, 'PUT', `/v1/admin/apps/${t.appId}/sessions/${t.openId}`, { sessionKey: t.sessionKey });
  if (session.status !== 201) throw new Error(`session creation failed: ${JSON.stringify(session.json)}`);
  return t;
}

let tradeSeq = 0;
export const newTradeNo = () => `T${Date.now()}_${++tradeSeq}`;

export function signData(t: TestApp, over: Record<string, unknown> = {}): string {
  return JSON.stringify({
    mode: 'goods',
    buyQuantity: 1,
    env: 0,
    currencyType: t.currencyType,
    platform: 'android',
    productId: t.productId,
    goodsPrice: t.price,
    outTradeNo: newTradeNo(),
    attach: 'testdata',
    ...over,
  });
}

/** The payment request body, signed as the game backend would. */
export function paymentBody(t: TestApp, sd: string, o: { appKey?: string; sessionKey?: string } = {}) {
  return {
    appId: t.appId,
    openId: t.openId,
    signData: sd,
    paySig: paySigOf(o.appKey ?? t.appKey, sd),
    signature: userSignatureOf(o.sessionKey ?? t.sessionKey, sd),
  };
}

export const requestPayment = (vpay: Vpay, t: TestApp, sd = signData(t)) => call(vpay, 'POST', '/v1/minigame/payments', paymentBody(t, sd));

export function queryOrder(vpay: Vpay, t: TestApp, outTradeNo: string, appKey = t.appKey) {
  const raw = JSON.stringify({ appId: t.appId, outTradeNo });
  return call(vpay, 'POST', '/v1/minigame/orders/query', raw, { 'pay-sig': orderQuerySigOf(appKey, raw) });
}

/** Pays an order through the fake superapp's signed callback. */
export function pay(vpay: Vpay, orderId: string, amount: number, o: { transactionId?: string; currencyType?: string } = {}) {
  return vpay.superapp.callback(vpay.url, {
    orderId,
    transactionId: o.transactionId ?? `txn_${orderId}`,
    paidAmount: amount,
    currencyType: o.currencyType ?? 'USD',
    paidAt: new Date().toISOString(),
  });
}

/** A purchase requested and paid; throws on any answer but 200. */
export async function paidOrder(vpay: Vpay, t: TestApp): Promise<{ orderId: string; outTradeNo: string }> {
  const sd = signData(t);
  const r = await requestPayment(vpay, t, sd);
  if (r.status !== 200) throw new Error(`payment request: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  const paid = await pay(vpay, r.json.orderId, t.price);
  if (paid.status !== 200) throw new Error(`payment callback: HTTP ${paid.status} ${JSON.stringify(paid.json)}`);
  return { orderId: r.json.orderId as string, outTradeNo: JSON.parse(sd).outTradeNo as string };
}

/** The order fields CONTRACT.md 5 (with 8.3's refundedAmount) promises at least (the order query, and every console order list). */
export const SECTION_5_ORDER_FIELDS = [
  'orderId',
  'appId',
  'openId',
  'outTradeNo',
  'productId',
  'buyQuantity',
  'goodsPrice',
  'totalAmount',
  'currencyType',
  'env',
  'status',
  'prepayId',
  'transactionId',
  'createdAt',
  'paidAt',
  'deliveredAt',
  'deliveryAttempts',
  // CONTRACT.md 8.3: "Section 5's order gains refundedAmount".
  'refundedAmount',
] as const;
