// Issue 12, item 3: one app's developer endpoint is slow (it answers after 11 s, past vpay's 10 s
// delivery timeout, so every attempt holds a delivery slot for the whole timeout) while another
// app's purchases arrive in an open loop at half of capacity. The payment path must keep its
// latency: the calls to developer endpoints run on their own task queue and Worker slots
// (workflows/task-queues.ts). The same stream is measured with no developer slow, in the same run,
// the steps in the order base, slow, slow, base (drift in the machine cancels out). Each app's
// endpoint and the superapp are origins of their own, as in production: vpay pools its sockets per
// origin (SOCKETS_PER_ORIGIN), and endpoints sharing one would also share that pool, which no two
// developers do.
import { performance } from 'node:perf_hooks';
import { newResult, sleep, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance, type VpayInstance } from '../stack';
import { capacityFor } from '../capacity';
import { fmt, summarize, type Summary } from '../stats';
import type { PurchaseStats } from '../agent-protocol';
import { SOCKETS_PER_ORIGIN } from '../../lib/outbound/safe-post';
import { endpointShareLimit } from '../../lib/outbound/endpoint-share';
import { coresUsed, cpuTicks, StepMeter } from '../sys';
import { byKind, DRAIN_FACTOR, kindOf, SECOND_KINDS, secondsOf, WAVE_ENDED, type SecondsPooled } from '../slow-seconds';

const four = (s: Summary) => `${fmt(s.p50, 0)} / ${fmt(s.p95, 0)} / ${fmt(s.p99, 0)} / ${fmt(s.max, 0)}`;

type Kind = 'base' | 'slow';

/** The CPU of the slow steps against the base steps', for the finding ('' for runs that did not measure it). */
function cpuFinding(base: Step[], slow: Step[]): string {
  const all = [...base, ...slow];
  if (!all.length || all.some((s) => !s.cores)) return '';
  const mean = (xs: Step[]) => xs.reduce((sum, s) => sum + s.cores!.total, 0) / Math.max(1, xs.length);
  const busiest = (xs: Step[]) => Math.max(0, ...xs.flatMap((s) => s.coresPerSecond ?? []));
  return (
    ` The stack used ${fmt(mean(slow), 2)} cores in the slow steps (busiest second ${fmt(busiest(slow), 2)}) against ${fmt(mean(base), 2)} ` +
    `in the base steps (busiest second ${fmt(busiest(base), 2)}).`
  );
}

/**
 * The payment requests of the slow steps' seconds by what came just before them: a drain of the
 * measured app's held-back deliveries, a wave of slow attempts timing out, both, or neither; for
 * the finding ('' for runs that did not record seconds).
 */
function secondsFinding(slow: Step[], offered: number): string {
  const k = byKind(slow, offered);
  if (!k) return '';
  const part = (p: SecondsPooled) =>
    p.seconds === 0
      ? 'none'
      : `${p.seconds} s at ${fmt(p.meanCores, 2)} cores on average, requests p50 / p99 ${fmt(p.req.p50, 0)} / ${fmt(p.req.p99, 0)} ms (${p.req.n})`;
  return (
    ` Second by second in the slow steps, by what came just before each second: a drain (in it or the two seconds before, the measured app got over ` +
    `${DRAIN_FACTOR}× its offered rate of deliveries, held back while the slow app's attempts had the delivery slots), a wave (at least ${WAVE_ENDED} ` +
    `slow attempts ended in it or the second before), both, or neither: ` +
    SECOND_KINDS.map((kind) => `${kind}, ${part(k[kind])}`).join('; ') +
    '.'
  );
}

