// 2. Ceiling: the bare workflow of the purchase's shape (bench/ceiling/), on the same Temporal
// server, driven the same way with the Temporal client directly; vpay / ceiling is the share of
// what Temporal on this machine can do that vpay keeps.
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { bareDeliveredOnce, noErrors } from '../checks';
import { StepMeter, type ProcessSet } from '../sys';
import { fmt } from '../stats';
import { startCeiling, type Ceiling } from '../ceiling/driver';
import { startFloor } from '../ceiling/floor';
import { pairedRounds, pairedTable } from './paired';
import { cpuCells, cpuColumns, cpuMsPerPurchase, latencyCells, latencyColumns, type StepRow } from './throughput';

/** Warm-up, then the closed loop at each concurrency of the profile, against the bare workflow. */
export async function ceilingSweep(
  ctx: BenchContext,
  res: ScenarioResult,
  c: Ceiling,
  procs: ProcessSet,
  label: string,
): Promise<StepRow[]> {
  const { concurrencies, stepMs } = ctx.profile.throughput;
  ctx.log(`${label}: warm-up ${ctx.profile.warmupMs / 1000} s at ${concurrencies[0]}`);
  const warm = await c.run({ concurrency: concurrencies[0], durationMs: ctx.profile.warmupMs, tag: 'warm' });
  noErrors(res, `${label} warm-up`, warm);
  const steps: StepRow[] = [];
  for (const n of concurrencies) {
    const meter = new StepMeter(procs);
    const stats = await c.run({ concurrency: n, durationMs: stepMs, tag: `c${n}`, raw: true });
    steps.push({ concurrency: n, stats, ...meter.stop() });
    noErrors(res, `${label} at ${n}`, stats);
    ctx.log(`${label}: ${n} concurrent -> ${fmt(stats.ratePerSec)} purchases/s`);
  }
  return steps;
}

/** The bare workflow's worker and driver on the given server, with vpay's default timings (and `lever`, off by default). */
export function startDefaultCeiling(
  ctx: BenchContext,
  address: string,
  taskQueue: string,
  lever: { paidLocal?: boolean; separateDeliveryQueue?: boolean } = {},
): Promise<Ceiling> {
  const defaults = ctx.stack.defaults;
  return startCeiling({
    address,
    namespace: 'default',
    taskQueue,
    workflowBundleCode: ctx.stack.ceilingBundleCode,
    timings: {
      paymentTimeoutMs: defaults.paymentTimeoutMs,
      deliveryRetryInitialMs: defaults.deliveryRetryInitialMs,
      deliveryRetryMaxMs: defaults.deliveryRetryMaxMs,
      deliveryAlertAfterMs: defaults.deliveryAlertAfterMs,
    },
    localSteps: defaults.purchaseLocalSteps,
    // The same shape as vpay as `npm start` runs it, unless a scenario sets the lever.
    paidLocal: lever.paidLocal ?? defaults.purchaseLocalPaidRow,
    noPatches: defaults.purchaseWorkflowV2,
    // vpay's second Worker, always there; deliveries routed to it as SEPARATE_DELIVERY_QUEUE says.
    deliveryWorker: {
      maxConcurrentDeliveries: defaults.workerMaxConcurrentDeliveries,
      separate: lever.separateDeliveryQueue ?? defaults.separateDeliveryQueue,
    },
    deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
  });
}

