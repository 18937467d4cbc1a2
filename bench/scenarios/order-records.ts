// The console's order records (CONTRACT.md 7.7) against the scale scenario's full orders table,
// through vpay's own HTTP API as the built-in super admin (ADMIN_TOKEN): list latencies (the
// first page, pages deep behind cursors, across apps, a player's orders over 90 days, a filter
// that matches nothing, one order's detail), and the export streamed as CSV and as XLSX with its
// time to first byte, throughput and the RSS of this process (which runs the API) sampled as the
// bytes arrive. Flat RSS (the second half of the bytes peaking no higher than the first) is what
// "bounded memory" means here.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { VpayInstance } from '../stack';
import { explain, sorts, tableScans } from '../../lib/db/query-plans';
import { EXPORT_SETTINGS, exportQuery, orderRecordsQuery, type OrderFilter, type OrderScope } from '../../lib/db/repos/order-records';
import { mib, summarize, type Summary } from '../stats';

export interface ListLatency {
  what: string;
  summary: Summary;
  /** Orders in the answers (per request, the last one). */
  orders: number;
}

export interface ApiExportStats {
  format: 'csv' | 'xlsx';
  bytes: number;
  /** CSV: lines less the header (= orders). XLSX: unknown without unzipping (0). */
  rows: number;
  firstByteMs: number;
  seconds: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssPeakFirstHalfMiB: number;
  rssPeakSecondHalfMiB: number;
}

