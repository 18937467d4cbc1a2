// Levers measured alone at saturation (1f deliveryqueue, 1g levers): vpay instances identical but
// for their env, a closed loop on each in turn at the same concurrency, round after round, the
// order of the sides balanced over the rounds (bench/balanced-orders.ts). Single 20 s steps on a
// 2-core machine are noisy; a ratio of two sides measured back to back within a round, with the
// median taken over the rounds, is what the scenarios judge on.
import { saturationConcurrency, type BenchContext, type ScenarioResult, type Table } from '../context';
import { bareDeliveredOnce, noErrors, pgConnections, pgTransport, reconcile, type PgConnections } from '../checks';
import { startVpayInstance, type VpayInstance } from '../stack';
import { StepMeter, type ProcessSet } from '../sys';
import type { PurchaseStats } from '../agent-protocol';
import { startDefaultCeiling } from './ceiling';
import { fmt, roundsMedian } from '../stats';
import { balancedOrders } from '../balanced-orders';
import { cpuMsPerPurchase } from './throughput';

export interface SaturationSide {
  name: string;
  label: string;
  /** vpay's settings on this side; the bare workflow follows its SEPARATE_DELIVERY_QUEUE, and ignores the rest. */
  env: Readonly<Record<string, string>>;
  /** A Temporal server the scenario started (its address, and its pid for the CPU figures); the stack's when absent. */
  temporal?: { address: string; pid: number };
  /** vpay connects to PostgreSQL over the stack's Unix socket instead of TCP (scenario 2e). */
  pgSocket?: boolean;
  /** The bare purchase-shaped workflow (bench/ceiling/, vpay's shape as `npm start` runs it, deliveries on a queue of their own unless env says otherwise) instead of vpay. */
  bare?: boolean;
}

/** One side's load: a closed loop of `concurrency` whole purchases for `durationMs`. */
interface SideRunner {
  step(tag: string, durationMs: number, concurrency: number): Promise<PurchaseStats>;
  /** Every purchase made on this side paid, confirmed and delivered exactly once. */
  check(): Promise<void>;
  stop(): Promise<void>;
  /** Where the bare workflow's deliveries run (bare sides only; bench/ceiling/driver.ts report()). */
  bareDeliveryQueue?: 'separate' | 'shared' | 'none';
  /** Runs after each of this side's steps, outside its CPU meter. */
  afterStep?(): Promise<void>;
}

export interface SaturationRound {
  round: number;
  /** The side that ran first, by name. */
  first: string;
  /** The sides by name, in the order they ran. */
  order: string[];
  /** Whole purchases per second of each side (indexes as the sides). */
  rates: number[];
  wholeP99: number[];
  /** Cores each process used during each side's step, and those per purchase (bench/sys.ts StepMeter). */
  cores: Array<Record<string, number>>;
  cpuMsPerPurchase: Array<Record<string, number>>;
}

export interface SaturationRounds {
  concurrency: number;
  stepMs: number;
  rounds: SaturationRound[];
  /** Where each side's bare workflow's deliveries ran (undefined for vpay sides). */
  bareDeliveryQueue: Array<'separate' | 'shared' | 'none' | undefined>;
}

/**
 * Starts one vpay instance per side, warms each up, runs `rounds` rounds of a closed loop of
 * `stepMs` on each (at the throughput sweep's best concurrency when it ran), checks every step and
 * reconciles every instance, and stops them. `what` names the rounds in the checks and the log.
 */
export async function saturationRounds(
  ctx: BenchContext,
  res: ScenarioResult,
  o: { what: string; sides: readonly SaturationSide[]; rounds: number; stepMs: number },
): Promise<SaturationRounds> {
  const { what, sides, rounds, stepMs } = o;
  const concurrency = saturationConcurrency(ctx);
  const orders = balancedOrders(sides.length);
  const runners: SideRunner[] = [];
  const procs = (s: SaturationSide): ProcessSet => ({ ...ctx.stack.procs(), ...(s.temporal ? { temporal: s.temporal.pid } : {}) });
  try {
    for (const s of sides) runners.push(await startSide(ctx, res, s));
    const step = (i: number, tag: string, durationMs: number) => runners[i].step(tag, durationMs, concurrency);
    for (const [i, s] of sides.entries()) noErrors(res, `${s.name}: warm-up`, await step(i, `${s.name}-warm`, ctx.profile.warmupMs));
    const rows: SaturationRound[] = [];
    for (let round = 1; round <= rounds; round++) {
      const order = orders[(round - 1) % orders.length];
      const row: SaturationRound = {
        round,
        first: sides[order[0]].name,
        order: order.map((i) => sides[i].name),
        rates: [],
        wholeP99: [],
        cores: [],
        cpuMsPerPurchase: [],
      };
      for (const i of order) {
        // Only this side's load runs meanwhile; the other instances' pollers idle in the same process.
        const meter = new StepMeter(procs(sides[i]));
        const stats = await step(i, `${sides[i].name}-${round}`, stepMs);
        const { cores } = meter.stop();
        await runners[i].afterStep?.();
        noErrors(res, `${what} round ${round}: ${sides[i].name}`, stats);
        row.rates[i] = stats.ratePerSec;
        row.wholeP99[i] = stats.whole.p99;
        row.cores[i] = cores;
        row.cpuMsPerPurchase[i] = cpuMsPerPurchase(cores, stats.ratePerSec);
      }
      rows.push(row);
      ctx.log(
        `${what} round ${round} (${row.order.join(', ')}; ${concurrency} concurrent): ` +
          sides.map((s, i) => `${s.name} ${fmt(row.rates[i])} /s`).join(', '),
      );
    }
    for (const r of runners) await r.check();
    return { concurrency, stepMs, rounds: rows, bareDeliveryQueue: runners.map((r) => r.bareDeliveryQueue) };
  } finally {
    for (const r of runners) await r.stop();
  }
}

