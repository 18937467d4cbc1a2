// 2b (extra). The Temporal store: the throughput and ceiling sweeps again, on a second dev server
// started by tools/dev/temporal-dev-server.ts with `sqliteWal: false`, i.e. SQLite's rollback journal as
// every run had it before WAL became the default. Scenarios 1-2 ran on WAL, so the two together
// show what WAL bought, and what of scenarios 1-2 is the store rather than vpay or Temporal as such.
import path from 'node:path';
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { bareDeliveredOnce, reconcile } from '../checks';
import { startVpayInstance } from '../stack';
import { CURRENT_STORES } from '../stores';
import { fmt } from '../stats';
import { freePort } from '../../tools/dev/free-port';
import { SQLITE_WAL_PRAGMAS, startTemporalDevServer } from '../../tools/dev/temporal-dev-server';
import { ceilingSweep, startDefaultCeiling } from './ceiling';
import { cpuMsPerPurchase, pcts, vpaySweep, type StepRow } from './throughput';

const bestOf = (steps: StepRow[]) => steps.reduce((a, b) => (b.stats.ratePerSec > a.stats.ratePerSec ? b : a));

/** "×1.6" when both figures are there, "–" otherwise. */
const times = (after: number | undefined, before: number) => (after !== undefined && before > 0 ? `×${fmt(after / before, 2)}` : '–');

