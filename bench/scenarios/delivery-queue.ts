// 1f. One lever measured alone: deliveries on their own task queue (SEPARATE_DELIVERY_QUEUE, on in
// `npm start`) against all activities on one queue, at saturation. Scenario 1d shows what the
// separate queue buys when a developer's endpoint is slow; this shows what it costs when none is:
// two vpay instances identical but for the setting, a closed loop on each in turn at the same
// concurrency, the order alternating between rounds, judged on the median of the rounds' ratios.
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { fmt } from '../stats';
import { saturationRounds, saturationTable } from './saturation-rounds';

const SIDES = [
  { name: 'queue-separate', label: 'deliveries on their own queue (npm start)', env: { SEPARATE_DELIVERY_QUEUE: 'true' } },
  { name: 'queue-shared', label: 'every activity on one queue', env: { SEPARATE_DELIVERY_QUEUE: 'false' } },
] as const;

export async function deliveryQueue(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs } = ctx.profile.deliveryQueue;
  const concurrency = ctx.shared.bestConcurrency ?? ctx.profile.throughput.concurrencies[0];
  const res = newResult(
    'deliveryqueue',
    '1f. A lever alone: deliveries on their own task queue, against one queue, at saturation',
    `Two vpay instances identical but for SEPARATE_DELIVERY_QUEUE (true, \`npm start\`'s default: the calls to developer endpoints on their own task ` +
      'queue and Worker; false: every activity on the one queue, as before 2026-12-01). In each of ' +
      `${rounds} rounds a closed loop of ${concurrency} concurrent whole purchases for ${stepMs / 1000} s on each, back to back, the order alternating. ` +
      'The fake developer answers at once: this is what the separate queue costs when no endpoint is slow (scenario 1d shows what it buys when one is). ' +
      'Everything else as `npm start` runs it.',
  );
  const p = await saturationRounds(ctx, res, { what: 'delivery queue', sides: SIDES, rounds, stepMs });
  const {
    table,
    medians: [ratio],
  } = saturationTable(p, SIDES, [{ label: 'separate / shared', num: 0, den: 1 }], { order: 'first' });
  res.tables.push(table);
  res.findings.push(
    `Deliveries on their own queue ran ${fmt(ratio, 2)}× the purchases per second of one shared queue at ${p.concurrency} concurrent (median of ${rounds} alternating rounds).`,
  );
  res.raw = { concurrency: p.concurrency, stepMs, sides: SIDES.map((s) => s.name), rounds: p.rounds, medianRatio: ratio };
  return res;
}
