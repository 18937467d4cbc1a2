// vpay / ceiling and vpay / floor from paired rounds. One 20 s step of each on a 2-core machine is
// noisy: across repeated runs the best-against-best ratio of the sweeps spread from 0.75 to 0.98.
// Here each round runs a vpay step, a bare step and a step of Temporal's floor back to back, so all
// meet the same machine, and the order rotates through all six between rounds so a slow drift
// favours none; the medians of the rounds' ratios are the figures the targets are judged on.
import { saturationConcurrency, type BenchContext, type ScenarioResult, type Table } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance } from '../stack';
import { fmt, roundsMedian } from '../stats';
import type { Ceiling } from '../ceiling/driver';
import type { Floor } from '../ceiling/floor';
import { balancedOrders } from '../balanced-orders';

/** The three sides of a round: vpay, the bare purchase-shaped workflow, and Temporal's floor. */
export type PairedSide = 'vpay' | 'ceiling' | 'floor';

const SIDES: readonly PairedSide[] = ['vpay', 'ceiling', 'floor'];
/** Every order of the three sides (bench/balanced-orders.ts); round r runs ORDERS[(r - 1) % 6], so a slow drift favours none. */
const ORDERS: ReadonlyArray<readonly PairedSide[]> = balancedOrders(SIDES.length).map((o) => o.map((i) => SIDES[i]));

/**
 * The floor's callers in a closed loop: the issue measured Temporal's floor "34/s with 16
 * clients" on this machine, and its rate hardly moves between 16 and 32 callers.
 */
export const FLOOR_CONCURRENCY = 16;

export interface PairedRound {
  round: number;
  /** The side that ran first (older runs: vpay or ceiling; the floor joined the rounds later). */
  first: PairedSide;
  order?: PairedSide[];
  vpayRate: number;
  ceilingRate: number;
  ratio: number;
  /** Temporal's floor saturated (absent in runs before it joined the rounds). */
  floorRate?: number;
  /** vpay / floor. */
  floorRatio?: number;
}

export interface PairedResult {
  concurrency: number;
  stepMs: number;
  rounds: PairedRound[];
  medianRatio: number;
  floorConcurrency?: number;
  /** Median of the rounds' vpay / floor. */
  medianFloorRatio?: number;
}

export async function pairedRounds(ctx: BenchContext, res: ScenarioResult, ceiling: Ceiling, floor: Floor): Promise<PairedResult> {
  const { stepMs, pairedRounds: n } = ctx.profile.throughput;
  const concurrency = saturationConcurrency(ctx);
  const floorConcurrency = ctx.smoke ? Math.min(FLOOR_CONCURRENCY, concurrency) : FLOOR_CONCURRENCY;
  const deliveryTimeoutMs = ctx.profile.deliveryTimeoutMs;
  const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'paired' });
  try {
    const agent = ctx.stack.agent;
    const vpayStep = (tag: string, durationMs: number) =>
      agent.call('closedLoop', { instance: inst.name, concurrency, durationMs, tag, deliveryTimeoutMs });
    noErrors(res, 'paired: vpay warm-up', await vpayStep('paired-warm', ctx.profile.warmupMs));
    noErrors(
      res,
      'paired: floor warm-up',
      await floor.saturate({ concurrency: floorConcurrency, durationMs: ctx.profile.warmupMs, tag: 'paired-warm' }),
    );
    const rounds: PairedRound[] = [];
    for (let round = 1; round <= n; round++) {
      const order = ORDERS[(round - 1) % ORDERS.length];
      const rates = {} as Record<PairedSide, number>;
      for (const side of order) {
        const tag = `paired${round}`;
        const stats =
          side === 'vpay'
            ? await vpayStep(tag, stepMs)
            : side === 'ceiling'
              ? await ceiling.run({ concurrency, durationMs: stepMs, tag })
              : await floor.saturate({ concurrency: floorConcurrency, durationMs: stepMs, tag });
        noErrors(res, `paired round ${round}: ${side}`, stats);
        rates[side] = stats.ratePerSec;
      }
      const r: PairedRound = {
        round,
        first: order[0],
        order: [...order],
        vpayRate: rates.vpay,
        ceilingRate: rates.ceiling,
        ratio: rates.vpay / rates.ceiling,
        floorRate: rates.floor,
        floorRatio: rates.vpay / rates.floor,
      };
      rounds.push(r);
      ctx.log(
        `paired round ${round} (${order.join(', ')}; ${concurrency} concurrent, floor ${floorConcurrency}): vpay ${fmt(r.vpayRate)} /s, ` +
          `ceiling ${fmt(r.ceilingRate)} /s, floor ${fmt(rates.floor)} /s, vpay / ceiling ${fmt(r.ratio, 2)}, vpay / floor ${fmt(r.floorRatio!, 2)}`,
      );
    }
    await reconcile(ctx, inst, res);
    return {
      concurrency,
      stepMs,
      rounds,
      medianRatio: roundsMedian(rounds.map((r) => r.ratio)),
      floorConcurrency,
      medianFloorRatio: roundsMedian(rounds.map((r) => r.floorRatio!)),
    };
  } finally {
    await inst.stop();
  }
}

export function pairedTable(p: PairedResult): Table {
  const withFloor = p.medianFloorRatio !== undefined;
  return {
    title:
      `Paired rounds at ${p.concurrency} concurrent${withFloor ? ` (the floor: ${p.floorConcurrency} callers)` : ''} ` +
      `(${p.stepMs / 1000} s per step, back to back, order rotating)`,
    columns: [
      'round',
      'order',
      'vpay purchases/s',
      'ceiling purchases/s',
      ...(withFloor ? ['floor workflows/s'] : []),
      'vpay / ceiling',
      ...(withFloor ? ['vpay / floor'] : []),
    ],
    rows: [
      ...p.rounds.map((r) => [
        String(r.round),
        (r.order ?? [r.first]).join(' → '),
        fmt(r.vpayRate),
        fmt(r.ceilingRate),
        ...(withFloor ? [fmt(r.floorRate)] : []),
        fmt(r.ratio, 2),
        ...(withFloor ? [fmt(r.floorRatio, 2)] : []),
      ]),
      [
        'median',
        '',
        '',
        '',
        ...(withFloor ? [''] : []),
        `**${fmt(p.medianRatio, 2)}**`,
        ...(withFloor ? [`**${fmt(p.medianFloorRatio, 2)}**`] : []),
      ],
    ],
  };
}