export async function walstore(ctx: BenchContext): Promise<ScenarioResult> {
  const walFlags = SQLITE_WAL_PRAGMAS.map((p) => `--sqlite-pragma ${p}`).join(' ');
  const res = newResult(
    'walstore',
    "2b. The Temporal store: the same sweeps on SQLite's rollback journal (the store before WAL)",
    'Not one of the six scenarios asked for: scenarios 1 and 2 again (same concurrencies and durations) against a second, fresh Temporal dev server ' +
      "started by tools/dev/temporal-dev-server.ts with `sqliteWal: false`: SQLite's default rollback journal, which syncs every commit and blocks readers while it writes, " +
      `the store every run had before WAL became the default. Scenarios 1 and 2 ran on the default store (\`${walFlags}\`), so "before" here is the rollback journal ` +
      'and "after" is WAL. WAL with synchronous=normal survives a killed process; a power cut may lose the last commits. ' +
      "vpay / ceiling on this store is information only; the target is scenario 2's.",
  );
  const temporal = await startTemporalDevServer({
    dbFile: path.join(ctx.stack.dir, 'temporal-rollback', 'temporal.db'),
    grpcPort: await freePort(),
    sqliteWal: false,
  });
  const stopTemporal = ctx.cleanup.add('stop the rollback-journal Temporal dev server', () => temporal.stop());
  const procs = { ...ctx.stack.procs(), temporal: temporal.pid };
  try {
    const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'walstore', temporalAddress: temporal.address });
    let vpay: StepRow[];
    try {
      vpay = await vpaySweep(ctx, res, inst.name, procs, 'walstore vpay');
      await reconcile(ctx, inst, res);
    } finally {
      await inst.stop();
    }
    const c = await startDefaultCeiling(ctx, temporal.address, 'bench-ceiling-rollback');
    const stopCeiling = ctx.cleanup.add('stop the rollback-journal ceiling worker', () => c.stop());
    let bare: StepRow[];
    try {
      bare = await ceilingSweep(ctx, res, c, procs, 'walstore ceiling');
      bareDeliveredOnce(res, 'walstore', c.report());
    } finally {
      await stopCeiling();
    }

    const walVpay = ctx.shared.vpayRates ?? {};
    const walBare = ctx.shared.ceilingRates ?? {};
    res.tables.push({
      title: 'vpay and the bare workflow on the rollback-journal store, against WAL (scenarios 1 and 2)',
      columns: [
        'concurrency',
        'vpay purchases/s',
        'ceiling purchases/s',
        'vpay / ceiling (information)',
        'vpay on WAL (scenario 1)',
        'WAL / rollback, vpay',
        'ceiling on WAL (scenario 2)',
        'WAL / rollback, ceiling',
        'vpay request p50 / p95 / p99 (ms)',
        'vpay callback p50 / p95 / p99 (ms)',
        'vpay callback→delivered p50 / p95 / p99 (ms)',
        'failed',
      ],
      rows: vpay.map((v, i) => [
        String(v.concurrency),
        fmt(v.stats.ratePerSec),
        fmt(bare[i].stats.ratePerSec),
        fmt(v.stats.ratePerSec / bare[i].stats.ratePerSec, 2),
        fmt(walVpay[v.concurrency]),
        times(walVpay[v.concurrency], v.stats.ratePerSec),
        fmt(walBare[v.concurrency]),
        times(walBare[v.concurrency], bare[i].stats.ratePerSec),
        pcts(v.stats.req),
        pcts(v.stats.cb),
        pcts(v.stats.c2d),
        String(v.stats.errorCount + bare[i].stats.errorCount),
      ]),
    });
    res.tables.push({
      title: 'CPU (cores) during each step on the rollback-journal store: vpay run | bare-workflow run',
      columns: [
        'concurrency',
        'vpay process',
        'Temporal server',
        'PostgreSQL',
        'load agent',
        'total',
        'other processes',
        'vpay event loop busy',
        'CPU ms per vpay purchase: vpay / Temporal / PostgreSQL / agent',
        'CPU ms per bare purchase: worker+driver / Temporal',
      ],
      rows: vpay.map((v, i) => {
        const pv = cpuMsPerPurchase(v.cores, v.stats.ratePerSec);
        const pb = cpuMsPerPurchase(bare[i].cores, bare[i].stats.ratePerSec);
        return [
          String(v.concurrency),
          `${fmt(v.cores.vpay, 2)} | ${fmt(bare[i].cores.vpay, 2)}`,
          `${fmt(v.cores.temporal, 2)} | ${fmt(bare[i].cores.temporal, 2)}`,
          fmt(v.cores.postgres, 2),
          fmt(v.cores.agent, 2),
          `${fmt(v.cores.total, 2)} | ${fmt(bare[i].cores.total, 2)}`,
          `${fmt(v.cores.other, 2)} | ${fmt(bare[i].cores.other, 2)}`,
          `${fmt(v.vpayEventLoopUtilization * 100, 0)} % | ${fmt(bare[i].vpayEventLoopUtilization * 100, 0)} %`,
          `${fmt(pv.vpay, 1)} / ${fmt(pv.temporal, 1)} / ${fmt(pv.postgres, 1)} / ${fmt(pv.agent, 1)}`,
          `${fmt(pb.vpay, 1)} / ${fmt(pb.temporal, 1)}`,
        ];
      }),
    });
    const bv = bestOf(vpay);
    const bb = bestOf(bare);
    const walBest = ctx.shared.saturationRate;
    const walBareBest = Object.keys(walBare).length ? Math.max(...Object.values(walBare)) : undefined;
    res.findings.push(
      `On the rollback-journal store vpay peaked at ${fmt(bv.stats.ratePerSec)} purchases/s (${bv.concurrency} concurrent) and the bare workflow at ` +
        `${fmt(bb.stats.ratePerSec)} /s (${bb.concurrency} concurrent): vpay / ceiling = ${fmt(bv.stats.ratePerSec / bb.stats.ratePerSec, 2)} there` +
        (walBest !== undefined
          ? `. On WAL (scenarios 1 and 2) vpay did ${fmt(walBest)} /s (${times(walBest, bv.stats.ratePerSec)})` +
            (walBareBest !== undefined
              ? ` and the bare workflow ${fmt(walBareBest)} /s (${times(walBareBest, bb.stats.ratePerSec)}).`
              : '.')
          : '.'),
    );
    res.raw = { stores: CURRENT_STORES, vpay, bare };
  } finally {
    await stopTemporal();
  }
  return res;
}