/** The slow step whose payment request p99 was highest, second by second (no table for runs that did not record seconds). */
function secondsTable(steps: Step[], offered: number) {
  const worst = steps.reduce<{ s: Step; i: number } | undefined>(
    (w, s, i) => (s.kind === 'slow' && (!w || s.stats.req.p99 > w.s.stats.req.p99) ? { s, i } : w),
    undefined,
  );
  const seconds = worst ? secondsOf(worst.s) : [];
  if (!worst || seconds.length === 0) return [];
  return [
    {
      title:
        `Step ${worst.i + 1} (the slow step with the highest request p99), second by second: "drain", the measured app got over ${DRAIN_FACTOR}× its ` +
        `offered rate of deliveries in it or the two seconds before; "wave", at least ${WAVE_ENDED} slow attempts ended in it or the second before. ` +
        'Second k holds the requests meant to be sent k-1 to k s after the step began; deliveries after the last whole second are not counted',
      columns: [
        'second',
        'slow attempts ended',
        "measured app's deliveries",
        'cores (all)',
        'requests meant to be sent',
        'payment request p50 / p99 / max (ms)',
      ],
      rows: seconds.map((sec, i) => {
        const r = summarize(sec.reqMs);
        const kind = kindOf(seconds, i, offered);
        return [
          `${sec.second + 1}${kind === 'other' ? '' : ` (${kind})`}`,
          String(sec.slowEnded),
          String(sec.delivered),
          fmt(sec.cores, 2),
          String(r.n),
          r.n ? `${fmt(r.p50, 0)} / ${fmt(r.p99, 0)} / ${fmt(r.max, 0)}` : '–',
        ];
      }),
    },
  ];
}

/** A step's CPU for the table ("–" for runs that did not measure it). */
function coresCell(s: Step): string {
  if (!s.cores) return '–';
  const busiest = s.coresPerSecond?.length ? ` (${fmt(Math.max(...s.coresPerSecond), 2)})` : '';
  return `${fmt(s.cores.vpay, 2)} / ${fmt(s.cores.temporal, 2)} / ${fmt(s.cores.postgres, 2)} / ${fmt(s.cores.total, 2)}${busiest}`;
}
/** Base, slow, slow, base: each kind's mean step sits at the same point of the run. */
const ORDER: Kind[] = ['base', 'slow', 'slow', 'base'];

export interface Step {
  kind: Kind;
  stats: PurchaseStats;
  /** The slow app's attempts in flight at the fake developer, sampled every 500 ms. */
  inFlight: { mean: number; max: number; samples: number };
  /**
   * Cores each process used over the step (its window and the drain after it), and the whole
   * stack's cores in each second of it: what does the payment path wait for in the slow steps
   * (bench/slow-seconds.ts sets each second's requests beside it)? Absent from runs before it was measured.
   */
  cores?: Record<string, number>;
  vpayEventLoopUtilization?: number;
  coresPerSecond?: number[];
  /**
   * The slow app's attempts that ended (timed out) in each second, beside coresPerSecond: do the
   * payment path's slow seconds follow the seconds its attempts time out together? Absent from
   * runs before it was measured.
   */
  slowEndedPerSecond?: number[];
}