export async function ceiling(ctx: BenchContext): Promise<ScenarioResult> {
  const res = newResult(
    'ceiling',
    '2. Ceiling: a bare workflow of the same shape',
    'The same closed loop against bench/ceiling/workflows.ts on its own task queue and worker (same worker settings), on the same Temporal server: ' +
      'one update-with-start (requestPayment) and one update (recordPayment), the six activities of the happy path ' +
      '(saveNewOrder, requestPrepay, projectOrder PREPAID, projectOrder PAID in the update handler, confirmPayment beside deliverOrder) doing no I/O, ' +
      'the first three as local activities when vpay runs them so (PURCHASE_LOCAL_STEPS, on by default), ' +
      'the PAID row as a local activity when vpay writes it so (PURCHASE_LOCAL_PAID_ROW, on by default), ' +
      "no patch marker when vpay runs its purchaseV2 type (PURCHASE_WORKFLOW_V2, on by default; otherwise the local steps' one), " +
      "a second worker with vpay's delivery slots on a delivery queue, as vpay always runs one, and deliverOrder on that queue when vpay runs it so " +
      '(SEPARATE_DELIVERY_QUEUE, on by default; runs whose raw data has no `deliveryQueue` had neither, and ran deliverOrder on the one queue), ' +
      'the same timers and search-attribute upserts. The driver and the worker run in the benchmark process, with no HTTP, no PostgreSQL, no superapp or developer. ' +
      '"request" is the update-with-start, "callback" the update, "callback→delivered" the update\'s answer to deliverOrder running.',
  );
  const c = await startDefaultCeiling(ctx, ctx.stack.temporalAddress, 'bench-ceiling');
  const stop = ctx.cleanup.add('stop the ceiling worker', () => c.stop());
  // Temporal's floor (bench/ceiling/floor.ts): a workflow answering its update-with-start at once.
  const floor = await startFloor({
    address: ctx.stack.temporalAddress,
    taskQueue: 'bench-floor-paired',
    workflowBundleCode: ctx.stack.ceilingBundleCode,
  });
  const stopFloor = ctx.cleanup.add('stop the floor worker', () => floor.stop());
  try {
    const steps = await ceilingSweep(ctx, res, c, ctx.stack.procs(), 'ceiling');
    const paired = ctx.shared.saturationRate !== undefined ? await pairedRounds(ctx, res, c, floor) : undefined;
    const rep = c.report();
    bareDeliveredOnce(res, 'ceiling', rep);

    const vpay = ctx.shared.vpayRates ?? {};
    const ratio = (n: number, rate: number) => (vpay[n] !== undefined ? vpay[n] / rate : Number.NaN);
    res.tables.push({
      title: 'Bare workflow, driven directly',
      columns: ['concurrency', ...latencyColumns, 'vpay purchases/s', 'vpay / ceiling'],
      rows: steps.map((s) => [
        String(s.concurrency),
        ...latencyCells(s.stats),
        fmt(vpay[s.concurrency]),
        fmt(ratio(s.concurrency, s.stats.ratePerSec), 2),
      ]),
    });
    res.tables.push({
      title: 'CPU used during each step',
      columns: ['concurrency', ...cpuColumns, 'CPU ms per purchase: bench process / Temporal'],
      rows: steps.map((s) => {
        const per = cpuMsPerPurchase(s.cores, s.stats.ratePerSec);
        return [String(s.concurrency), ...cpuCells(s.cores, s.vpayEventLoopUtilization), `${fmt(per.vpay, 1)} / ${fmt(per.temporal, 1)}`];
      }),
    });
    const best = steps.reduce((a, b) => (b.stats.ratePerSec > a.stats.ratePerSec ? b : a));
    ctx.shared.ceilingRates = Object.fromEntries(steps.map((s) => [s.concurrency, s.stats.ratePerSec]));
    const bestVpay = ctx.shared.saturationRate;
    const overall = bestVpay !== undefined ? bestVpay / best.stats.ratePerSec : Number.NaN;
    if (paired) res.tables.push(pairedTable(paired));
    // Judged on the paired rounds' median; the sweeps' best against best is shown beside it.
    const sweeps = Number.isFinite(overall)
      ? `${fmt(bestVpay)} / ${fmt(best.stats.ratePerSec)} = ${fmt(overall, 2)}`
      : 'throughput not run';
    res.targets.push({
      name: paired
        ? `vpay / ceiling (median of ${paired.rounds.length} paired rounds at ${paired.concurrency} concurrent)`
        : 'vpay / ceiling (best rate against best rate)',
      goal: '≥ 0.8',
      value: paired
        ? `${fmt(paired.medianRatio, 2)} (rounds ${paired.rounds.map((r) => fmt(r.ratio, 2)).join(', ')}); the sweeps' best against best: ${sweeps}`
        : sweeps,
      met: (paired ? paired.medianRatio : overall) >= 0.8,
    });
    if (paired?.medianFloorRatio !== undefined) {
      const floorRates = paired.rounds.map((r) => r.floorRate!);
      res.targets.push({
        name: `saturated purchases/s against Temporal's floor (median of ${paired.rounds.length} paired rounds; vpay at ${paired.concurrency} concurrent, the floor at ${paired.floorConcurrency})`,
        goal: '≥ 0.6',
        value:
          `${fmt(paired.medianFloorRatio, 2)} (rounds ${paired.rounds.map((r) => fmt(r.floorRatio, 2)).join(', ')}); ` +
          `the floor ran ${fmt(Math.min(...floorRates))} to ${fmt(Math.max(...floorRates))} workflows/s`,
        met: paired.medianFloorRatio >= 0.6,
      });
    }
    const per = cpuMsPerPurchase(best.cores, best.stats.ratePerSec);
    res.findings.push(
      `The bare workflow peaked at ${fmt(best.stats.ratePerSec)} purchases/s (${best.concurrency} concurrent); ` +
        `Temporal spent ${fmt(per.temporal, 1)} ms of CPU per purchase on it, the worker+driver process ${fmt(per.vpay, 1)} ms` +
        (Number.isFinite(overall)
          ? `; vpay's best step reached ${fmt(overall * 100, 0)} % of it (best against best, information: the ratio is the paired rounds').`
          : '.'),
    );
    const vcpu = ctx.shared.vpayCpuMsPerPurchase;
    if (vcpu) {
      res.findings.push(
        `CPU per purchase, vpay vs the bare workflow: Temporal ${fmt(vcpu.temporal, 1)} vs ${fmt(per.temporal, 1)} ms, ` +
          `the process running the worker ${fmt(vcpu.vpay, 1)} vs ${fmt(per.vpay, 1)} ms, plus PostgreSQL ${fmt(vcpu.postgres, 1)} ms and the load agent ${fmt(vcpu.agent, 1)} ms that only vpay's run has.`,
      );
    }
    if (paired) {
      res.findings.push(
        `Paired rounds (a vpay step and a bare step back to back at ${paired.concurrency} concurrent, ${paired.rounds.length} rounds): vpay / ceiling ` +
          `${paired.rounds.map((r) => fmt(r.ratio, 2)).join(', ')}, median ${fmt(paired.medianRatio, 2)}; the sweeps' best against best was ${fmt(overall, 2)}. ` +
          `Against Temporal's floor saturated in the same rounds (${paired.floorConcurrency} callers): vpay / floor median ${fmt(paired.medianFloorRatio, 2)}.`,
      );
    }
    res.raw = { steps, report: rep, ratioBestToBest: overall, paired, deliveryQueue: rep.deliveryQueue };
  } finally {
    await stopFloor();
    await stop();
  }
  return res;
}
