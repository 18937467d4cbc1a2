// 4. Scale: payment request and order query latencies with the orders table empty and with
// 1,000,000 rows in it, and an export of every order streamed through a server-side cursor, with
// its time and peak RSS; then the console's order records (lists and the CSV/XLSX export through
// vpay's HTTP API, bench/scenarios/order-records.ts) against the same rows. The rows are test data the benchmark generates with its own SQL (one
// INSERT ... SELECT generate_series against the schema), not orders made through vpay.
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Client as PgClient } from 'pg';
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { benchPool, startVpayInstance, type VpayInstance } from '../stack';
import { fmt, fmtInt, mib, summarize, type Summary } from '../stats';
import type { PurchaseStats, QueryStats } from '../agent-protocol';
import { pcts } from './throughput';
import { closedLoop } from '../loops';
import { randomBytes } from 'node:crypto';
import { exportThroughApi, listLatencies, orderRecordPlans } from './order-records';

const pcts2 = (s: Summary) => `${fmt(s.p50, 1)} / ${fmt(s.p95, 1)} / ${fmt(s.p99, 1)}`;

/** Every order row as one JSON line, the way an export would write it. */
function exportLine(r: Record<string, unknown>): string {
  return `${JSON.stringify(r)}\n`;
}

interface ExportStats {
  method: string;
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSec: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  /** Peak RSS while the first half of the rows went out, and while the second half did. */
  rssPeakFirstHalfMiB: number;
  rssPeakSecondHalfMiB: number;
  heapPeakMiB: number;
}

/**
 * Streams rows into a file with backpressure; `fetchBatch` yields batches until it yields none.
 * Memory is sampled after every batch with the rows written so far: bounded memory means the
 * second half of the export peaks no higher than the first (RSS that grows with the rows would not).
 */
async function exportTo(
  file: string,
  method: string,
  expectedRows: number,
  fetchBatch: () => Promise<Record<string, unknown>[]>,
): Promise<ExportStats> {
  const out = fs.createWriteStream(file);
  const mem = () => process.memoryUsage();
  const rssBefore = mem().rss;
  const samples: Array<{ rows: number; rss: number; heap: number }> = [];
  const t0 = performance.now();
  let rows = 0;
  let bytes = 0;
  for (;;) {
    const batch = await fetchBatch();
    if (batch.length === 0) break;
    let chunk = '';
    for (const r of batch) chunk += exportLine(r);
    rows += batch.length;
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
    const m = mem();
    samples.push({ rows, rss: m.rss, heap: m.heapUsed });
  }
  out.end();
  await once(out, 'finish');
  const seconds = (performance.now() - t0) / 1000;
  fs.rmSync(file, { force: true });
  const half = expectedRows / 2;
  const peak = (xs: number[]) => mib(Math.max(rssBefore, ...xs));
  return {
    method,
    rows,
    bytes,
    seconds,
    rowsPerSec: rows / seconds,
    rssBeforeMiB: mib(rssBefore),
    rssPeakMiB: peak(samples.map((x) => x.rss)),
    rssPeakFirstHalfMiB: peak(samples.filter((x) => x.rows <= half).map((x) => x.rss)),
    rssPeakSecondHalfMiB: peak(samples.filter((x) => x.rows > half).map((x) => x.rss)),
    heapPeakMiB: mib(Math.max(0, ...samples.map((x) => x.heap))),
  };
}

async function cursorExport(inst: VpayInstance, file: string, batch: number, expectedRows: number): Promise<ExportStats> {
  const client = new PgClient({ connectionString: inst.databaseUrl });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    await client.query('declare orders_export no scroll cursor for select * from orders');
    const stats = await exportTo(
      file,
      `server-side cursor (DECLARE … FETCH ${batch})`,
      expectedRows,
      async () => (await client.query(`fetch ${batch} from orders_export`)).rows,
    );
    await client.query('commit');
    return stats;
  } finally {
    await client.end();
  }
}

async function keysetExport(inst: VpayInstance, file: string, batch: number, expectedRows: number): Promise<ExportStats> {
  let after = '';
  return exportTo(file, `keyset pagination (order_id > last, LIMIT ${batch})`, expectedRows, async () => {
    const rows = await inst.db('orders').where('order_id', '>', after).orderBy('order_id').limit(batch);
    if (rows.length) after = rows[rows.length - 1].order_id;
    return rows;
  });
}

