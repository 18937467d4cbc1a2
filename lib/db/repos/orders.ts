// The orders projection: written by the purchase workflow's activities, read by the API's
// idempotency checks, the order query and list views.
import type { Knex } from 'knex';
import type { Db } from '../db';
import type { CloseReason, OrderDraft, OrderStatus } from '../../domain/order';

/** An order as its row keeps it: the draft (without the signatures) and how far it got. */
export interface OrderRow extends Omit<OrderDraft, 'paySig' | 'signature' | 'createdAt'> {
  status: OrderStatus;
  closeReason: CloseReason | null;
  prepayId: string | null;
  transactionId: string | null;
  paidAmount: number | null;
  createdAt: Date;
  paidAt: Date | null;
  paymentRecordedAt: Date | null;
  deliveredAt: Date | null;
  closedAt: Date | null;
  deliveryAttempts: number;
  lastDeliveryError: string | null;
  alertedAt: Date | null;
  /** What succeeded refunds took back, in minor units (CONTRACT.md 8.3). */
  refundedAmount: number;
}

/** A row of `orders` as an OrderRow (also for the console's lists, lib/db/repos/order-records.ts). */
export const toOrder = (r: any): OrderRow => ({
  orderId: r.order_id,
  appId: r.app_id,
  openId: r.open_id,
  outTradeNo: r.out_trade_no,
  productId: r.product_id,
  buyQuantity: r.buy_quantity,
  goodsPrice: r.goods_price,
  totalAmount: r.total_amount,
  currencyType: r.currency_type,
  platform: r.platform,
  env: r.env,
  attach: r.attach,
  signData: r.sign_data,
  status: r.status,
  closeReason: r.close_reason,
  prepayId: r.prepay_id,
  transactionId: r.transaction_id,
  paidAmount: r.paid_amount,
  createdAt: r.created_at,
  paidAt: r.paid_at,
  paymentRecordedAt: r.payment_recorded_at,
  deliveredAt: r.delivered_at,
  closedAt: r.closed_at,
  deliveryAttempts: r.delivery_attempts,
  lastDeliveryError: r.last_delivery_error,
  alertedAt: r.alerted_at,
  refundedAmount: Number(r.refunded_amount ?? 0),
});

/**
 * Inserts the CREATED row. A retried activity finds its own row and succeeds; returns the
 * orderId that owns (appId, outTradeNo), which differs only if another order took it first, and
 * the prepayId that row holds. Only a PREPAID write puts one there, so the order's own row holds
 * one on insert only when an earlier run of the payment request's steps got it, wrote it, and was
 * lost before its workflow task completed (a local activity leaves no marker then).
 */
export async function insertNewOrder(db: Db, o: OrderDraft): Promise<{ owner: string; prepayId: string | null }> {
  const inserted = await db('orders')
    .insert({
      order_id: o.orderId,
      app_id: o.appId,
      open_id: o.openId,
      out_trade_no: o.outTradeNo,
      product_id: o.productId,
      buy_quantity: o.buyQuantity,
      goods_price: o.goodsPrice,
      total_amount: o.totalAmount,
      currency_type: o.currencyType,
      platform: o.platform,
      env: o.env,
      attach: o.attach,
      sign_data: o.signData,
      status: 'CREATED',
      created_at: o.createdAt,
    })
    .onConflict()
    .ignore()
    .returning('order_id');
  if (inserted.length) return { owner: o.orderId, prepayId: null };
  // A conflict: this order's own row (a retried or rerun step) or another order's.
  const row = await db('orders').where({ app_id: o.appId, out_trade_no: o.outTradeNo }).first('order_id', 'prepay_id');
  return { owner: row.order_id, prepayId: row.prepay_id ?? null };
}

export async function getOrder(db: Db, orderId: string): Promise<OrderRow | undefined> {
  const row = await db('orders').where({ order_id: orderId }).first();
  return row ? toOrder(row) : undefined;
}

export async function getOrderByTradeNo(db: Db, appId: string, outTradeNo: string): Promise<OrderRow | undefined> {
  const row = await db('orders').where({ app_id: appId, out_trade_no: outTradeNo }).first();
  return row ? toOrder(row) : undefined;
}

/** The statuses a row may be in for it to move to the key's status: projections only go forward. */
export const FORWARD_FROM: Record<OrderStatus, OrderStatus[]> = {
  CREATED: ['CREATED'],
  PREPAID: ['CREATED', 'PREPAID'],
  PAID: ['CREATED', 'PREPAID', 'PAID'],
  DELIVERED: ['PAID', 'DELIVERED'],
  CLOSED: ['CREATED', 'PREPAID', 'CLOSED'],
  REFUNDED: ['PAID', 'DELIVERED', 'REFUNDED'],
};

