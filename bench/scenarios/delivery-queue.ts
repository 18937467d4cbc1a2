// 1f. One lever measured alone: deliveries on their own task queue (SEPARATE_DELIVERY_QUEUE, on in
// `npm start`) against all activities on one queue, at saturation. Scenario 1d shows what the
// separate queue buys when a developer's endpoint is slow; this shows what it costs when none is:
// two vpay instances identical but for the setting, a closed loop on each in turn at the same
// concurrency, the order balanced over the rounds, judged on the medians of the rounds' ratios.
// The bare purchase-shaped workflow with and without a delivery queue of its own beside them shows
// what the second queue costs Temporal and the SDK alone, with none of vpay's own work.
import { saturationConcurrency, newResult, type BenchContext, type ScenarioResult } from '../context';
import { fmt } from '../stats';
import {
  cpuPerPurchaseTable,
  saturationRaw,
  saturationRounds,
  saturationTable,
  type RoundRatio,
  type SaturationSide,
} from './saturation-rounds';

const SIDES: SaturationSide[] = [
  { name: 'queue-separate', label: 'deliveries on their own queue (npm start)', env: { SEPARATE_DELIVERY_QUEUE: 'true' } },
  { name: 'queue-shared', label: 'every activity on one queue', env: { SEPARATE_DELIVERY_QUEUE: 'false' } },
  {
    name: 'queue-bare-separate',
    label: 'bare workflow, deliveries on their own queue',
    env: { SEPARATE_DELIVERY_QUEUE: 'true' },
    bare: true,
  },
  { name: 'queue-bare-shared', label: 'bare workflow, one queue', env: { SEPARATE_DELIVERY_QUEUE: 'false' }, bare: true },
];

const RATIOS: RoundRatio[] = [
  { label: 'separate / shared', num: 0, den: 1 },
  { label: 'bare: separate / shared', num: 2, den: 3 },
  { label: 'vpay / bare, separate', num: 0, den: 2 },
  { label: 'vpay / bare, shared', num: 1, den: 3 },
];

export async function deliveryQueue(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs } = ctx.profile.deliveryQueue;
  const concurrency = saturationConcurrency(ctx);
  const res = newResult(
    'deliveryqueue',
    '1f. A lever alone: deliveries on their own task queue, against one queue, at saturation',
    `Two vpay instances identical but for SEPARATE_DELIVERY_QUEUE (true, \`npm start\`'s default: the calls to developer endpoints on their own task ` +
      'queue and Worker; false: every activity on the one queue, as before 2026-12-01). In each of ' +
      `${rounds} rounds a closed loop of ${concurrency} concurrent whole purchases for ${stepMs / 1000} s on each, back to back, the order balanced over the rounds ` +
      '(bench/balanced-orders.ts; runs before 2026-12-03 had the two vpay sides alone, alternating). Beside them the bare purchase-shaped workflow (scenario 2) ' +
      'with deliverOrder on a queue and worker of its own and on its one queue. ' +
      'The fake developer answers at once: this is what the separate queue costs when no endpoint is slow (scenario 1d shows what it buys when one is). ' +
      'Everything else as `npm start` runs it.',
  );
  const p = await saturationRounds(ctx, res, { what: 'delivery queue', sides: SIDES, rounds, stepMs });
  const { table, medians } = saturationTable(p, SIDES, RATIOS, { order: 'order' });
  const [ratio, bareRatio, vpayBareSeparate, vpayBareShared] = medians;
  res.tables.push(table, cpuPerPurchaseTable(p, SIDES));
  res.findings.push(
    `Deliveries on their own queue ran ${fmt(ratio, 2)}× the purchases per second of one shared queue at ${p.concurrency} concurrent, ` +
      `the bare workflow ${fmt(bareRatio, 2)}× (medians of ${rounds} rounds' ratios); vpay / bare was ${fmt(vpayBareSeparate, 2)} with both on two queues ` +
      `and ${fmt(vpayBareShared, 2)} with both on one.`,
  );
  // medianRatio: vpay's separate / shared, as runs before the bare sides recorded it.
  res.raw = { ...saturationRaw(p, SIDES, RATIOS, medians), medianRatio: ratio };
  return res;
}