/**
 * The payment request's own PostgreSQL work, without Temporal: the two reads the API makes (the
 * app with its user's session key; the order by outTradeNo with the item) and the order insert the
 * first activity makes, in a closed loop. The statements are those of lib/db/repos/apps.ts
 * (getAppWithSessionKey), items.ts (getOrderAndItem, its item columns as i.*) and orders.ts
 * (insertNewOrder), written out here with the same query builder so the benchmark does not reach into vpay's repositories: keep them in step, as
 * bench/ceiling/ is kept in step with the purchase. Its orders belong to another app id, so they
 * stay out of the reconciliation.
 */
async function paymentDbPart(inst: VpayInstance, concurrency: number, durationMs: number): Promise<Summary> {
  const db = benchPool(inst.databaseUrl, concurrency);
  const appId = inst.appId;
  try {
    const r = await closedLoop({
      concurrency,
      durationMs,
      iterate: async () => {
        const outTradeNo = `dbp-${randomBytes(8).toString('hex')}`;
        const t0 = performance.now();
        await db('apps as a')
          .where('a.app_id', appId)
          .first(
            'a.*',
            db.raw(
              `(select s.session_key from user_sessions s where s.app_id = a.app_id and s.open_id = ?
                and (s.expires_at is null or s.expires_at > CURRENT_TIMESTAMP)) as vpay_session_key`,
              ['player0'],
            ),
          );
        await db.raw(
          `select o.*, i.* from (select 1) as one
             left join orders o on o.app_id = ? and o.out_trade_no = ?
             left join items i on i.app_id = ? and i.product_id = ?`,
          [appId, outTradeNo, appId, 'gem_pack_100'],
        );
        await db('orders')
          .insert({
            order_id: `dbp${randomBytes(10).toString('hex')}`,
            app_id: 'appdbprobe',
            open_id: 'player0',
            out_trade_no: outTradeNo,
            product_id: 'gem_pack_100',
            buy_quantity: 1,
            goods_price: 199,
            total_amount: 199,
            currency_type: 'USD',
            platform: 'android',
            env: 0,
            attach: 'bench:dbprobe',
            sign_data: JSON.stringify({ mode: 'goods', outTradeNo }),
            status: 'CREATED',
            created_at: new Date().toISOString(),
          })
          .onConflict()
          .ignore()
          .returning('order_id');
        const t1 = performance.now();
        return { ms: t1 - t0, doneAt: t1 };
      },
    });
    return summarize(r.samples.map((x) => x.ms));
  } finally {
    await db.destroy();
  }
}

/**
 * Test data: `rows` DELIVERED orders as the projection leaves them, one every 7 s back from now,
 * written straight into the schema with one INSERT … SELECT generate_series. With `tenthTo`, every
 * tenth goes to that app and the rest over 97 others; with `allTo`, all go to that one app.
 */
async function insertSynthetic(
  inst: VpayInstance,
  o: { idPrefix: string; tradePrefix: string; rows: number } & ({ tenthTo: string } | { allTo: string }),
): Promise<void> {
  const app = 'tenthTo' in o ? `case when i % 10 = 0 then ? else 'appsynthetic' || (i % 97) end` : '?';
  const t = o.tradePrefix;
  await inst.db.raw(
    `insert into orders (order_id, app_id, open_id, out_trade_no, product_id, buy_quantity, goods_price, total_amount,
       currency_type, platform, env, attach, sign_data, status, prepay_id, transaction_id, paid_amount, created_at, paid_at,
       payment_recorded_at, delivered_at, delivery_attempts, updated_at)
     select ? || lpad(i::text, 9, '0'),
            ${app},
            'player' || (i % 5000), '${t}' || i, 'gem_pack_100', 1, 199, 199, 'USD', 'android', 0, 'bench:synthetic',
            '{"mode":"goods","buyQuantity":1,"env":0,"currencyType":"USD","platform":"android","productId":"gem_pack_100","goodsPrice":199,"outTradeNo":"${t}' || i || '","attach":"bench:synthetic"}',
            'DELIVERED', 'pp_${t}' || i, 'txn_${t}' || i, 199, c, c + interval '20 seconds', c + interval '21 seconds', c + interval '22 seconds', 1, c + interval '22 seconds'
       from generate_series(1, ?) as i, lateral (select now() - make_interval(secs => i * 7) as c) t`,
    [o.idPrefix, 'tenthTo' in o ? o.tenthTo : o.allTo, o.rows],
  );
}

