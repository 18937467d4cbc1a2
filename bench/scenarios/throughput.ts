// 1. Throughput: whole purchases per second (payment request -> superapp callback -> delivery
// received by the fake developer) under a closed-loop concurrency sweep.
import { newResult, sleep, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance } from '../stack';
import { StepMeter, type ProcessSet } from '../sys';
import { fmt } from '../stats';
import type { PurchaseStats } from '../agent-protocol';

export interface StepRow {
  concurrency: number;
  stats: PurchaseStats;
  cores: Record<string, number>;
  vpayEventLoopUtilization: number;
}

export const latencyColumns = [
  'purchases/s',
  'completed',
  'failed',
  '503s retried',
  'request p50 / p95 / p99 (ms)',
  'callback p50 / p95 / p99 (ms)',
  'callback→delivered p50 / p95 / p99 (ms)',
];

export const pcts = (s: { p50: number; p95: number; p99: number }) => `${fmt(s.p50, 0)} / ${fmt(s.p95, 0)} / ${fmt(s.p99, 0)}`;

export function latencyCells(s: PurchaseStats): string[] {
  return [
    fmt(s.ratePerSec, 1),
    String(s.completed),
    String(s.errorCount),
    // Shed requests (503/50303) too: a closed loop within PAYMENT_REQUESTS_MAX_IN_FLIGHT has none.
    String((s.retried503?.payment ?? 0) + (s.retried503?.callback ?? 0) + (s.retried503?.shed ?? 0)),
    pcts(s.req),
    pcts(s.cb),
    pcts(s.c2d),
  ];
}

export const cpuColumns = [
  'vpay process',
  'Temporal server',
  'PostgreSQL',
  'load agent',
  'total',
  'other processes',
  'vpay event loop busy',
];

export function cpuCells(cores: Record<string, number>, elu: number): string[] {
  return [
    fmt(cores.vpay, 2),
    fmt(cores.temporal, 2),
    fmt(cores.postgres, 2),
    fmt(cores.agent, 2),
    fmt(cores.total, 2),
    fmt(cores.other, 2),
    `${fmt(elu * 100, 0)} %`,
  ];
}

/** CPU milliseconds per completed purchase, by process. */
export function cpuMsPerPurchase(cores: Record<string, number>, rate: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(cores)) out[k] = Math.round(((v * 1000) / rate) * 10) / 10;
  return out;
}

/** Warm-up, then the closed loop at each concurrency of the profile, against a vpay instance. */
export async function vpaySweep(
  ctx: BenchContext,
  res: ScenarioResult,
  instance: string,
  procs: ProcessSet,
  label: string,
): Promise<StepRow[]> {
  const { concurrencies, stepMs } = ctx.profile.throughput;
  const deliveryTimeoutMs = ctx.profile.deliveryTimeoutMs;
  ctx.log(`${label}: warm-up ${ctx.profile.warmupMs / 1000} s at ${concurrencies[0]}`);
  const warm = await ctx.stack.agent.call('closedLoop', {
    instance,
    concurrency: concurrencies[0],
    durationMs: ctx.profile.warmupMs,
    tag: 'warm',
    deliveryTimeoutMs,
  });
  noErrors(res, `${label} warm-up`, warm);
  const steps: StepRow[] = [];
  for (const c of concurrencies) {
    const meter = new StepMeter(procs);
    const stats = await ctx.stack.agent.call('closedLoop', {
      instance,
      concurrency: c,
      durationMs: stepMs,
      tag: `c${c}`,
      deliveryTimeoutMs,
      raw: true,
    });
    const usage = meter.stop();
    steps.push({ concurrency: c, stats, ...usage });
    noErrors(res, `${label} at ${c}`, stats);
    ctx.log(
      `${label}: ${c} concurrent -> ${fmt(stats.ratePerSec)} purchases/s, request p99 ${fmt(stats.req.p99, 0)} ms, CPU ${JSON.stringify(usage.cores)}`,
    );
  }
  return steps;
}