export interface OrderProjection {
  orderId: string;
  status: OrderStatus;
  prepayId?: string | null;
  transactionId?: string;
  paidAmount?: number;
  paidAt?: string;
  closeReason?: CloseReason;
}

/** What a projection leaves in the row: the workflow adopts what another run wrote first. */
export interface ProjectedOrder {
  status: OrderStatus;
  prepayId: string | null;
  /** The payment the row holds (the first written), or null. */
  payment: { transactionId: string; paidAmount: number; paidAt: string } | null;
}

/**
 * Writes a status transition. Activities may be retried and run side by side, so a late
 * retry of an earlier transition (say PREPAID after PAID) fills in its fields but never moves
 * the status backwards, nor replaces a prepayId or a payment already stored, nor pays or closes a
 * row the transition cannot reach (a closed one, or a paid one). Returns what the row holds after
 * the write (undefined when there is no such row): a write that found another prepayId or payment
 * stored, or a close refused by a payment, learns the row's, which the mini game or the superapp
 * may have been answered (docs/ARCHITECTURE.md).
 */
export async function projectOrder(db: Db, p: OrderProjection): Promise<ProjectedOrder | undefined> {
  // Every condition reads the row as it was before this write (PostgreSQL's UPDATE semantics).
  const reaches = db.raw('status = any(?)', [FORWARD_FROM[p.status]]);
  /** The column set to the value when the transition applies, and kept otherwise. */
  const ifReached = (column: string, value: Knex.Value) => db.raw('case when ? then ? else ?? end', [reaches, value, column]);
  const changes: Record<string, unknown> = {
    status: ifReached('status', p.status),
    updated_at: db.fn.now(),
  };
  // One prepay order per order: a stored prepayId is kept. A run lost after its PREPAID row may yet
  // write late (a stalled worker), after the rerun answered the row's prepayId to the mini game.
  if (p.prepayId !== undefined) changes.prepay_id = db.raw('coalesce(orders.prepay_id, ?)', [p.prepayId]);
  // One payment per order, the first written: the superapp is answered from the row (a duplicate
  // callback, application/record-payment.ts), so a payment in it is the order's, even one a lost
  // local attempt wrote before its workflow task completed (docs/ARCHITECTURE.md).
  if (p.transactionId !== undefined) {
    const unpaid = db.raw('transaction_id is null and ?', [reaches]);
    const firstPayment = (column: string, value: Knex.Value) => db.raw('case when ? then ? else ?? end', [unpaid, value, column]);
    changes.transaction_id = firstPayment('transaction_id', p.transactionId);
    if (p.paidAmount !== undefined) changes.paid_amount = firstPayment('paid_amount', p.paidAmount);
    if (p.paidAt !== undefined) changes.paid_at = firstPayment('paid_at', p.paidAt);
  }
  if (p.status === 'PAID') changes.payment_recorded_at = ifReached('payment_recorded_at', db.raw('coalesce(payment_recorded_at, now())'));
  if (p.status === 'CLOSED') {
    changes.close_reason = ifReached('close_reason', p.closeReason ?? null);
    changes.closed_at = ifReached('closed_at', db.raw('coalesce(closed_at, now())'));
  }
  const [row] = await db('orders')
    .where({ order_id: p.orderId })
    .update(changes)
    .returning(['status', 'prepay_id', 'transaction_id', 'paid_amount', 'paid_at']);
  if (!row) return undefined;
  return {
    status: row.status,
    prepayId: row.prepay_id ?? null,
    payment:
      row.transaction_id === null
        ? null
        : { transactionId: row.transaction_id, paidAmount: Number(row.paid_amount), paidAt: new Date(row.paid_at).toISOString() },
  };
}

/**
 * Closes an order still awaiting its payment (CREATED or PREPAID, none recorded) as
 * `workflow_lost`; the caller has made sure its workflow no longer runs, so no activity writes
 * this row any more. Returns the closed row, or undefined when the order had moved on (then its
 * row is the answer).
 */
export async function closeLostOrder(db: Db, orderId: string): Promise<OrderRow | undefined> {
  const [row] = await db('orders')
    .where({ order_id: orderId })
    .whereIn('status', ['CREATED', 'PREPAID'])
    .whereNull('transaction_id')
    .update({ status: 'CLOSED', close_reason: 'workflow_lost', closed_at: db.raw('coalesce(closed_at, now())'), updated_at: db.fn.now() })
    .returning('*');
  return row ? toOrder(row) : undefined;
}

