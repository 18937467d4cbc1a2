// Order rows generated straight into the schema for the order-record tests (lists, exports, query
// plans): one INSERT ... SELECT generate_series, as the benchmark's scale scenario does. They are
// test data, not purchases: no workflow runs for them.
import type { Knex } from 'knex';

export interface GeneratedOrders {
  count: number;
  /** Row i belongs to appIds[i % appIds.length]. */
  appIds: string[];
  /** order_id is `${prefix}` + i (9 digits), outTradeNo `${prefix}T${i}`. */
  prefix: string;
  /** Row 1 is created at `newest`, row i `stepMs` * (i - 1) before it. Fractions give microseconds. */
  newest: Date;
  stepMs: number;
  /** Rows per distinct created_at (ties, ordered by order_id). Default 1. */
  sameTime?: number;
}

/**
 * Inserts `count` orders; row i has openId `player${i % 500}`, productId `gem_${i % 20}`, env
 * i % 2, status DELIVERED except every 10th CLOSED (payment_timeout), every 10th + 1 PAID.
 */
export async function insertGeneratedOrders(db: Knex, g: GeneratedOrders): Promise<void> {
  await db.raw(
    `insert into orders (order_id, app_id, open_id, out_trade_no, product_id, buy_quantity, goods_price, total_amount,
       currency_type, platform, env, attach, sign_data, status, close_reason, prepay_id, transaction_id, paid_amount,
       created_at, paid_at, payment_recorded_at, delivered_at, closed_at, delivery_attempts, updated_at)
     select ? || lpad(i::text, 9, '0'),
            (?::text[])[1 + i % ?],
            'player' || (i % 500), ? || 'T' || i, 'gem_' || (i % 20), 1, 199, 199, 'USD', 'android', i % 2, 'gen ' || i,
            '{"mode":"goods"}',
            case i % 10 when 0 then 'CLOSED' when 1 then 'PAID' else 'DELIVERED' end,
            case i % 10 when 0 then 'payment_timeout' end,
            'pp_' || i,
            case i % 10 when 0 then null else 'txn_' || i end,
            case i % 10 when 0 then null else 199 end,
            c,
            case i % 10 when 0 then null else c + interval '20 seconds' end,
            case i % 10 when 0 then null else c + interval '20 seconds' end,
            case when i % 10 > 1 then c + interval '21 seconds' end,
            case i % 10 when 0 then c + interval '15 minutes' end,
            case i % 10 when 0 then 0 else 1 end,
            c + interval '21 seconds'
       from generate_series(1, ?) as i,
            lateral (select ?::timestamptz - make_interval(secs => ((i - 1) / ?::int)::float8 * ?::float8 / 1000) as c) t`,
    [g.prefix, g.appIds, g.appIds.length, g.prefix, g.count, g.newest.toISOString(), g.sameTime ?? 1, g.stepMs],
  );
}

/** One order with chosen fields, for tests that count (the dashboard). Unset fields are those of a paid, delivered order. */
export interface OrderRowSpec {
  orderId: string;
  appId: string;
  createdAt: string;
  status?: 'CREATED' | 'PREPAID' | 'PAID' | 'DELIVERED' | 'CLOSED' | 'REFUNDED';
  env?: 0 | 1;
  totalAmount?: number;
  currencyType?: string;
  /** Seconds from createdAt to the payment recorded (paid_at, payment_recorded_at); null: not paid. */
  paidAfterS?: number | null;
  /** Seconds from createdAt to the delivery; null: not delivered. */
  deliveredAfterS?: number | null;
  deliveryAttempts?: number;
  alertedAt?: string | null;
  refundedAmount?: number;
}

export async function insertOrder(db: Knex, o: OrderRowSpec): Promise<void> {
  const at = (s: number | null | undefined) => (s === null || s === undefined ? null : new Date(Date.parse(o.createdAt) + s * 1000));
  const status = o.status ?? 'DELIVERED';
  const paid = ['PAID', 'DELIVERED', 'REFUNDED'].includes(status);
  const paidAt = paid ? at(o.paidAfterS ?? 10) : null;
  const total = o.totalAmount ?? 199;
  await db('orders').insert({
    order_id: o.orderId,
    app_id: o.appId,
    open_id: 'player1',
    out_trade_no: `${o.orderId}T`,
    product_id: 'gem_1',
    buy_quantity: 1,
    goods_price: total,
    total_amount: total,
    currency_type: o.currencyType ?? 'USD',
    platform: 'android',
    env: o.env ?? 0,
    sign_data: '{"mode":"goods"}',
    status,
    close_reason: status === 'CLOSED' ? 'payment_timeout' : null,
    transaction_id: paid ? `txn_${o.orderId}` : null,
    paid_amount: paid ? total : null,
    created_at: o.createdAt,
    paid_at: paidAt,
    payment_recorded_at: paidAt,
    delivered_at: paid ? at(o.deliveredAfterS === undefined ? (status === 'PAID' ? null : 12) : o.deliveredAfterS) : null,
    closed_at: status === 'CLOSED' ? at(900) : null,
    delivery_attempts: o.deliveryAttempts ?? (paid ? 1 : 0),
    alerted_at: o.alertedAt ?? null,
    refunded_amount: o.refundedAmount ?? 0,
  });
}
