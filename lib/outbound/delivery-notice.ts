// The delivery notification vpay POSTs to the game developer (CONTRACT.md 4), shaped like the
// SAS push, and the rule for what counts as the developer's acknowledgement.
import type { App } from '../db/repos/apps';
import type { OrderRow } from '../db/repos/orders';
import { DELIVERY_EVENT, payEventSigOf } from '../domain/signatures';

export function deliveryNoticeBody(app: App & { appKey: string }, o: OrderRow): string {
  const payload = JSON.stringify({
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
  return JSON.stringify({
    EventType: 'event',
    Event: DELIVERY_EVENT,
    Payload: payload,
    PayEventSig: payEventSigOf(app.appKey, payload),
  });
}

/** The URL an order is delivered to: the test URL for sandbox (env 1) orders, never the live one. */
export function deliveryUrlFor(app: App, o: OrderRow): string | null {
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