export async function slowDeveloper(ctx: BenchContext): Promise<ScenarioResult> {
  const p = ctx.profile.slowDeveloper;
  const agent = ctx.stack.agent;
  const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'slowdev', ownDeveloperOrigin: true });
  // The slow game: a second app on the same instance, on an origin of its own at the fake developer.
  const slowName = `${inst.name}-slow`;
  const res = newResult('slowdev', '1d. A slow developer endpoint beside the payment path, open loop at half of capacity', '');
  try {
    const { appId: slowAppId, deliveryUrl: slowUrl } = await agent.call('setupApp', {
      instance: slowName,
      vpayUrl: inst.url,
      adminToken: ctx.stack.adminToken,
      users: 4,
      ownOrigin: true,
    });
    const origins = {
      superapp: new URL(ctx.stack.superappUrl).origin,
      measured: new URL(inst.deliveryUrl).origin,
      slow: new URL(slowUrl).origin,
    };
    res.checks.push({
      name: "slow developer: the superapp and the two apps' endpoints are three origins",
      ok: new Set(Object.values(origins)).size === 3,
      detail: `superapp ${origins.superapp}, measured app ${origins.measured}, slow app ${origins.slow}`,
    });
    const measured = await capacityFor(ctx, inst, {
      scenario: 'slow developer',
      concurrency: p.calibrateConcurrency,
      durationMs: p.calibrateMs,
    });
    if (measured.calibration) noErrors(res, 'slow developer: calibration', measured.calibration);
    const offered = (measured.ratePerSec * p.percent) / 100;
    const slots = inst.config.workerMaxConcurrentDeliveries;
    const share = endpointShareLimit(inst.config);
    res.setup =
      `One vpay instance (\`npm start\`'s settings: ${slots} delivery slots, ${share} of them at most for one endpoint, ${inst.config.deliveryRetryInitialMs / 1000} s first delivery retry) and two apps. ` +
      `The measured app: an open loop at ${p.percent} % of ${fmt(measured.ratePerSec)} purchases/s (${measured.calibration ? 'measured just before in a closed loop' : "the throughput sweep's best"}), ` +
      `${p.stepMs / 1000} s a step, steps in the order ${ORDER.join(', ')}. In the slow steps a second app's endpoint answers after 11 s (vpay gives up at 10 s): ` +
      `${p.slowOrders} of its purchases are paid just before the first slow step, and their attempts (every one failing at the timeout, retried on vpay's backoff) ` +
      'keep delivery slots busy. After the slow steps its endpoint recovers, one more purchase of it gets through and wakes the rest, and every one is delivered. ' +
      `The superapp and each app's endpoint are origins of their own (a port of 127.0.0.1 each, at the fake superapp and the fake developer), as in production, ` +
      `where every developer has its own: vpay keeps at most ${SOCKETS_PER_ORIGIN} sockets open per origin, and counts each endpoint's share of the delivery slots per origin. ` +
      `At most ${share} slow attempts hang at the slow endpoint at once (its share); its attempts beyond are refused before they are counted or sent, and the server tries them again ` +
      `when a place should be free for them (lib/outbound/endpoint-share.ts). The other ${slots - share} delivery slots stay for the measured app's deliveries. ` +
      'Latencies as in 1c: the payment request from its intended send, the callback from its send, "callback sent → delivered" from the callback\'s send.';

    let slowOn = false;
    const steps: Step[] = [];
    for (const kind of ORDER) {
      if (kind === 'slow' && !slowOn) {
        // What can hang at once: the endpoint's share of the delivery slots.
        await goSlow(ctx, res, inst, slowName, Math.min(p.slowOrders, share, SOCKETS_PER_ORIGIN));
        slowOn = true;
      }
      if (kind === 'base' && slowOn) {
        await recover(ctx, res, slowName);
        slowOn = false;
      }
      const step = await measureStep(ctx, inst, offered, p.stepMs, `${kind}${steps.length}`, kind);
      noErrors(res, `slow developer: ${kind} step ${steps.length + 1}`, step.stats);
      steps.push(step);
      ctx.log(
        `slow developer: ${kind} step (${fmt(offered)} /s): request p99 ${fmt(step.stats.req.p99, 0)} ms, callback p99 ${fmt(step.stats.cb.p99, 0)} ms, ` +
          `callback sent → delivered p99 ${fmt(step.stats.s2d.p99, 0)} ms; slow attempts in flight mean ${fmt(step.inFlight.mean)} max ${step.inFlight.max}`,
      );
    }
    if (slowOn) await recover(ctx, res, slowName);

    const slowSteps = steps.filter((s) => s.kind === 'slow');
    const baseSteps = steps.filter((s) => s.kind === 'base');
    res.checks.push(
      {
        name: 'slow developer: the slow steps had slow attempts in flight',
        ok: slowSteps.every((s) => s.inFlight.max > 0),
        detail: slowSteps.map((s) => `mean ${fmt(s.inFlight.mean)}, max ${s.inFlight.max}`).join('; '),
      },
      {
        name: 'slow developer: the base steps had none',
        ok: baseSteps.every((s) => s.inFlight.max === 0),
        detail: baseSteps.map((s) => `max ${s.inFlight.max}`).join('; '),
      },
    );
    await reconcile(ctx, inst, res);
    await reconcile(ctx, { ...inst, name: slowName, appId: slowAppId }, res);

    const pooled = (kind: Kind) => {
      const of = steps.filter((s) => s.kind === kind).map((s) => s.stats.raw!);
      return {
        req: summarize(of.flatMap((r) => r.reqMs)),
        cb: summarize(of.flatMap((r) => r.cbMs)),
        s2d: summarize(of.flatMap((r) => r.s2dMs)),
        purchases: of.reduce((n, r) => n + r.reqMs.length, 0),
      };
    };
    const base = pooled('base');
    const slow = pooled('slow');
    const inFlightMean = slowSteps.reduce((s, x) => s + x.inFlight.mean, 0) / Math.max(1, slowSteps.length);
    const inFlightMax = Math.max(0, ...slowSteps.map((s) => s.inFlight.max));
    res.tables.push(
      {
        title: 'The measured app, both kinds of step pooled (ms: p50 / p95 / p99 / max)',
        columns: ['steps', 'slow attempts in flight (mean / max)', 'purchases', 'payment request', 'callback', 'callback sent → delivered'],
        rows: [
          ['no developer slow', '0 / 0', String(base.purchases), four(base.req), four(base.cb), four(base.s2d)],
          [
            'one developer slow',
            `${fmt(inFlightMean)} / ${inFlightMax}`,
            String(slow.purchases),
            four(slow.req),
            four(slow.cb),
            four(slow.s2d),
          ],
        ],
      },
      {
        title: 'Each step, in the order run (ms: p50 / p95 / p99 / max)',
        columns: [
          'step',
          'slow attempts in flight (mean / max)',
          'purchases/s offered → completed',
          'payment request',
          'callback',
          'callback sent → delivered',
          'cores: vpay / Temporal / PostgreSQL / all (busiest second)',
        ],
        rows: steps.map((s, i) => [
          `${i + 1}. ${s.kind}`,
          `${fmt(s.inFlight.mean)} / ${s.inFlight.max}`,
          `${fmt(offered)} → ${fmt(s.stats.ratePerSec)}`,
          four(s.stats.req),
          four(s.stats.cb),
          four(s.stats.s2d),
          coresCell(s),
        ]),
      },
      ...secondsTable(steps, offered),
    );
    res.findings.push(
      `With one developer's endpoint slow (${fmt(inFlightMean)} of its attempts in flight on average, ${inFlightMax} at most, of ${slots} delivery slots), ` +
        `another app's payment request took ${fmt(slow.req.p99, 0)} ms at p99 (${fmt(base.req.p99, 0)} ms with none slow) and its callback ${fmt(slow.cb.p99, 0)} ms ` +
        `(${fmt(base.cb.p99, 0)} ms); its deliveries, which share the delivery slots, took ${fmt(slow.s2d.p99, 0)} ms at p99 from the callback (${fmt(base.s2d.p99, 0)} ms).` +
        cpuFinding(baseSteps, slowSteps) +
        secondsFinding(slowSteps, offered),
    );
    res.raw = { capacity: measured.ratePerSec, offered, slots, share, slowOrders: p.slowOrders, origins, base, slow, steps };
    return res;
  } finally {
    await inst.stop();
  }
}

