// 7. Pending orders: memory against orders awaiting their payment, beyond the worker's workflow
// cache. Orders are requested and left unpaid in steps (multiples of WORKER_MAX_CACHED_WORKFLOWS);
// after each, the RSS of vpay, the Temporal dev server and PostgreSQL and the disk of both stores
// are sampled. Then every order is paid and must be delivered exactly once.
import { newResult, sleep, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance } from '../stack';
import { diskUsageMiB, memorySample, type MemorySample } from '../memory';
import { fmt, fmtInt, fmtMs, slopePer1000 } from '../stats';
import type { CreatePaidStats } from '../agent-protocol';

export interface PendingStep extends MemorySample {
  pending: number;
  cachedWorkflows?: number;
  temporalDiskMiB: number;
  postgresDiskMiB: number;
  /** Creating this step's orders (absent for the first, empty step). */
  created?: CreatePaidStats;
}

type Figure = 'vpayMiB' | 'temporalMiB' | 'postgresMiB' | 'temporalDiskMiB' | 'postgresDiskMiB';
export const PENDING_FIGURES: Array<[Figure, string]> = [
  ['vpayMiB', 'vpay (API + worker) RSS'],
  ['temporalMiB', 'Temporal dev server RSS'],
  ['postgresMiB', 'PostgreSQL PSS (postmaster + backends)'],
  ['temporalDiskMiB', 'Temporal store on disk'],
  ['postgresDiskMiB', 'PostgreSQL data directory on disk'],
];

