// After-sales records in the console (CONTRACT.md 8.4): one app's refunds within a createdAt
// (initiation) range, newest first, and the same rows streamed for the export. The range rules
// are the order records' (7.7, lib/domain/date-range.ts) plus one: `from` reaches back at most
// 12 months. The routes (api/console/refund-records) have already checked the app's visibility
// and the role's permission. Reads: nothing here is audited, as the order records' reads are not.
import type { Db } from '../../lib/db/db';
import type { App } from '../../lib/db/repos/apps';
import { decodeCursor, encodeCursor } from '../../lib/db/paging';
import { refundView, type RefundView } from '../../lib/db/repos/refunds';
import { listRefundRecords, streamRefundRecords, type RefundFilter, type RefundKey } from '../../lib/db/repos/refund-records';
import { monthsBefore, REFUND_RECORDS_MONTHS, resolveDateRange } from '../../lib/domain/date-range';
import { canSeeApp, type Principal } from '../../lib/domain/console/principal';
import { exportTurn } from './orders';
import { ConsoleRefused } from './refusals';

/** A list's or an export's query, as the route parsed it (dates still as given). */
export interface RefundQuery {
  from?: string;
  to?: string;
  orderId?: string;
  outTradeNo?: string;
  /** vpay's refundId or the outRefundNo. */
  refundId?: string;
}

export interface RefundPage {
  refunds: RefundView[];
  nextCursor: string | null;
  from: string;
  to: string;
}

/**
 * A list's cursor: the last row's place, and the range it was cut from, so that following
 * `nextCursor` alone pages through the same range (`to` would otherwise default to a later now).
 */
interface ListCursor {
  after: RefundKey;
  from: string;
  to: string;
}

/** A row's created_at as the list writes it into a cursor (KEY_AT: microseconds, UTC). */
const KEY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function readCursor(cursor: string | undefined): ListCursor | undefined {
  if (cursor === undefined) return undefined;
  const [createdAt, refundId, from, to] = decodeCursor(cursor) ?? [];
  const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;
  if (
    !isText(createdAt) ||
    !KEY_TIME.test(createdAt) ||
    Number.isNaN(Date.parse(createdAt)) ||
    !isText(refundId) ||
    !isText(from) ||
    !isText(to)
  ) {
    throw new ConsoleRefused('invalid', 'cursor is not one this API gave');
  }
  return { after: { createdAt, refundId }, from, to };
}

/**
 * The range (given, else the cursor's, else the defaults) and the filters of a query. The 12
 * months are counted from now on every request, a cursor's range included: a page asked for once
 * its `from` has fallen out of them is refused like a new list would be.
 */
function filterOf(q: RefundQuery, cursor?: ListCursor): RefundFilter {
  const now = new Date();
  const range = resolveDateRange({ from: q.from ?? cursor?.from, to: q.to ?? cursor?.to }, now, {
    earliest: monthsBefore(now, REFUND_RECORDS_MONTHS),
  });
  if ('refused' in range) throw new ConsoleRefused('badDateRange', range.refused);
  return { ...range, orderId: q.orderId, outTradeNo: q.outTradeNo, refundId: q.refundId };
}

const refuseUnlessVisible = (p: Principal, app: App): void => {
  if (!canSeeApp(p, app)) throw new ConsoleRefused('appNotFound', 'unknown app');
};

/** One app's refunds, newest first: a page, its cursor and the effective range. */
export async function listAppRefunds(
  { db }: { db: Db },
  p: Principal,
  app: App,
  q: RefundQuery & { limit: number; cursor?: string },
): Promise<RefundPage> {
  refuseUnlessVisible(p, app);
  const cursor = readCursor(q.cursor);
  const f = filterOf(q, cursor);
  const rows = await listRefundRecords(db, app.appId, f, { limit: q.limit + 1, after: cursor?.after });
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  const [from, to] = [f.from.toISOString(), f.to.toISOString()];
  return {
    refunds: items.map(refundView),
    nextCursor: rows.length > q.limit ? encodeCursor([last.key.createdAt, last.key.refundId, from, to]) : null,
    from,
    to,
  };
}

export interface RefundExport {
  from: Date;
  to: Date;
  /** The refunds, newest first, a batch at a time; see streamRefundRecords. */
  batches: AsyncGenerator<RefundView[]>;
}

/**
 * One app's refunds for an export, streamed: the range and filters of the list (checked before
 * anything is sent), then the rows a batch at a time, within the process's export turns (shared
 * with the order export: each holds a database connection). The caller iterates `batches` to the
 * end or breaks out of it, which closes the database cursor.
 */
export function exportAppRefunds({ db }: { db: Db }, p: Principal, app: App, q: RefundQuery): RefundExport {
  refuseUnlessVisible(p, app);
  const f = filterOf(q);
  async function* batches(): AsyncGenerator<RefundView[]> {
    const release = await exportTurn();
    try {
      for await (const rows of streamRefundRecords(db, app.appId, f)) yield rows.map(refundView);
    } finally {
      release();
    }
  }
  return { from: f.from, to: f.to, batches: batches() };
}
