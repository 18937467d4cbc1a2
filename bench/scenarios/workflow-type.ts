// 1h. The purchaseV2 workflow type at saturation: the purchase with every change built in, so it
// asks no patch (PURCHASE_WORKFLOW_V2, `npm start`'s default), against the `purchase` type, which
// asks three patches on its happy path and so writes three patch markers and three
// TemporalChangeVersion search-attribute upserts (visibility writes) per purchase. Two vpay
// instances, a closed loop on each in turn at the same concurrency, the order alternating, judged
// on the median of the rounds' ratios (bench/scenarios/saturation-rounds.ts).
import { saturationConcurrency, newResult, type BenchContext, type ScenarioResult } from '../context';
import { fmt } from '../stats';
import { cpuPerPurchaseTable, saturationRaw, saturationRounds, saturationTable, type RoundRatio } from './saturation-rounds';

const SIDES = [
  { name: 'type-v2', label: 'purchaseV2, no patches (npm start)', env: {} },
  { name: 'type-v1', label: 'purchase, 3 patches', env: { PURCHASE_WORKFLOW_V2: 'false' } },
] as const;
/** Above 1: the patched type ran faster. */
const RATIOS: RoundRatio[] = [{ label: 'purchase / purchaseV2', num: 1, den: 0 }];

export async function workflowType(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs } = ctx.profile.workflowType;
  const concurrency = saturationConcurrency(ctx);
  const res = newResult(
    'workflowtype',
    '1h. A workflow type without patches (purchaseV2) against the patched one, at saturation',
    `Two vpay instances identical but for PURCHASE_WORKFLOW_V2: "${SIDES[0].label}" (\`npm start\`'s default) and "${SIDES[1].label}" ` +
      '(PURCHASE_WORKFLOW_V2=false: the local-request-steps, local-paid-row and delivery-task-queue patches, each a marker event and a ' +
      `TemporalChangeVersion upsert). In each of ${rounds} rounds a closed loop of ${concurrency} concurrent whole purchases for ` +
      `${stepMs / 1000} s on each, back to back, the first side alternating. CPU per purchase from /proc over each step, as in scenario 1. ` +
      'Everything else as `npm start` runs it.',
  );
  const p = await saturationRounds(ctx, res, { what: 'workflow type', sides: SIDES, rounds, stepMs });
  const { table, medians } = saturationTable(p, SIDES, RATIOS, { order: 'first' });
  res.tables.push(table, cpuPerPurchaseTable(p, SIDES));
  res.findings.push(
    `At saturation (${p.concurrency} concurrent, the median of ${rounds} rounds' ratios) the patched \`purchase\` type ran ${fmt(medians[0], 2)}× ` +
      'the purchases per second of purchaseV2. Below 1, dropping the patches adds throughput.',
  );
  res.raw = saturationRaw(p, SIDES, RATIOS, medians);
  return res;
}