export async function pending(ctx: BenchContext): Promise<ScenarioResult> {
  const p = ctx.profile.pending;
  const cache = p.cacheSize;
  const env = { WORKER_MAX_CACHED_WORKFLOWS: String(cache), PAYMENT_TIMEOUT_MS: String(p.paymentTimeoutMs) };
  const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'pending', env });
  const agent = ctx.stack.agent;
  const targets = p.multiples.map((m) => m * cache);
  const res = newResult(
    'pending',
    '7. Pending orders: memory against orders awaiting payment, beyond the workflow cache',
    `One vpay instance with \`npm start\`'s settings but two: WORKER_MAX_CACHED_WORKFLOWS=${cache} (unset in \`npm start\`: the SDK's default) and ` +
      `PAYMENT_TIMEOUT_MS=${fmtMs(p.paymentTimeoutMs)} (default 15 min), so no order times out during the run. Orders are requested and left unpaid ` +
      `(PREPAID: each a running workflow waiting for its payment) in steps up to ${targets.map(fmtInt).join(', ')} (${p.multiples.join(', ')} × the cache), ` +
      `${p.createConcurrency} at a time; ${p.settleMs / 1000} s after each step the RSS of the benchmark process (vpay's API and worker), the Temporal dev server ` +
      "and PostgreSQL (PSS summed over the postmaster and its backends, so shared buffers count once), and the disk use of the Temporal store's directory and " +
      "PostgreSQL's data directory (the whole cluster: every scenario's database) are sampled. Then every order is paid, and each must be delivered exactly once. " +
      'Slopes are least squares over the steps, in MiB per 1,000 pending orders.',
  );
  try {
    const steps: PendingStep[] = [];
    const sample = async (created?: CreatePaidStats) => {
      await sleep(p.settleMs);
      const step: PendingStep = {
        pending: created ? steps[steps.length - 1].pending + created.created : 0,
        ...memorySample(ctx.stack.procs()),
        cachedWorkflows: inst.cachedWorkflows(),
        temporalDiskMiB: diskUsageMiB(ctx.stack.dataDirs.temporal),
        postgresDiskMiB: diskUsageMiB(ctx.stack.dataDirs.postgres),
        created,
      };
      steps.push(step);
      ctx.log(
        `pending: ${fmtInt(step.pending)} pending (${step.cachedWorkflows ?? '?'} cached): vpay ${fmt(step.vpayMiB, 0)} MiB, temporal ${fmt(step.temporalMiB, 0)} MiB, ` +
          `postgres ${fmt(step.postgresMiB, 0)} MiB; disk temporal ${fmt(step.temporalDiskMiB, 0)} MiB, postgres ${fmt(step.postgresDiskMiB, 0)} MiB`,
      );
    };
    await sample();
    for (const target of targets.filter((t) => t > 0)) {
      const n = target - steps[steps.length - 1].pending;
      const created = await agent.call('createPending', {
        instance: inst.name,
        n,
        concurrency: p.createConcurrency,
        tag: `pending${target}`,
        timeLimitMs: p.stepTimeLimitMs,
      });
      noErrors(res, `pending: requesting up to ${fmtInt(target)}`, created);
      await sample(created);
      if (created.timedOut) {
        ctx.log(`pending: step to ${fmtInt(target)} hit its time limit; no further steps`);
        break;
      }
    }

    ctx.log(`pending: paying all ${fmtInt(steps[steps.length - 1].pending)}`);
    const paid = await agent.call('payPending', { instance: inst.name, concurrency: p.createConcurrency });
    noErrors(res, 'pending: paying every pending order', paid);
    const drain = await agent.call('waitDelivered', { instance: inst.name, timeoutMs: p.drainTimeoutMs });
    await reconcile(ctx, inst, res);
    res.checks.push({
      name: 'pending: every pending order paid and delivered',
      ok: paid.created === steps[steps.length - 1].pending && drain.delivered === drain.orders,
      detail: `${fmtInt(paid.created)} paid, ${fmtInt(drain.delivered)} of ${fmtInt(drain.orders)} delivered`,
    });

    const last = steps[steps.length - 1];
    res.tables.push({
      title: 'After each step',
      columns: [
        'pending orders',
        'requests/s, p99 (ms)',
        'cached workflows',
        'vpay RSS (MiB)',
        'Temporal RSS (MiB)',
        'PostgreSQL PSS (MiB, processes)',
        'Temporal store (MiB)',
        'PostgreSQL data (MiB)',
      ],
      rows: steps.map((s) => [
        fmtInt(s.pending),
        s.created ? `${fmt(s.created.created / s.created.elapsedSec, 0)}, ${fmt(s.created.req.p99, 0)}` : '–',
        s.cachedWorkflows === undefined ? '–' : fmtInt(s.cachedWorkflows),
        fmt(s.vpayMiB, 0),
        fmt(s.temporalMiB, 0),
        `${fmt(s.postgresMiB, 0)} (${s.postgresProcesses})`,
        fmt(s.temporalDiskMiB, 1),
        fmt(s.postgresDiskMiB, 1),
      ]),
    });
    const within = steps.filter((s) => s.pending <= cache);
    const beyond = steps.filter((s) => s.pending >= cache);
    const slopes = PENDING_FIGURES.map(([key, label]) => ({
      key,
      label,
      all: slopePer1000(steps.map((s) => [s.pending, s[key]])),
      within: slopePer1000(within.map((s) => [s.pending, s[key]])),
      beyond: slopePer1000(beyond.map((s) => [s.pending, s[key]])),
    }));
    res.tables.push({
      title: 'Slope (MiB per 1,000 pending orders)',
      columns: [
        'what',
        'all steps',
        `up to the cache (≤ ${fmtInt(cache)})`,
        `beyond the cache (≥ ${fmtInt(cache)})`,
        `first → last step (MiB)`,
      ],
      rows: slopes.map((x) => [
        x.label,
        fmt(x.all, 1),
        fmt(x.within, 1),
        fmt(x.beyond, 1),
        `${fmt(steps[0][x.key], 0)} → ${fmt(last[x.key], 0)}`,
      ]),
    });
    const vp = slopes[0];
    const plateaus = Number.isFinite(vp.within) && Number.isFinite(vp.beyond) && vp.beyond <= Math.max(0.25 * vp.within, 2);
    res.findings.push(
      `With ${fmtInt(last.pending)} orders awaiting payment (${fmt(last.pending / cache, 0)} × WORKER_MAX_CACHED_WORKFLOWS=${cache}; ` +
        `${last.cachedWorkflows === undefined ? '?' : fmtInt(last.cachedWorkflows)} in the cache at the end), vpay's RSS went ${fmt(steps[0].vpayMiB, 0)} → ${fmt(last.vpayMiB, 0)} MiB: ` +
        `${fmt(vp.within, 1)} MiB per 1,000 up to the cache size, ${fmt(vp.beyond, 1)} beyond it` +
        (plateaus ? ' — it levels off once the cache is full.' : ' — it keeps growing past the cache size.') +
        ` Temporal: ${fmt(slopes[1].all, 1)} MiB RSS and ${fmt(slopes[3].all, 1)} MiB of store per 1,000; PostgreSQL: ${fmt(slopes[2].all, 1)} MiB PSS and ${fmt(slopes[4].all, 1)} MiB of data per 1,000.`,
    );
    res.raw = { cacheSize: cache, paymentTimeoutMs: p.paymentTimeoutMs, steps, slopes, vpayPlateaus: plateaus, paid, drain };
    return res;
  } finally {
    await inst.stop();
  }
}