export interface DeliveryAttemptRecord {
  orderId: string;
  attempt: number;
  url: string;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Counts a delivery attempt before it is sent, so its number (X-Vpay-Attempt) is never reused
 * and deliveryAttempts includes an attempt whose worker died mid-flight. Returns the order as
 * it now is, undefined when it does not exist.
 */
export async function beginDeliveryAttempt(db: Db, orderId: string): Promise<OrderRow | undefined> {
  // A REFUNDED order (refunded in full, CONTRACT.md 8.3) starts no attempt: the refund's UPDATE
  // and this one queue on the row, so no attempt starts after the refund is recorded.
  const [row] = await db('orders')
    .where({ order_id: orderId })
    .whereNotIn('status', ['DELIVERED', 'REFUNDED'])
    .update({ delivery_attempts: db.raw('delivery_attempts + 1'), updated_at: db.fn.now() })
    .returning('*');
  if (row) return toOrder(row);
  return getOrder(db, orderId);
}

/**
 * The insert of an attempt's record, and its parameters: only if the order has none for that
 * attempt yet, because the record is written again when a first try's commit went unanswered
 * (activities/record-sent-notice.ts).
 */
const INSERT_ATTEMPT_ONCE = `insert into delivery_attempts (order_id, attempt, url, ok, http_status, error, duration_ms)
  select ?::varchar, ?::int, ?::varchar, ?::boolean, ?::int, ?::text, ?::int
  where not exists (select 1 from delivery_attempts where order_id = ? and attempt = ?)`;
const insertAttemptOnceParams = (a: DeliveryAttemptRecord) => [
  a.orderId,
  a.attempt,
  a.url,
  a.ok,
  a.httpStatus,
  a.error,
  a.durationMs,
  a.orderId,
  a.attempt,
];

/**
 * Records an attempt's outcome; a success marks the order DELIVERED (unless REFUNDED). One statement (the insert
 * runs in a data-modifying WITH), so both happen or neither, in one round trip.
 */
export async function finishDeliveryAttempt(db: Db, a: DeliveryAttemptRecord): Promise<OrderRow> {
  // An attempt begun before a full refund may still succeed: it records its delivery, but the
  // order stays REFUNDED (the DELIVERED projection never overwrites it).
  const delivered = a.ok
    ? `, status = case when status = 'REFUNDED' then status else 'DELIVERED' end, delivered_at = coalesce(delivered_at, now())`
    : '';
  // Written again, the attempt is recorded once, and the update is the same.
  const { rows } = await db.raw(
    `with attempt as (${INSERT_ATTEMPT_ONCE})
     update orders set last_delivery_error = ?, updated_at = now()${delivered}
     where order_id = ? returning *`,
    [...insertAttemptOnceParams(a), a.ok ? null : a.error, a.orderId],
  );
  return toOrder(rows[0]);
}

/**
 * Counts a redelivery of a DELIVERED order (CONTRACT.md 7.7, for a developer that lost the
 * notification) before it is sent, as beginDeliveryAttempt counts an attempt: its number is the
 * next X-Vpay-Attempt and is never reused. Undefined when the order is not DELIVERED (any more).
 */
export async function beginRedeliveryAttempt(db: Db, orderId: string): Promise<OrderRow | undefined> {
  const [row] = await db('orders')
    .where({ order_id: orderId, status: 'DELIVERED' })
    .update({ delivery_attempts: db.raw('delivery_attempts + 1'), updated_at: db.fn.now() })
    .returning('*');
  return row ? toOrder(row) : undefined;
}

/**
 * Records a redelivery's outcome among the order's attempts. The order stays DELIVERED with its
 * first deliveredAt, and its last delivery error stays that of the delivery, whatever this did.
 */
export async function recordRedeliveryAttempt(db: Db, a: DeliveryAttemptRecord): Promise<void> {
  await db.raw(INSERT_ATTEMPT_ONCE, insertAttemptOnceParams(a));
}

export async function markAlerted(db: Db, orderId: string): Promise<void> {
  await db('orders')
    .where({ order_id: orderId })
    .update({ alerted_at: db.raw('coalesce(alerted_at, now())') });
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The order as the order query answers it (CONTRACT.md 5): fields not reached yet are null. */
export function orderView(o: OrderRow) {
  return {
    orderId: o.orderId,
    appId: o.appId,
    openId: o.openId,
    outTradeNo: o.outTradeNo,
    productId: o.productId,
    buyQuantity: o.buyQuantity,
    goodsPrice: o.goodsPrice,
    totalAmount: o.totalAmount,
    currencyType: o.currencyType,
    platform: o.platform,
    env: o.env,
    attach: o.attach,
    status: o.status,
    closeReason: o.closeReason,
    prepayId: o.prepayId,
    transactionId: o.transactionId,
    paidAmount: o.paidAmount,
    createdAt: iso(o.createdAt),
    paidAt: iso(o.paidAt),
    deliveredAt: iso(o.deliveredAt),
    closedAt: iso(o.closedAt),
    deliveryAttempts: o.deliveryAttempts,
    /** What succeeded refunds gave back (CONTRACT.md 8.3). */
    refundedAmount: o.refundedAmount,
  };
}