export async function scale(ctx: BenchContext): Promise<ScenarioResult> {
  const p = ctx.profile.scale;
  const res = newResult(
    'scale',
    `4. Scale: ${fmtInt(p.rows)} orders in the table`,
    `Payment requests: ${p.concurrency} concurrent whole purchases (closed loop) for ${p.stepMs / 1000} s; order queries: ${p.queryConcurrency} concurrent ` +
      `for ${p.stepMs / 1000} s; first on an empty orders table, then after one INSERT … SELECT generate_series of ${fmtInt(p.rows)} synthetic orders ` +
      '(DELIVERED, spread over 97 apps plus a tenth in the benchmark app, created over the last ~80 days) and VACUUM ANALYZE. ' +
      'The export streams every row as a JSON line into a file. knex `.stream()` needs pg-query-stream, which is not installed, so the cursor is a plain ' +
      'server-side cursor (DECLARE/FETCH in a read-only transaction), the same thing pg-cursor does; keyset pagination is shown beside it. ' +
      "The console's order records are then EXPLAINed and timed through the HTTP API on that table; last, as many orders again, all of one app, " +
      "are added and that app's orders exported through the console (CSV, then XLSX).",
  );
  const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'scale' });
  const agent = ctx.stack.agent;
  const measurePay = async (tag: string): Promise<PurchaseStats> => {
    const s = await agent.call('closedLoop', {
      instance: inst.name,
      concurrency: p.concurrency,
      durationMs: p.stepMs,
      tag,
      deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
    });
    noErrors(res, `scale payments (${tag})`, s);
    return s;
  };
  const measureQuery = async (what: string, outTradeNos?: string[]): Promise<QueryStats> => {
    const s = await agent.call('queryLoop', { instance: inst.name, concurrency: p.queryConcurrency, durationMs: p.stepMs, outTradeNos });
    noErrors(res, `scale order queries (${what})`, s);
    return s;
  };
  try {
    await agent.call('closedLoop', {
      instance: inst.name,
      concurrency: p.concurrency,
      durationMs: ctx.profile.warmupMs,
      tag: 'warm',
      deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
    });
    ctx.log('scale: measuring on the empty table');
    const emptyPay = await measurePay('empty');
    const emptyQuery = await measureQuery('empty table');
    const emptyDb = await paymentDbPart(inst, p.concurrency, p.stepMs / 3);

    ctx.log(`scale: inserting ${fmtInt(p.rows)} orders`);
    // Test data: DELIVERED orders as the projection leaves them, written straight into the schema.
    const t0 = performance.now();
    await insertSynthetic(inst, { idPrefix: 'syn', tradePrefix: 'S', rows: p.rows, tenthTo: inst.appId });
    const insertSec = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await inst.db.raw('vacuum analyze orders');
    const vacuumSec = (performance.now() - t1) / 1000;
    const { rows: sizeRows } = await inst.db.raw(`select count(*)::bigint as n, pg_total_relation_size('orders') as bytes from orders`);
    const tableRows = Number(sizeRows[0].n);
    const tableBytes = Number(sizeRows[0].bytes);
    ctx.log(
      `scale: ${fmtInt(tableRows)} rows in ${fmt(insertSec)} s (+ ${fmt(vacuumSec)} s VACUUM ANALYZE), ${fmt(mib(tableBytes), 0)} MiB with indexes`,
    );

    ctx.log('scale: measuring on the full table');
    const fullPay = await measurePay('full');
    const recentQuery = await measureQuery('recent orders');
    const synthetic = Array.from({ length: 2000 }, () => `S${10 * (1 + Math.floor(Math.random() * Math.floor(p.rows / 10)))}`);
    const oldQuery = await measureQuery('old synthetic orders', synthetic);
    const fullDb = await paymentDbPart(inst, p.concurrency, p.stepMs / 3);

    ctx.log('scale: exporting every order');
    const { rows: countRows } = await inst.db.raw('select count(*)::bigint as n from orders');
    const exportRows = Number(countRows[0].n);
    const file = path.join(ctx.stack.dir, 'orders-export.jsonl');
    const exports = [await cursorExport(inst, file, p.fetchRows, exportRows), await keysetExport(inst, file, p.fetchRows, exportRows)];
    for (const e of exports) {
      res.checks.push({
        name: `scale: the export by ${e.method.split(' (')[0]} has every row`,
        ok: e.rows === exportRows,
        detail: `${fmtInt(e.rows)} rows exported, ${fmtInt(exportRows)} in the table`,
      });
    }

    ctx.log("scale: the console's order records");
    const plans = await orderRecordPlans(inst, inst.appId);
    // Plans are costed on the table's size: a few thousand rows (--smoke) are read whole more
    // cheaply than through an index, so the plans are checked at full size only.
    for (const pl of p.rows >= 100_000 ? plans : []) {
      res.checks.push({
        name: `scale: the plan of ${pl.what} reads ${pl.indexes.join(' or ')}, no table scan${pl.sorted ? '' : ', no sort'}`,
        ok: pl.ok,
        detail: `${pl.scans.join('; ') || 'no scan of orders'}${pl.sorted ? '; sorts' : ''}`,
      });
    }
    // 30 requests a list at full size; a handful under --smoke.
    const lists = await listLatencies(inst, inst.appId, p.rows >= 100_000 ? 30 : 5, 20);
    // The console's export of one app holding p.rows orders of its own (the table doubles): bounded
    // memory is shown over the whole size, not the tenth the benchmark app has.
    ctx.log(`scale: ${fmtInt(p.rows)} more orders, all of one app, for the console's export`);
    const bigApp = 'appsyntheticbig';
    await inst.db('apps').insert({ app_id: bigApp, name: 'bench: one app with every order of a second million' });
    await insertSynthetic(inst, { idPrefix: 'synb', tradePrefix: 'B', rows: p.rows, allTo: bigApp });
    await inst.db.raw('vacuum analyze orders');
    const apiFrom = new Date(Date.now() - 90 * 86_400_000);
    const apiExports = [await exportThroughApi(inst, bigApp, 'csv', apiFrom), await exportThroughApi(inst, bigApp, 'xlsx', apiFrom)];
    const { rows: appRows } = await inst.db.raw('select count(*)::bigint as n from orders where app_id = ? and created_at >= ?', [
      bigApp,
      apiFrom,
    ]);
    res.checks.push({
      name: "scale: the console's CSV export has every order of its range",
      ok: apiExports[0].rows === Number(appRows[0].n),
      detail: `${fmtInt(apiExports[0].rows)} rows exported, ${fmtInt(Number(appRows[0].n))} in the range`,
    });

    const payRatio = fullPay.req.p99 / emptyPay.req.p99;
    const queryRatio = Math.max(recentQuery.latency.p99, oldQuery.latency.p99) / emptyQuery.latency.p99;
    res.tables.push({
      title: 'Latencies, empty table vs full table',
      columns: ['measure', 'empty table', `${fmtInt(tableRows)} rows`, 'p99 full / empty'],
      rows: [
        ['payment request p50 / p95 / p99 (ms)', pcts(emptyPay.req), pcts(fullPay.req), fmt(payRatio, 2)],
        [
          '… its PostgreSQL part alone (4 reads + the order insert, no Temporal), p50 / p95 / p99 (ms)',
          pcts2(emptyDb),
          pcts2(fullDb),
          fmt(fullDb.p99 / emptyDb.p99, 2),
        ],
        ['purchases/s at the same load', fmt(emptyPay.ratePerSec), fmt(fullPay.ratePerSec), ''],
        [
          'order query p50 / p95 / p99 (ms), recent orders',
          pcts(emptyQuery.latency),
          pcts(recentQuery.latency),
          fmt(recentQuery.latency.p99 / emptyQuery.latency.p99, 2),
        ],
        [
          'order query p50 / p95 / p99 (ms), random old orders',
          '',
          pcts(oldQuery.latency),
          fmt(oldQuery.latency.p99 / emptyQuery.latency.p99, 2),
        ],
        ['order queries/s', fmt(emptyQuery.ratePerSec, 0), `${fmt(recentQuery.ratePerSec, 0)} / ${fmt(oldQuery.ratePerSec, 0)}`, ''],
      ],
    });
    res.tables.push({
      title: 'Bulk load and export',
      columns: [
        'step',
        'rows',
        'time (s)',
        'rows/s',
        'size',
        'RSS before → peak (MiB)',
        'RSS peak, 1st half → 2nd half of the rows (MiB)',
        'JS heap peak (MiB)',
      ],
      rows: [
        [
          'INSERT … SELECT generate_series',
          fmtInt(p.rows),
          fmt(insertSec),
          fmtInt(p.rows / insertSec),
          `${fmt(mib(tableBytes), 0)} MiB table + indexes`,
          '',
          '',
          '',
        ],
        ['VACUUM ANALYZE orders', '', fmt(vacuumSec), '', '', '', '', ''],
        ...exports.map((e) => [
          `export, ${e.method}`,
          fmtInt(e.rows),
          fmt(e.seconds),
          fmtInt(e.rowsPerSec),
          `${fmt(mib(e.bytes), 0)} MiB of JSON lines`,
          `${fmt(e.rssBeforeMiB, 0)} → ${fmt(e.rssPeakMiB, 0)} (+${fmt(e.rssPeakMiB - e.rssBeforeMiB, 0)})`,
          `${fmt(e.rssPeakFirstHalfMiB, 0)} → ${fmt(e.rssPeakSecondHalfMiB, 0)}`,
          fmt(e.heapPeakMiB, 0),
        ]),
      ],
    });
    res.tables.push({
      title: `Console order records: PostgreSQL's plans on ${fmtInt(tableRows)} rows (EXPLAIN of the API's own queries)`,
      columns: ['list', 'index made for it (or others giving its order)', 'scans of orders', 'sort', 'ok'],
      rows: plans.map((pl) => [
        pl.what,
        pl.indexes.join(' (or ') + (pl.indexes.length > 1 ? ')' : ''),
        pl.scans.join('; '),
        pl.sorted ? 'yes' : 'no',
        pl.ok ? 'yes' : '**no**',
      ]),
    });
    res.tables.push({
      title: `Console order records on ${fmtInt(tableRows)} rows (HTTP, as the super admin; the app has a tenth of them)`,
      columns: ['request', 'orders answered', 'p50 / p95 / p99 (ms)', 'n'],
      rows: lists.map((l) => [l.what, fmtInt(l.orders), pcts2(l.summary), fmtInt(l.summary.n)]),
    });
    res.tables.push({
      title: `Console order export (HTTP, streamed through a database cursor): one app's ${fmtInt(apiExports[0].rows)} orders of the last 90 days`,
      columns: [
        'format',
        'orders',
        'size',
        'first byte (ms)',
        'time (s)',
        'RSS before → peak (MiB)',
        'RSS peak, 1st half → 2nd half of the bytes (MiB)',
      ],
      rows: apiExports.map((e) => [
        e.format,
        e.format === 'csv' ? fmtInt(e.rows) : fmtInt(apiExports[0].rows),
        `${fmt(mib(e.bytes), 1)} MiB`,
        fmt(e.firstByteMs, 0),
        fmt(e.seconds),
        `${fmt(e.rssBeforeMiB, 0)} → ${fmt(e.rssPeakMiB, 0)} (+${fmt(e.rssPeakMiB - e.rssBeforeMiB, 0)})`,
        `${fmt(e.rssPeakFirstHalfMiB, 0)} → ${fmt(e.rssPeakSecondHalfMiB, 0)}`,
      ]),
    });
    const worstList = Math.max(...lists.map((l) => l.summary.p99));
    res.targets.push(
      {
        name: `console order lists p99 with ${fmtInt(tableRows)} rows (worst of ${lists.length})`,
        goal: '≤ 100 ms',
        value: `${fmt(worstList, 1)} ms`,
        met: worstList <= 100,
      },
      {
        name: 'console export memory bounded (RSS of the process serving it)',
        goal: 'RSS peak in the 2nd half of the bytes ≤ 1st half + 10 %',
        value: apiExports.map((e) => `${e.format}: ${fmt(e.rssPeakFirstHalfMiB, 0)} → ${fmt(e.rssPeakSecondHalfMiB, 0)} MiB`).join('; '),
        met: apiExports.every((e) => e.rssPeakSecondHalfMiB <= e.rssPeakFirstHalfMiB * 1.1),
      },
    );
    res.findings.push(
      `The console's order lists answered in at most ${fmt(worstList, 1)} ms at p99 with ${fmtInt(tableRows)} orders in the table (first page, ` +
        `pages deep behind cursors, across apps, a player's 90 days); its export streamed ${fmtInt(apiExports[0].rows)} orders as CSV ` +
        `(${fmt(mib(apiExports[0].bytes), 0)} MiB, first byte after ${fmt(apiExports[0].firstByteMs, 0)} ms, ${fmt(apiExports[0].seconds)} s) and as XLSX ` +
        `(${fmt(mib(apiExports[1].bytes), 0)} MiB, ${fmt(apiExports[1].seconds)} s), RSS ${apiExports.map((e) => `${fmt(e.rssPeakFirstHalfMiB, 0)} → ${fmt(e.rssPeakSecondHalfMiB, 0)} MiB`).join(' and ')} ` +
        'from the first half of the bytes to the second.',
    );
    res.targets.push(
      {
        name: `payment request p99 with ${fmtInt(tableRows)} rows vs empty`,
        goal: 'within 20 %',
        value: `${fmt(emptyPay.req.p99, 0)} → ${fmt(fullPay.req.p99, 0)} ms (×${fmt(payRatio, 2)})`,
        met: payRatio <= 1.2,
      },
      {
        name: `order query p99 with ${fmtInt(tableRows)} rows vs empty (worse of recent/old)`,
        goal: 'within 20 %',
        value: `${fmt(emptyQuery.latency.p99, 1)} → ${fmt(Math.max(recentQuery.latency.p99, oldQuery.latency.p99), 1)} ms (×${fmt(queryRatio, 2)})`,
        met: queryRatio <= 1.2,
      },
      {
        name: 'export memory bounded (does not grow with the rows)',
        goal: 'RSS peak in the 2nd half of the rows ≤ 1st half + 10 %',
        value: exports
          .map((e) => `${e.method.split(' (')[0]}: ${fmt(e.rssPeakFirstHalfMiB, 0)} → ${fmt(e.rssPeakSecondHalfMiB, 0)} MiB`)
          .join('; '),
        met: exports.every((e) => e.rssPeakSecondHalfMiB <= e.rssPeakFirstHalfMiB * 1.1),
      },
    );
    res.findings.push(
      `With ${fmtInt(tableRows)} orders the payment request p99 went ${fmt(emptyPay.req.p99, 0)} → ${fmt(fullPay.req.p99, 0)} ms and the order query p99 ` +
        `${fmt(emptyQuery.latency.p99, 1)} → ${fmt(recentQuery.latency.p99, 1)} ms (recent) / ${fmt(oldQuery.latency.p99, 1)} ms (old); ` +
        `the payment request's own PostgreSQL work went ${fmt(emptyDb.p99, 1)} → ${fmt(fullDb.p99, 1)} ms at p99 (every lookup is by an index; the rest of the request is Temporal).`,
      `Exporting ${fmtInt(exports[0].rows)} orders (${fmt(mib(exports[0].bytes), 0)} MiB of JSON) took ${fmt(exports[0].seconds)} s through a cursor ` +
        `(RSS +${fmt(exports[0].rssPeakMiB - exports[0].rssBeforeMiB, 0)} MiB at its peak; ${fmt(exports[0].rssPeakFirstHalfMiB, 0)} MiB in the first half of the rows, ${fmt(exports[0].rssPeakSecondHalfMiB, 0)} MiB in the second) ` +
        `and ${fmt(exports[1].seconds)} s by keyset pages (+${fmt(exports[1].rssPeakMiB - exports[1].rssBeforeMiB, 0)} MiB)` +
        (exports.every((e) => e.rssPeakSecondHalfMiB <= e.rssPeakFirstHalfMiB * 1.1)
          ? ": memory does not grow with the rows exported (one batch at a time plus the garbage collector's slack)."
          : ': **RSS kept growing in the second half of the rows**, so something holds on to exported rows.'),
    );
    await reconcile(ctx, inst, res);
    res.raw = {
      emptyPay,
      emptyQuery,
      emptyDb,
      fullPay,
      recentQuery,
      oldQuery,
      fullDb,
      insertSec,
      vacuumSec,
      tableRows,
      tableBytes,
      exports,
      lists,
      plans,
      apiExports,
    };
  } finally {
    await inst.stop();
  }
  return res;
}
