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