/** The slow app's endpoint turns slow, and its purchases are paid; waits until `expect` of its attempts are in flight. */
export async function goSlow(ctx: BenchContext, res: ScenarioResult, inst: VpayInstance, slowName: string, expect: number): Promise<void> {
  const p = ctx.profile.slowDeveloper;
  const agent = ctx.stack.agent;
  await agent.call('developerAppMode', { instance: slowName, mode: 'slow' });
  const paid = await agent.call('createPaid', { instance: slowName, n: p.slowOrders, concurrency: 16, tag: 'slow', timeLimitMs: 60_000 });
  noErrors(res, "slow developer: the slow app's purchases", paid);
  const deadline = Date.now() + 30_000;
  let inFlight = 0;
  while ((inFlight = await agent.call('slowInFlight', undefined)) < expect && Date.now() < deadline) await sleep(100);
  res.checks.push({
    name: `slow developer: the slow app's attempts reached ${expect} in flight`,
    ok: inFlight >= expect,
    detail: `${inFlight} in flight after its ${paid.created} purchases were paid (${inst.config.workerMaxConcurrentDeliveries} delivery slots, ${endpointShareLimit(inst.config)} for one endpoint)`,
  });
}

/** The slow app's endpoint recovers; one more purchase gets through and wakes the rest; waits until all are delivered and none is in flight. */
export async function recover(ctx: BenchContext, res: ScenarioResult, slowName: string): Promise<void> {
  const agent = ctx.stack.agent;
  await agent.call('developerAppMode', { instance: slowName, mode: 'ok' });
  const one = await agent.call('createPaid', { instance: slowName, n: 1, concurrency: 1, tag: 'recovered', timeLimitMs: 30_000 });
  noErrors(res, 'slow developer: the purchase after the recovery', one);
  const drained = await agent.call('waitDelivered', { instance: slowName, timeoutMs: ctx.profile.deliveryTimeoutMs });
  const deadline = Date.now() + 15_000;
  while ((await agent.call('slowInFlight', undefined)) > 0 && Date.now() < deadline) await sleep(100);
  res.checks.push({
    name: "slow developer: every slow app's purchase delivered after its endpoint recovered",
    ok: drained.delivered === drained.orders,
    detail: `${drained.delivered} of ${drained.orders}`,
  });
}