async function startSide(ctx: BenchContext, res: ScenarioResult, s: SaturationSide): Promise<SideRunner> {
  const deliveryTimeoutMs = ctx.profile.deliveryTimeoutMs;
  if (s.bare) {
    // The bare workflow mirrors the one setting of the side's env it has a shape for; the rest is npm start's.
    const separate = s.env.SEPARATE_DELIVERY_QUEUE;
    const c = await startDefaultCeiling(ctx, s.temporal?.address ?? ctx.stack.temporalAddress, `bench-${s.name}`, {
      separateDeliveryQueue: separate === undefined ? undefined : separate !== 'false',
    });
    const stop = ctx.cleanup.add(`stop the bare workflow's worker of ${s.name}`, () => c.stop());
    return {
      step: (tag, durationMs, concurrency) => c.run({ concurrency, durationMs, tag }),
      check: async () => bareDeliveredOnce(res, s.name, c.report()),
      stop,
      bareDeliveryQueue: c.report().deliveryQueue,
    };
  }
  const inst: VpayInstance = await startVpayInstance(ctx.stack, ctx.cleanup, {
    name: s.name,
    env: { ...s.env },
    temporalAddress: s.temporal?.address,
    pgSocket: s.pgSocket,
  });
  // vpay's pools close idle connections after 30 s: counted right after each step, while they are open.
  const seen: PgConnections = { unix: 0, tcp: 0 };
  return {
    step: (tag, durationMs, concurrency) =>
      ctx.stack.agent.call('closedLoop', { instance: inst.name, concurrency, durationMs, tag, deliveryTimeoutMs }),
    afterStep: async () => {
      const now = await pgConnections(inst);
      seen.unix = Math.max(seen.unix, now.unix);
      seen.tcp = Math.max(seen.tcp, now.tcp);
    },
    check: async () => {
      pgTransport(res, inst.name, s.pgSocket === true, seen);
      await reconcile(ctx, inst, res);
    },
    stop: () => inst.stop(),
  };
}

/** What a side-by-side scenario keeps as raw data: its rounds, its sides and the medians of its ratios. */
export function saturationRaw(
  p: SaturationRounds,
  sides: readonly SaturationSide[],
  ratios: readonly RoundRatio[],
  medians: readonly number[],
): Record<string, unknown> {
  return {
    concurrency: p.concurrency,
    stepMs: p.stepMs,
    sides: sides.map((s, i) => ({
      name: s.name,
      label: s.label,
      env: s.env,
      ...(s.bare ? { bare: true, deliveryQueue: p.bareDeliveryQueue[i] } : {}),
      ...(s.pgSocket ? { pgSocket: true } : {}),
    })),
    rounds: p.rounds,
    ratios: ratios.map((q, i) => ({ ...q, median: medians[i] })),
  };
}

/** A ratio of two sides' rates (indexes into the sides), computed per round. */
export interface RoundRatio {
  label: string;
  num: number;
  den: number;
}

/** Each round's rate of each side, the ratios of that round, and the medians of the ratios over the rounds. */
export function saturationTable(
  p: SaturationRounds,
  sides: readonly SaturationSide[],
  ratios: readonly RoundRatio[],
  o: { order: 'first' | 'order' },
): { table: Table; medians: number[] } {
  const medians = ratios.map((q) => roundsMedian(p.rounds.map((r) => r.rates[q.num] / r.rates[q.den])));
  const table: Table = {
    title: `Each round: whole purchases per second at ${p.concurrency} concurrent (whole purchase p99 in ms)`,
    columns: ['round', o.order, ...sides.map((s) => s.label), ...ratios.map((q) => q.label)],
    rows: [
      ...p.rounds.map((r) => [
        String(r.round),
        o.order === 'first' ? r.first : r.order.join(' → '),
        ...sides.map((_, i) => `${fmt(r.rates[i])} (${fmt(r.wholeP99[i], 0)})`),
        ...ratios.map((q) => fmt(r.rates[q.num] / r.rates[q.den], 2)),
      ]),
      ['median', '', ...sides.map(() => ''), ...medians.map((m) => `**${fmt(m, 2)}**`)],
    ],
  };
  return { table, medians };
}

/** CPU per whole purchase of each side, the median over its rounds' steps, by process. */
export function cpuPerPurchaseTable(p: SaturationRounds, sides: readonly SaturationSide[]): Table {
  const med = (i: number, k: string) => fmt(roundsMedian(p.rounds.map((r) => r.cpuMsPerPurchase[i]?.[k] ?? Number.NaN)), 1);
  const maxOther = (i: number) => fmt(Math.max(...p.rounds.map((r) => r.cores[i]?.other ?? 0)), 2);
  return {
    title:
      'CPU per whole purchase (ms of CPU, the median over the rounds; cores × step time / purchases): ' +
      "other processes' cores are the machine's, not this benchmark's (the most in any round)" +
      (sides.some((s) => s.temporal)
        ? "; with sides on Temporal servers of the scenario's own, each side's Temporal column is its own server's, and the servers idle during its step count among the other processes"
        : '') +
      (sides.some((s) => s.bare)
        ? '; for the bare workflow the vpay process column is its worker and driver, which run in that process'
        : ''),
    columns: ['side', 'vpay process', 'Temporal server', 'PostgreSQL', 'load agent', 'total', 'other processes (cores, max)'],
    rows: sides.map((s, i) => [
      s.label,
      med(i, 'vpay'),
      med(i, 'temporal'),
      med(i, 'postgres'),
      med(i, 'agent'),
      med(i, 'total'),
      maxOther(i),
    ]),
  };
}
