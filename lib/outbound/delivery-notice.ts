// The delivery notification vpay POSTs to the game developer (CONTRACT.md 4), shaped like the
// SAS push, and the rule for what counts as the developer's acknowledgement.
import { randomBytes } from 'node:crypto';
import type { App } from '../db/repos/apps';
import type { OrderRow } from '../db/repos/orders';
import { DELIVERY_EVENT, payEventSigOf } from '../domain/signatures';

/** How long vpay waits for the developer's answer to one notification. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** The largest answer vpay reads; a longer one is a failed attempt. */
export const DELIVERY_MAX_RESPONSE_BYTES = 64 * 1024;

export function deliveryNoticeBody(app: App & { appKey: string }, o: OrderRow): string {
  return signedNotice(app.appKey, {
    OpenId: o.openId,
    OutTradeNo: o.outTradeNo,
    OrderId: o.orderId,
    TransactionId: o.transactionId,
    Env: o.env,
    PaidAt: o.paidAt ? o.paidAt.toISOString() : null,
    GoodsInfo: {
      ProductId: o.productId,
      Quantity: o.buyQuantity,
      OrigPrice: o.totalAmount,
      ActualPrice: o.paidAmount ?? o.totalAmount,
      Attach: o.attach ?? '',
    },
  });
}

/**
 * The console's test push (CONTRACT.md 7.4): a notification of the real shape, signed with the
 * app's current key, for an order that does not exist: its OrderId, OutTradeNo and TransactionId
 * begin with `test_` (and it goes out with X-Vpay-Test: 1) so a developer's backend can tell it
 * from a purchase.
 */
export function sampleNotice(appKey: string, env: 0 | 1, now = new Date()): { orderId: string; body: string } {
  const orderId = `test_${randomBytes(8).toString('hex')}`;
  const body = signedNotice(appKey, {
    OpenId: 'test_openid',
    OutTradeNo: orderId,
    OrderId: orderId,
    TransactionId: `test_txn_${orderId.slice(5)}`,
    Env: env,
    PaidAt: now.toISOString(),
    GoodsInfo: { ProductId: 'test_product', Quantity: 1, OrigPrice: 1, ActualPrice: 1, Attach: '' },
  });
  return { orderId, body };
}

/** A notification of `event` (the delivery's unless given) with its Payload signed: CONTRACT.md 4's shape. */
export function signedNotice(appKey: string, payload: Record<string, unknown>, event: string = DELIVERY_EVENT): string {
  const raw = JSON.stringify(payload);
  return JSON.stringify({
    EventType: 'event',
    Event: event,
    Payload: raw,
    PayEventSig: payEventSigOf(appKey, raw, event),
  });
}

/** The URL an order is delivered to: the test URL for sandbox (env 1) orders, never the live one. */
export function deliveryUrlFor(app: App, o: Pick<OrderRow, 'env'>): string | null {
  return o.env === 1 ? app.deliveryTestUrl : app.deliveryUrl;
}

/** The same on every attempt for one order, so the developer can deduplicate. */
export const deliveryIdFor = (orderId: string): string => `dlv_${orderId}`;

/** Success: HTTP 2xx whose JSON body has returnCode 0 or "0", or ErrCode 0. */
export function isDeliveryAcknowledged(status: number, json: unknown): boolean {
  if (status < 200 || status > 299 || !json || typeof json !== 'object') return false;
  const b = json as Record<string, unknown>;
  return b.returnCode === 0 || b.returnCode === '0' || b.ErrCode === 0;
}
