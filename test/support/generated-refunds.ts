// Refund rows written straight into the schema for the after-sales record tests (lists, exports,
// query plans), since they read only the refunds table: generated orders (generated-orders.ts),
// then one refund per order in one INSERT ... SELECT generate_series, and single rows with chosen
// fields. They are test data, not refunds: no workflow runs for them, no order's amounts change.
import type { Knex } from 'knex';
import { insertGeneratedOrders } from './generated-orders';
import type { RefundSource, RefundStatus } from '../../lib/db/repos/refunds';

export interface GeneratedRefunds {
  count: number;
  /** Row i belongs to appIds[i % appIds.length], as its order does. */
  appIds: string[];
  /**
   * Refund i is `${prefix}r` + i (9 digits), on the order `${prefix}` + i (9 digits, outTradeNo
   * `${prefix}T${i}`); a game's or the console's refund has outRefundNo `${prefix}R${i}`.
   */
  prefix: string;
  /** Refund 1 is created at `newest`, refund i `stepMs` * (i - 1) before it (its order an hour before). */
  newest: Date;
  stepMs: number;
  /** Refunds per distinct created_at (ties, ordered by refundId). Default 1. */
  sameTime?: number;
  /** Characters of filler added to each reason (a larger export). Default 0. */
  reasonPadding?: number;
}

/**
 * Inserts `count` orders and one refund of each: refund i has source superapp (i % 3 = 0, no
 * outRefundNo), game (1) or console (2); status FAILED when i % 10 = 0, PENDING when 1, else
 * SUCCEEDED (refunded and notified 5 and 6 s after its creation); amount 1 + i % 199 USD.
 */
export async function insertGeneratedRefunds(db: Knex, g: GeneratedRefunds): Promise<void> {
  await insertGeneratedOrders(db, {
    count: g.count,
    appIds: g.appIds,
    prefix: g.prefix,
    newest: new Date(g.newest.getTime() - 3_600_000),
    stepMs: g.stepMs,
    sameTime: g.sameTime,
  });
  await db.raw(
    `insert into refunds (refund_id, source, app_id, order_id, out_trade_no, out_refund_no, open_id, transaction_id,
       refund_amount, currency_type, reason, status, fail_reason, env, created_at, refunded_at, notified_at,
       notify_attempts, updated_at)
     select ? || 'r' || lpad(i::text, 9, '0'),
            (array['superapp', 'game', 'console'])[1 + i % 3],
            (?::text[])[1 + i % ?],
            ? || lpad(i::text, 9, '0'),
            ? || 'T' || i,
            case when i % 3 = 0 then null else ? || 'R' || i end,
            'player' || (i % 500), 'txn_' || i, 1 + i % 199, 'USD',
            'refund ' || i || repeat('.', ?),
            case i % 10 when 0 then 'FAILED' when 1 then 'PENDING' else 'SUCCEEDED' end,
            case i % 10 when 0 then 'refused by the superapp' end,
            i % 2,
            c,
            case when i % 10 > 1 then c + interval '5 seconds' end,
            case when i % 10 > 1 then c + interval '6 seconds' end,
            case when i % 10 > 1 then 1 else 0 end,
            c + interval '6 seconds'
       from generate_series(1, ?) as i,
            lateral (select ?::timestamptz - make_interval(secs => ((i - 1) / ?::int)::float8 * ?::float8 / 1000) as c) t`,
    [
      g.prefix,
      g.appIds,
      g.appIds.length,
      g.prefix,
      g.prefix,
      g.prefix,
      g.reasonPadding ?? 0,
      g.count,
      g.newest.toISOString(),
      g.sameTime ?? 1,
      g.stepMs,
    ],
  );
}

/** One refund with chosen fields, of an existing order (its appId, outTradeNo and openId are copied). */
export async function insertRefund(
  db: Knex,
  r: {
    refundId: string;
    orderId: string;
    createdAt: Date | string;
    source?: RefundSource;
    outRefundNo?: string | null;
    status?: RefundStatus;
    reason?: string;
    refundAmount?: number;
  },
): Promise<void> {
  const order = await db('orders').where({ order_id: r.orderId }).first();
  if (!order) throw new Error(`no order ${r.orderId}`);
  const status = r.status ?? 'SUCCEEDED';
  const createdAt = typeof r.createdAt === 'string' ? r.createdAt : r.createdAt.toISOString();
  await db('refunds').insert({
    refund_id: r.refundId,
    source: r.source ?? (r.outRefundNo ? 'game' : 'superapp'),
    app_id: order.app_id,
    order_id: order.order_id,
    out_trade_no: order.out_trade_no,
    out_refund_no: r.outRefundNo ?? null,
    open_id: order.open_id,
    transaction_id: order.transaction_id ?? 'txn_none',
    refund_amount: r.refundAmount ?? 1,
    currency_type: order.currency_type,
    reason: r.reason ?? '',
    status,
    fail_reason: status === 'FAILED' ? 'refused by the superapp' : null,
    env: order.env,
    created_at: createdAt,
    refunded_at: status === 'SUCCEEDED' ? createdAt : null,
  });
}
