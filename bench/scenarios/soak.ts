// 6. Soak: an open loop at half the saturation rate for a long while: nothing lost, every purchase
// delivered once, and the process's RSS flat (first-minute median vs last-minute median).
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance } from '../stack';
import { capacityFor } from '../capacity';
import { RssSampler, StepMeter } from '../sys';
import { fmt, fmtInt, median } from '../stats';
import { cpuCells, cpuColumns, pcts } from './throughput';

export async function soak(ctx: BenchContext): Promise<ScenarioResult> {
  const p = ctx.profile.soak;
  const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'soak' });
  const agent = ctx.stack.agent;
  try {
    const capacity = await capacityFor(ctx, inst, { scenario: 'soak', concurrency: p.calibrateConcurrency, durationMs: p.calibrateMs });
    const saturation = capacity.ratePerSec;
    const calibrated = capacity.calibration !== undefined;
    const rate = Math.max(0.5, saturation / 2);
    const res = newResult(
      'soak',
      `6. Soak: ${fmt(p.durationMs / 60_000, 1)} min at half the saturation rate`,
      `Open loop: a new purchase every ${fmt(1000 / rate, 0)} ms (${fmt(rate)} /s, half of ${fmt(saturation)} /s${calibrated ? ', measured just before' : ' from the throughput sweep'}) ` +
        `for ${fmt(p.durationMs / 60_000, 1)} min, whatever the answers; the payment request's latency counts from its intended send time (its slot, so a late start counts), ` +
        `the callback's from its send. RSS of the benchmark process (vpay's API and worker) every ${p.rssEveryMs / 1000} s; ` +
        `growth compares the median of the first ${p.windowMs / 1000} s with that of the last ${p.windowMs / 1000} s.`,
    );
    ctx.log(`soak: ${fmt(rate)} purchases/s for ${p.durationMs / 1000} s`);
    const rss = new RssSampler(p.rssEveryMs);
    const meter = new StepMeter(ctx.stack.procs());
    const stats = await agent.call('openLoop', {
      instance: inst.name,
      ratePerSec: rate,
      durationMs: p.durationMs,
      maxInFlight: Math.max(200, Math.ceil(rate * 60)),
      tag: 'soak',
      deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
    });
    const usage = meter.stop();
    const samples = rss.stop();
    noErrors(res, 'soak', stats);
    const durS = p.durationMs / 1000;
    const first = samples.filter((s) => s.t <= p.windowMs / 1000).map((s) => s.rssMiB);
    const last = samples.filter((s) => s.t >= durS - p.windowMs / 1000 && s.t <= durS + 1).map((s) => s.rssMiB);
    const growth = (median(last) - median(first)) / median(first);
    const rec = await reconcile(ctx, inst, res);
    res.checks.push({
      name: 'soak: nothing lost (every purchase started was delivered)',
      ok: stats.completed === stats.launched && stats.errorCount === 0,
      detail: `${fmtInt(stats.launched)} started, ${fmtInt(stats.completed)} delivered, ${stats.errorCount} failed, ${stats.skipped} not started (too many in flight)`,
    });
    res.tables.push({
      columns: [
        'rate asked (/s)',
        'rate done (/s)',
        'purchases',
        'lost',
        'request p50 / p95 / p99 (ms)',
        'callback p50 / p95 / p99 (ms)',
        'callback→delivered p50 / p95 / p99 (ms)',
        'RSS first → last window median (MiB)',
        'RSS growth',
        'RSS max (MiB)',
      ],
      rows: [
        [
          fmt(rate),
          fmt(stats.ratePerSec),
          fmtInt(stats.completed),
          String(stats.launched - stats.completed),
          pcts(stats.req),
          pcts(stats.cb),
          pcts(stats.c2d),
          `${fmt(median(first), 0)} → ${fmt(median(last), 0)}`,
          `${growth >= 0 ? '+' : ''}${fmt(growth * 100, 1)} %`,
          fmt(Math.max(...samples.map((s) => s.rssMiB)), 0),
        ],
      ],
    });
    res.tables.push({ title: 'CPU over the soak', columns: cpuColumns, rows: [cpuCells(usage.cores, usage.vpayEventLoopUtilization)] });
    res.targets.push({
      name: 'RSS growth over the soak',
      goal: '< 10 %',
      value: `${growth >= 0 ? '+' : ''}${fmt(growth * 100, 1)} %`,
      met: growth < 0.1,
    });
    res.findings.push(
      `At ${fmt(rate)} purchases/s for ${fmt(p.durationMs / 60_000, 1)} min, ${fmtInt(stats.completed)} purchases were all delivered once; ` +
        `RSS went ${fmt(median(first), 0)} → ${fmt(median(last), 0)} MiB (${growth >= 0 ? '+' : ''}${fmt(growth * 100, 1)} %), request p99 ${fmt(stats.req.p99, 0)} ms (from the intended send time) at half load.`,
    );
    res.raw = {
      rate,
      saturation,
      calibrated,
      stats,
      rss: samples,
      rssFirstMedianMiB: median(first),
      rssLastMedianMiB: median(last),
      rssGrowth: growth,
      usage,
      reconciliation: rec,
    };
    return res;
  } finally {
    await inst.stop();
  }
}
