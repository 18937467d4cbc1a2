// What an order is, independent of how it is run or stored: its statuses, why it closes, and the
// draft the API validates. The purchase workflow (workflows/definitions.ts re-exports these) and
// the orders projection (lib/db/repos/orders.ts) both build on it. Keep it free of imports: it
// is bundled into the workflow sandbox.

export const ORDER_STATUSES = ['CREATED', 'PREPAID', 'PAID', 'DELIVERED', 'CLOSED', 'REFUNDED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * Why an order was CLOSED. `workflow_lost` is the one the workflow never writes: the order awaited
 * its payment when its workflow stopped running (terminated, reset away, gone past retention), so
 * nothing could take the payment any more (application/lost-purchase.ts).
 */
export type CloseReason = 'payment_timeout' | 'prepay_rejected' | 'workflow_lost';

/** An order as the API validated it: everything the workflow needs, fixed at start. */
export interface OrderDraft {
  orderId: string;
  appId: string;
  openId: string;
  outTradeNo: string;
  productId: string;
  buyQuantity: number;
  goodsPrice: number;
  totalAmount: number;
  currencyType: string;
  platform: string | null;
  env: 0 | 1;
  attach: string | null;
  /** The exact signData text the mini game signed; identical replays are compared on it (and openId). */
  signData: string;
  paySig: string;
  signature: string;
  createdAt: string;
}