export async function throughput(ctx: BenchContext): Promise<ScenarioResult> {
  const { concurrencies, stepMs } = ctx.profile.throughput;
  const res = newResult(
    'throughput',
    '1. Throughput: whole purchases per second',
    `Closed loop: ${concurrencies.join(', ')} concurrent purchasers, ${stepMs / 1000} s each (after a ${ctx.profile.warmupMs / 1000} s warm-up). ` +
      'A purchase is the signed payment request, the signed superapp callback, and the delivery received (and acknowledged) by the fake developer; ' +
      'each purchaser starts its next purchase once its delivery arrived. purchases/s counts deliveries inside the window. ' +
      "callback→delivered is the delivery's arrival at the fake developer minus the moment the callback's answer was received.",
  );
  const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'throughput' });
  try {
    // What the stack burns doing nothing (pollers, timers, Temporal's housekeeping): a baseline for the CPU figures.
    const idleMeter = new StepMeter(ctx.stack.procs());
    await sleep(ctx.smoke ? 1_000 : 5_000);
    const idle = idleMeter.stop();
    ctx.shared.idleCores = idle.cores;
    const steps = await vpaySweep(ctx, res, inst.name, ctx.stack.procs(), 'throughput');
    const best = steps.reduce((a, b) => (b.stats.ratePerSec > a.stats.ratePerSec ? b : a));
    ctx.shared.bestConcurrency = best.concurrency;
    ctx.shared.saturationRate = best.stats.ratePerSec;
    ctx.shared.vpayRates = Object.fromEntries(steps.map((s) => [s.concurrency, s.stats.ratePerSec]));
    ctx.shared.vpayCpuMsPerPurchase = cpuMsPerPurchase(best.cores, best.stats.ratePerSec);

    res.tables.push({
      title: 'Purchases and latencies',
      columns: ['concurrency', ...latencyColumns],
      rows: steps.map((s) => [String(s.concurrency), ...latencyCells(s.stats)]),
    });
    res.tables.push({
      title: 'CPU used during each step (cores of the machine; the vpay process runs the API and the worker)',
      columns: ['concurrency', ...cpuColumns, 'CPU ms per purchase: vpay / Temporal / PostgreSQL'],
      rows: [
        ['idle (nothing running)', ...cpuCells(idle.cores, idle.vpayEventLoopUtilization), ''],
        ...steps.map((s) => {
          const per = cpuMsPerPurchase(s.cores, s.stats.ratePerSec);
          return [
            String(s.concurrency),
            ...cpuCells(s.cores, s.vpayEventLoopUtilization),
            `${fmt(per.vpay, 1)} / ${fmt(per.temporal, 1)} / ${fmt(per.postgres, 1)}`,
          ];
        }),
      ],
    });
    const rec = await reconcile(ctx, inst, res);
    res.raw = { idle, steps, reconciliation: rec };

    const per = ctx.shared.vpayCpuMsPerPurchase;
    res.findings.push(
      `vpay peaked at ${fmt(best.stats.ratePerSec)} purchases/s with ${best.concurrency} concurrent purchasers ` +
        `(payment request p99 ${fmt(best.stats.req.p99, 0)} ms, callback p99 ${fmt(best.stats.cb.p99, 0)} ms, callback→delivered p99 ${fmt(best.stats.c2d.p99, 0)} ms).`,
      `At that step the machine used ${fmt(best.cores.total, 2)} of its cores: vpay process ${fmt(best.cores.vpay, 2)}, Temporal server ${fmt(best.cores.temporal, 2)}, ` +
        `PostgreSQL ${fmt(best.cores.postgres, 2)}, load agent ${fmt(best.cores.agent, 2)}; vpay's event loop was busy ${fmt(best.vpayEventLoopUtilization * 100, 0)} % of the time. ` +
        `Per purchase: vpay ${fmt(per.vpay, 1)} ms of CPU, Temporal ${fmt(per.temporal, 1)} ms, PostgreSQL ${fmt(per.postgres, 1)} ms, load agent ${fmt(per.agent, 1)} ms.`,
    );
    const last = steps[steps.length - 1];
    if (steps.length > 1 && last !== best) {
      res.findings.push(
        `Past ${best.concurrency} purchasers the rate does not grow (${fmt(last.stats.ratePerSec)} /s at ${last.concurrency}); only latency does (request p99 ${fmt(best.stats.req.p99, 0)} → ${fmt(last.stats.req.p99, 0)} ms).`,
      );
    }
  } finally {
    await inst.stop();
  }
  return res;
}
