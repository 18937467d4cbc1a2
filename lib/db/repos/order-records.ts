// The console's order records (CONTRACT.md 7.7): lists of orders newest first within a createdAt
// range, the same rows streamed through a server-side cursor for the exports, and an order's
// delivery attempts. Every list walks one of migrations/008's indexes backwards and stops after
// its page: none sorts, none reads rows outside the range it shows.
import type { Knex } from 'knex';
import type { Db } from '../db';
import type { OrderStatus } from '../../domain/order';
import { toOrder, type OrderRow } from './orders';
import { EXPORT_SETTINGS, streamThroughCursor } from '../cursor-stream';

/** What a list or an export narrows the orders to, besides their app. */
export interface OrderFilter {
  /** createdAt >= from (inclusive). */
  from: Date;
  /** createdAt < to (exclusive): consecutive ranges neither overlap nor leave a gap. */
  to: Date;
  status?: OrderStatus;
  env?: 0 | 1;
  orderId?: string;
  outTradeNo?: string;
  openId?: string;
  productId?: string;
}

/** A row's place in `created_at desc, order_id desc`: where the next page starts (exclusive). */
export interface OrderKey {
  /** created_at exactly as stored (microseconds): a Date would round it to milliseconds. */
  createdAt: string;
  orderId: string;
}

/** Which apps' orders: one app, the apps of one team, or every app. */
export type OrderScope = { appId: string } | { teamId: string } | 'all';

export interface OrderRecord extends OrderRow {
  /** The row's OrderKey, for the cursor of the page it ends. */
  key: OrderKey;
}

/** created_at as text in UTC with its microseconds, so a cursor names the row exactly. */
const KEY_AT = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key_at`;

const NEWEST_FIRST = [
  { column: 'created_at', order: 'desc' },
  { column: 'order_id', order: 'desc' },
] as const;

const toRecord = (r: any): OrderRecord => ({ ...toOrder(r), key: { createdAt: r.key_at, orderId: r.order_id } });

/** The range, the filters and the cursor, on a query over `orders`. */
function narrow(q: Knex.QueryBuilder, f: OrderFilter, after?: OrderKey): Knex.QueryBuilder {
  void q.where('created_at', '>=', f.from).andWhere('created_at', '<', f.to);
  if (f.status !== undefined) void q.andWhere('status', f.status);
  if (f.env !== undefined) void q.andWhere('env', f.env);
  if (f.orderId !== undefined) void q.andWhere('order_id', f.orderId);
  if (f.outTradeNo !== undefined) void q.andWhere('out_trade_no', f.outTradeNo);
  if (f.openId !== undefined) void q.andWhere('open_id', f.openId);
  if (f.productId !== undefined) void q.andWhere('product_id', f.productId);
  // A row comparison, which the index takes as one range condition on (created_at, order_id).
  if (after) void q.andWhereRaw('(created_at, order_id) < (?::timestamptz, ?)', [after.createdAt, after.orderId]);
  return q;
}

/** One app's orders, or every app's: newest first, from `after` on. */
function appOrdersQuery(db: Db, scope: { appId: string } | 'all', f: OrderFilter, after?: OrderKey): Knex.QueryBuilder {
  const q = db('orders').select('orders.*', db.raw(KEY_AT));
  if (scope !== 'all') void q.where('app_id', scope.appId);
  return narrow(q, f, after).orderBy([...NEWEST_FIRST]);
}

/**
 * Up to `limit` orders of the scope, newest first, after `after`. A team's orders are merged
 * from each of its apps' own newest `limit` (a lateral join), so a small team is never found by
 * scanning every app's orders of the range.
 */
export async function listOrderRecords(
  db: Db,
  scope: OrderScope,
  f: OrderFilter,
  o: { limit: number; after?: OrderKey },
): Promise<OrderRecord[]> {
  return (await orderRecordsQuery(db, scope, f, o)).map(toRecord);
}

/** listOrderRecords' query, as it runs (the plan tests EXPLAIN it). */
export function orderRecordsQuery(db: Db, scope: OrderScope, f: OrderFilter, o: { limit: number; after?: OrderKey }): Knex.QueryBuilder {
  if (scope === 'all' || 'appId' in scope) return appOrdersQuery(db, scope, f, o.after).limit(o.limit);
  const perApp = narrow(db('orders').select('orders.*', db.raw(KEY_AT)).whereRaw('orders.app_id = a.app_id'), f, o.after)
    .orderBy([...NEWEST_FIRST])
    .limit(o.limit);
  return db
    .select('o.*')
    .from('apps as a')
    .crossJoin(db.raw('lateral (?) as o', [perApp]))
    .where('a.team_id', scope.teamId)
    .orderBy([
      { column: 'o.created_at', order: 'desc' },
      { column: 'o.order_id', order: 'desc' },
    ])
    .limit(o.limit);
}

/** The SQL and bindings of one app's export: every order of the range, newest first. */
export function exportQuery(db: Db, appId: string, f: OrderFilter): Knex.Sql {
  return appOrdersQuery(db, { appId }, f).toSQL();
}

/** The export transaction's settings (lib/db/cursor-stream.ts): orders_app_created always gives the export's order. */
export { EXPORT_SETTINGS };

/**
 * Streams one app's orders of the range, newest first, in batches of `batchRows`, through a
 * server-side cursor (lib/db/cursor-stream.ts): the next batch is fetched only when the consumer
 * asks for it; breaking out of the loop closes the cursor and its transaction.
 */
export function streamOrderRecords(db: Db, appId: string, f: OrderFilter, batchRows = 1000): AsyncGenerator<OrderRow[]> {
  return streamThroughCursor(db, exportQuery(db, appId, f), { cursorName: 'order_export', map: toOrder, batchRows });
}

export interface DeliveryAttemptView {
  attempt: number;
  at: Date;
  url: string;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * The order's last `limit` delivery attempts (redeliveries included), in the order they were
 * made. A delivery that failed for months has thousands; the order's deliveryAttempts counts all.
 */
export async function listDeliveryAttempts(db: Db, orderId: string, limit = 500): Promise<DeliveryAttemptView[]> {
  const rows = await db
    .select('*')
    .from(
      db('delivery_attempts')
        .where({ order_id: orderId })
        .orderBy([
          { column: 'attempt', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit)
        .as('last'),
    )
    .orderBy([{ column: 'attempt' }, { column: 'id' }]);
  return rows.map((r: any) => ({
    attempt: r.attempt,
    at: r.attempted_at,
    url: r.url,
    ok: r.ok,
    httpStatus: r.http_status,
    error: r.error,
    durationMs: r.duration_ms,
  }));
}

/** The order when it belongs to the app; undefined otherwise (another app's order is not there). */
export async function getAppOrder(db: Db, appId: string, orderId: string): Promise<OrderRow | undefined> {
  const row = await db('orders').where({ order_id: orderId, app_id: appId }).first();
  return row ? toOrder(row) : undefined;
}
