// 2b (extra). The Temporal store: the throughput and ceiling sweeps again, on a second dev server
// that differs from lib/temporal-dev-server.ts only by SQLite in WAL mode with synchronous=normal.
// Tells how much of scenarios 1-2 is the dev server's SQLite file (rollback journal, fsync per
// commit, one writer at a time) rather than vpay or Temporal as such.
import path from 'node:path';
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { reconcile } from '../checks';
import { startVpayInstance } from '../stack';
import { startWalTemporal, WAL_PRAGMAS } from '../temporal-wal';
import { fmt } from '../stats';
import { ceilingSweep, startDefaultCeiling } from './ceiling';
import { cpuMsPerPurchase, pcts, vpaySweep, type StepRow } from './throughput';

export async function walstore(ctx: BenchContext): Promise<ScenarioResult> {
  const res = newResult(
    'walstore',
    '2b. The Temporal store: the same sweeps with SQLite in WAL mode',
    'Not one of the six scenarios asked for: scenarios 1 and 2 again (same concurrencies and durations) against a second, fresh Temporal dev server started ' +
      `with exactly the flags of lib/temporal-dev-server.ts plus \`${WAL_PRAGMAS.map((p) => `--sqlite-pragma ${p}`).join(' ')}\` ` +
      '(lib/temporal-dev-server.ts has no option for it, so bench/temporal-wal.ts starts it). WAL with synchronous=normal survives a killed process; ' +
      'a power cut may lose the last commits.',
  );
  const wal = await startWalTemporal(path.join(ctx.stack.dir, 'temporal-wal'));
  const stopWal = ctx.cleanup.add('stop the WAL Temporal dev server', () => wal.stop());
  const procs = { ...ctx.stack.procs(), temporal: wal.pid };
  try {
    const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'walstore', temporalAddress: wal.address });
    let vpay: StepRow[];
    try {
      vpay = await vpaySweep(ctx, res, inst.name, procs, 'walstore vpay');
      await reconcile(ctx, inst, res);
    } finally {
      await inst.stop();
    }
    const c = await startDefaultCeiling(ctx, wal.address, 'bench-ceiling-wal');
    const stopCeiling = ctx.cleanup.add('stop the WAL ceiling worker', () => c.stop());
    let bare: StepRow[];
    try {
      bare = await ceilingSweep(ctx, res, c, procs, 'walstore ceiling');
      const rep = c.report();
      res.checks.push({
        name: 'walstore: every bare purchase delivered exactly once',
        ok: rep.made > 0 && rep.deliveredOnce === rep.made,
        detail: `${rep.made} purchases: ${rep.deliveredOnce} once, ${rep.deliveredMoreThanOnce} more than once, ${rep.neverDelivered} never`,
      });
    } finally {
      await stopCeiling();
    }

    const lib = ctx.shared.vpayRates ?? {};
    res.tables.push({
      title: 'vpay and the bare workflow on the WAL store',
      columns: ['concurrency', 'vpay purchases/s', 'ceiling purchases/s', 'vpay / ceiling', 'vpay on the lib\'s store (scenario 1)', 'vpay request p50 / p95 / p99 (ms)', 'vpay callback p50 / p95 / p99 (ms)', 'vpay callback→delivered p50 / p95 / p99 (ms)', 'failed'],
      rows: vpay.map((v, i) => [
        String(v.concurrency),
        fmt(v.stats.ratePerSec),
        fmt(bare[i].stats.ratePerSec),
        fmt(v.stats.ratePerSec / bare[i].stats.ratePerSec, 2),
        fmt(lib[v.concurrency]),
        pcts(v.stats.req),
        pcts(v.stats.cb),
        pcts(v.stats.c2d),
        String(v.stats.errorCount + bare[i].stats.errorCount),
      ]),
    });
    res.tables.push({
      title: 'CPU (cores) during each step: vpay run | bare-workflow run',
      columns: ['concurrency', 'vpay process', 'Temporal server', 'PostgreSQL', 'load agent', 'total', 'other processes', 'vpay event loop busy', 'CPU ms per vpay purchase: vpay / Temporal / PostgreSQL / agent', 'CPU ms per bare purchase: worker+driver / Temporal'],
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
    const bv = vpay.reduce((a, b) => (b.stats.ratePerSec > a.stats.ratePerSec ? b : a));
    const bb = bare.reduce((a, b) => (b.stats.ratePerSec > a.stats.ratePerSec ? b : a));
    const ratio = bv.stats.ratePerSec / bb.stats.ratePerSec;
    res.targets.push({ name: 'vpay / ceiling on the WAL store (best against best)', goal: '≥ 0.8', value: `${fmt(bv.stats.ratePerSec)} / ${fmt(bb.stats.ratePerSec)} = ${fmt(ratio, 2)}`, met: ratio >= 0.8 });
    const libBest = ctx.shared.saturationRate;
    res.findings.push(
      `On the WAL store vpay peaked at ${fmt(bv.stats.ratePerSec)} purchases/s (${bv.concurrency} concurrent)` +
        (libBest ? `, ${fmt(bv.stats.ratePerSec / libBest, 1)}× its ${fmt(libBest)} /s on the store lib/temporal-dev-server.ts sets up,` : '') +
        ` and the bare workflow at ${fmt(bb.stats.ratePerSec)} /s (${bb.concurrency} concurrent): vpay / ceiling = ${fmt(ratio, 2)}.`,
    );
    res.raw = { vpay, bare, pragmas: WAL_PRAGMAS };
    ctx.shared.wal = { vpayBest: bv, bareBest: bb };
  } finally {
    await stopWal();
  }
  return res;
}
