// The console's after-sales records (CONTRACT.md 8.4): one app's refunds newest first within a
// createdAt (initiation) range, and the same rows streamed through a server-side cursor for the
// export. Both walk migrations/009's refunds_app_created backwards and stop after their page:
// neither sorts, neither reads rows outside the range it shows. The rows are 8.2's refunds
// (refunds.ts' toRefund and refundView); nothing here writes.
import type { Knex } from 'knex';
import type { Db } from '../db';
import { streamThroughCursor } from '../cursor-stream';
import { toRefund, type RefundRow } from './refunds';

/** What a list or an export narrows one app's refunds to. */
export interface RefundFilter {
  /** createdAt >= from (inclusive). */
  from: Date;
  /** createdAt < to (exclusive): consecutive ranges neither overlap nor leave a gap. */
  to: Date;
  orderId?: string;
  outTradeNo?: string;
  /** vpay's refundId, or the game's or console's outRefundNo. */
  refundId?: string;
}

/** A row's place in `created_at desc, refund_id desc`: where the next page starts (exclusive). */
export interface RefundKey {
  /** created_at exactly as stored (microseconds): a Date would round it to milliseconds. */
  createdAt: string;
  refundId: string;
}

export interface RefundRecord extends RefundRow {
  /** The row's RefundKey, for the cursor of the page it ends. */
  key: RefundKey;
}

/** created_at as text in UTC with its microseconds, so a cursor names the row exactly. */
const KEY_AT = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key_at`;

const toRecord = (r: any): RefundRecord => ({ ...toRefund(r), key: { createdAt: r.key_at, refundId: r.refund_id } });

/** One app's refunds of the range, filtered, newest first, after `after`. */
function appRefundsQuery(db: Db, appId: string, f: RefundFilter, after?: RefundKey): Knex.QueryBuilder {
  const q = db('refunds')
    .select('refunds.*', db.raw(KEY_AT))
    .where('app_id', appId)
    .andWhere('created_at', '>=', f.from)
    .andWhere('created_at', '<', f.to);
  if (f.orderId !== undefined) void q.andWhere('order_id', f.orderId);
  if (f.outTradeNo !== undefined) void q.andWhere('out_trade_no', f.outTradeNo);
  // Either id: the primary key or the app's unique outRefundNo finds it (a bitmap OR of the two).
  if (f.refundId !== undefined) {
    const id = f.refundId;
    void q.andWhere((w) => void w.where('refund_id', id).orWhere('out_refund_no', id));
  }
  // A row comparison, which the index takes as one range condition on (created_at, refund_id).
  if (after) void q.andWhereRaw('(created_at, refund_id) < (?::timestamptz, ?)', [after.createdAt, after.refundId]);
  return q.orderBy([
    { column: 'created_at', order: 'desc' },
    { column: 'refund_id', order: 'desc' },
  ]);
}

/** Up to `limit` of the app's refunds of the range, newest first, after `after`. */
export async function listRefundRecords(
  db: Db,
  appId: string,
  f: RefundFilter,
  o: { limit: number; after?: RefundKey },
): Promise<RefundRecord[]> {
  return (await refundRecordsQuery(db, appId, f, o)).map(toRecord);
}

/** listRefundRecords' query, as it runs (the plan tests EXPLAIN it). */
export function refundRecordsQuery(db: Db, appId: string, f: RefundFilter, o: { limit: number; after?: RefundKey }): Knex.QueryBuilder {
  return appRefundsQuery(db, appId, f, o.after).limit(o.limit);
}

/** The SQL and bindings of one app's export: every refund of the range, newest first. */
export function refundExportQuery(db: Db, appId: string, f: RefundFilter): Knex.Sql {
  return appRefundsQuery(db, appId, f).toSQL();
}

/**
 * Streams the app's refunds of the range, newest first, in batches of `batchRows`, through a
 * server-side cursor (lib/db/cursor-stream.ts, planned without sorts: refunds_app_created gives
 * the order): the next batch is fetched only when the consumer asks for it; breaking out of the
 * loop closes the cursor and its transaction.
 */
export function streamRefundRecords(db: Db, appId: string, f: RefundFilter, batchRows = 1000): AsyncGenerator<RefundRow[]> {
  return streamThroughCursor(db, refundExportQuery(db, appId, f), { cursorName: 'refund_export', map: toRefund, batchRows });
}
