// 1g. The latency levers at saturation: what the request's steps as local activities
// (PURCHASE_LOCAL_STEPS) and the callback's PAID row as a local activity (PURCHASE_LOCAL_PAID_ROW)
// do to the saturated rate. Scenario 1b measures them at light load; a local activity holds its
// workflow task (and the worker's slot) while its I/O runs, so at saturation they may cost what
// they save at light load. Three vpay instances (`npm start`; neither lever; the request's alone),
// a closed loop on each in turn at the same concurrency, the order balanced over the rounds,
// judged on the medians of the rounds' ratios to `npm start` (bench/scenarios/saturation-rounds.ts).
import { saturationConcurrency, newResult, type BenchContext, type ScenarioResult } from '../context';
import { fmt } from '../stats';
import { cpuPerPurchaseTable, saturationRaw, saturationRounds, saturationTable, type RoundRatio } from './saturation-rounds';

const SIDES = [
  { name: 'levers-npm-start', label: 'both levers (npm start)', env: {} },
  { name: 'levers-tasks', label: 'neither: activity tasks', env: { PURCHASE_LOCAL_STEPS: 'false', PURCHASE_LOCAL_PAID_ROW: 'false' } },
  { name: 'levers-local-steps', label: 'local request steps only', env: { PURCHASE_LOCAL_PAID_ROW: 'false' } },
] as const;
/**
 * Each side to `npm start`, and the request's lever alone (activity tasks against local request
 * steps only); local request steps only / npm start is the PAID row's lever alone. Above 1: the
 * side without the lever ran faster.
 */
const RATIOS: RoundRatio[] = [
  { label: 'activity tasks / npm start', num: 1, den: 0 },
  { label: 'local request steps only / npm start', num: 2, den: 0 },
  { label: 'activity tasks / local request steps only', num: 1, den: 2 },
];

export async function levers(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs } = ctx.profile.levers;
  const concurrency = saturationConcurrency(ctx);
  const d = ctx.stack.defaults;
  const res = newResult(
    'levers',
    "1g. The latency levers at saturation: the request's steps and the callback's PAID row as local activities, against activity tasks",
    `Three vpay instances identical but for two settings: "${SIDES[0].label}", neither set (\`npm start\`'s defaults: ` +
      `PURCHASE_LOCAL_STEPS=${d.purchaseLocalSteps}, PURCHASE_LOCAL_PAID_ROW=${d.purchaseLocalPaidRow}); "${SIDES[1].label}", ` +
      'PURCHASE_LOCAL_STEPS=false PURCHASE_LOCAL_PAID_ROW=false (the order row, prepay call, PREPAID row and PAID row each an activity task); ' +
      `"${SIDES[2].label}", PURCHASE_LOCAL_PAID_ROW=false. In each of ${rounds} rounds a closed loop of ${concurrency} concurrent whole purchases ` +
      `for ${stepMs / 1000} s on each, back to back, the rounds cycling through the six orders of the three (bench/balanced-orders.ts). ` +
      "Scenario 1b measures the levers' latency at light load; this, what they do to the saturated rate (a local activity holds its workflow " +
      'task while its I/O runs). CPU per purchase from /proc over each step, as in scenario 1. Everything else as `npm start` runs it.',
  );
  const p = await saturationRounds(ctx, res, { what: 'levers', sides: SIDES, rounds, stepMs });
  const { table, medians } = saturationTable(p, SIDES, RATIOS, { order: 'order' });
  res.tables.push(table, cpuPerPurchaseTable(p, SIDES));
  const [tasks, localSteps, requestLever] = medians;
  res.findings.push(
    `At saturation (${p.concurrency} concurrent, medians of ${rounds} rounds' ratios): with every step an activity task vpay ran ${fmt(tasks, 2)}× ` +
      `the purchases per second of \`npm start\`; without the PAID row's lever alone (local request steps only) ${fmt(localSteps, 2)}×; ` +
      `without the request's lever alone (activity tasks against local request steps only) ${fmt(requestLever, 2)}×. ` +
      'Above 1, the side without the lever ran faster: the lever costs throughput at saturation; below 1, it adds some.',
  );
  res.raw = saturationRaw(p, SIDES, RATIOS, medians);
  return res;
}