/** One step of the measured app's open loop, sampling the slow attempts in flight alongside. */
export async function measureStep(
  ctx: BenchContext,
  inst: VpayInstance,
  ratePerSec: number,
  stepMs: number,
  tag: string,
  kind: Kind,
): Promise<Step> {
  const agent = ctx.stack.agent;
  const samples: number[] = [];
  const procs = ctx.stack.procs();
  const meter = new StepMeter(procs);
  const coresPerSecond: number[] = [];
  let running = true;
  const sampler = (async () => {
    while (running) {
      samples.push(await agent.call('slowInFlight', undefined));
      await sleep(500);
    }
  })();
  const slowEndedPerSecond: number[] = [];
  let lastEnded = await agent.call('slowEnded', undefined);
  // The seconds are counted from here, just before the open loop is asked to start (one call to
  // the agent later), so the k-th reading covers the requests meant to be sent k-1 to k s after
  // the loop's start.
  const t0 = performance.now();
  const cpuSampler = (async () => {
    // Each reading ends one second and starts the next, so the seconds join up and /proc is read
    // once a second; each is taken at t0 + k s, so the time the readings take does not add up.
    let last = { ticks: cpuTicks(procs), at: performance.now() };
    for (let k = 1; running; k++) {
      await sleep(Math.max(0, t0 + k * 1000 - performance.now()));
      if (!running) break; // the step ended during this second: no sample past its end
      const now = { ticks: cpuTicks(procs), at: performance.now() };
      coresPerSecond.push(coresUsed(last.ticks, now.ticks, now.at - last.at).total);
      last = now;
      // Read just after the CPU: the two series share their seconds to within one call to the agent.
      const ended = await agent.call('slowEnded', undefined);
      slowEndedPerSecond.push(ended - lastEnded);
      lastEnded = ended;
    }
  })();
  let stats: PurchaseStats;
  let cpu: ReturnType<StepMeter['stop']>;
  try {
    stats = await agent.call('openLoop', {
      instance: inst.name,
      ratePerSec,
      durationMs: stepMs,
      maxInFlight: Math.ceil(ratePerSec * (stepMs / 1000) + 10),
      tag,
      deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
      // Each purchase's intended start too, to set the requests of each second beside its CPU.
      raw: 'timeline',
    });
    // The step is the open loop's window and its drain (the last purchases' deliveries).
    cpu = meter.stop();
  } finally {
    running = false;
    await Promise.all([sampler, cpuSampler]);
  }
  return {
    kind,
    stats,
    inFlight: {
      mean: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length),
      max: Math.max(0, ...samples),
      samples: samples.length,
    },
    ...cpu,
    coresPerSecond,
    slowEndedPerSecond,
  };
}