function get(inst: VpayInstance, path: string): Promise<{ status: number; json: any; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(`${inst.url}/v1/console${path}`, { headers: { authorization: `Bearer ${inst.config.adminToken}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const ms = performance.now() - t0;
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')), ms });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('error', reject);
  });
}

async function ok(inst: VpayInstance, path: string): Promise<{ json: any; ms: number }> {
  const r = await get(inst, path);
  if (r.status !== 200) throw new Error(`GET /v1/console${path}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return r;
}

/** `reps` sequential requests of one list (after one unmeasured, to warm the plan and the cache). */
async function repeat(inst: VpayInstance, what: string, path: string, reps: number): Promise<ListLatency> {
  await ok(inst, path);
  const ms: number[] = [];
  let orders = 0;
  for (let i = 0; i < reps; i++) {
    const r = await ok(inst, path);
    ms.push(r.ms);
    orders = r.json.orders?.length ?? (r.json.order ? 1 : 0);
  }
  return { what, summary: summarize(ms), orders };
}

export async function listLatencies(inst: VpayInstance, appId: string, reps: number, deepPages: number): Promise<ListLatency[]> {
  const from90 = new Date(Date.now() - 90 * 86_400_000).toISOString();
  const out: ListLatency[] = [];
  out.push(await repeat(inst, "one app's orders, first page (50)", `/apps/${appId}/orders?limit=50`, reps));
  // Pages deep behind cursors: each page a keyset step, so page N costs what page 1 does.
  const deep: number[] = [];
  let cursor: string | null = null;
  let path = `/apps/${appId}/orders?limit=50&from=${from90}`;
  for (let page = 0; page < deepPages; page++) {
    const r: { json: any; ms: number } = await ok(inst, cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path);
    deep.push(r.ms);
    cursor = r.json.nextCursor;
    if (!cursor) break;
  }
  out.push({ what: `one app's orders over 90 days, pages 1 to ${deep.length} by cursor`, summary: summarize(deep), orders: 50 });
  out.push(await repeat(inst, 'every app (platform roles), first page', '/orders?limit=50', reps));
  out.push(await repeat(inst, "a player's orders over 90 days", `/apps/${appId}/orders?openId=player10&from=${from90}`, reps));
  out.push(await repeat(inst, 'a status no order of the week has (scans the week)', `/apps/${appId}/orders?status=CREATED`, reps));
  path = `/apps/${appId}/orders?limit=1`;
  const orderId = (await ok(inst, path)).json.orders[0]?.orderId;
  if (orderId) out.push(await repeat(inst, 'one order with its delivery attempts', `/apps/${appId}/orders/${orderId}`, reps));
  return out;
}

/** Streams one export, discarding it, sampling RSS per chunk. */
export function exportThroughApi(inst: VpayInstance, appId: string, format: 'csv' | 'xlsx', from: Date): Promise<ApiExportStats> {
  const rssBefore = process.memoryUsage().rss;
  const samples: Array<{ bytes: number; rss: number }> = [];
  const t0 = performance.now();
  let firstByteMs = 0;
  let bytes = 0;
  let lines = 0;
  let lastSample = 0;
  return new Promise((resolve, reject) => {
    const url = `${inst.url}/v1/console/apps/${appId}/orders/export?format=${format}&from=${from.toISOString()}`;
    const req = http.get(url, { headers: { authorization: `Bearer ${inst.config.adminToken}` } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`export ${format}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) firstByteMs = performance.now() - t0;
        bytes += chunk.length;
        if (format === 'csv') for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        // Every 256 KiB: memoryUsage is a system call.
        if (bytes - lastSample >= 256 * 1024) {
          lastSample = bytes;
          samples.push({ bytes, rss: process.memoryUsage().rss });
        }
      });
      res.on('error', reject);
      res.on('end', () => {
        const seconds = (performance.now() - t0) / 1000;
        const peak = (xs: number[]) => mib(Math.max(rssBefore, ...xs));
        resolve({
          format,
          bytes,
          rows: format === 'csv' ? Math.max(0, lines - 1) : 0,
          firstByteMs,
          seconds,
          rssBeforeMiB: mib(rssBefore),
          rssPeakMiB: peak(samples.map((s) => s.rss)),
          rssPeakFirstHalfMiB: peak(samples.filter((s) => s.bytes <= bytes / 2).map((s) => s.rss)),
          rssPeakSecondHalfMiB: peak(samples.filter((s) => s.bytes > bytes / 2).map((s) => s.rss)),
        });
      });
    });
    req.on('error', reject);
  });
}

export interface ListPlan {
  what: string;
  /**
   * The indexes the list may read (migrations/008_order_record_indexes.ts): the first is the one
   * made for it; the others also give its order, and may be cheaper when the filter is not
   * selective (every synthetic order is of one item) or the range is the app's every row.
   */
  indexes: string[];
  /** The plan's scans of orders ("Index Scan on …"); no "Seq Scan". */
  scans: string[];
  sorted: boolean;
  /** Every scan reads the expected index, and the unfiltered lists and the export sort nothing. */
  ok: boolean;
}

/**
 * The plans PostgreSQL makes for the console's lists and export on the full table: the same
 * query builders the API runs (lib/db/repos/order-records.ts), EXPLAINed, not run.
 */
export async function orderRecordPlans(inst: VpayInstance, appId: string): Promise<ListPlan[]> {
  const now = new Date();
  const week: OrderFilter = { from: new Date(now.getTime() - 7 * 86_400_000), to: now };
  const year: OrderFilter = { from: new Date(now.getTime() - 365 * 86_400_000), to: now };
  const yesterday = { createdAt: new Date(now.getTime() - 86_400_000).toISOString(), orderId: 'syn999999999' };
  const list = (scope: OrderScope, f: OrderFilter, after?: typeof yesterday) =>
    orderRecordsQuery(inst.db, scope, f, { limit: 51, after }).toSQL();
  const cases: Array<{ what: string; indexes: string[]; unsorted: boolean; plan: () => ReturnType<typeof explain> }> = [
    {
      what: "one app's week, first page",
      indexes: ['orders_app_created'],
      unsorted: true,
      plan: () => explain(inst.db, list({ appId }, week)),
    },
    {
      what: "one app's week, a page behind a cursor",
      indexes: ['orders_app_created'],
      unsorted: true,
      plan: () => explain(inst.db, list({ appId }, week, yesterday)),
    },
    {
      what: 'every app (platform roles), first page',
      indexes: ['orders_created'],
      unsorted: true,
      plan: () => explain(inst.db, list('all', week)),
    },
    {
      what: "a player's orders over a year",
      indexes: ['orders_app_open_id'],
      unsorted: false,
      plan: () => explain(inst.db, list({ appId }, { ...year, openId: 'player10' })),
    },
    {
      what: "an item's orders over a week",
      indexes: ['orders_app_product', 'orders_app_created'],
      unsorted: false,
      plan: () => explain(inst.db, list({ appId }, { ...week, productId: 'gem_pack_100' })),
    },
    {
      what: "the export of an app's year (its cursor's query and settings)",
      indexes: ['orders_app_created', 'orders_created'],
      unsorted: true,
      plan: () => explain(inst.db, exportQuery(inst.db, appId, year), EXPORT_SETTINGS),
    },
  ];
  const out: ListPlan[] = [];
  for (const c of cases) {
    const plan = await c.plan();
    const scans = tableScans(plan, 'orders');
    const sorted = sorts(plan);
    // "Index Scan on a", or "Bitmap Heap Scan on a + b" when a bitmap scan combines indexes.
    const onIndex =
      scans.length > 0 &&
      scans.every((s) =>
        s
          .split(/ on | \+ /)
          .slice(1)
          .every((i) => c.indexes.includes(i)),
      );
    out.push({ what: c.what, indexes: c.indexes, scans, sorted, ok: onIndex && !(c.unsorted && sorted) });
  }
  return out;
}
