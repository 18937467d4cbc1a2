// 1f. One lever measured alone: deliveries on their own task queue (SEPARATE_DELIVERY_QUEUE, on in
// `npm start`) against all activities on one queue, at saturation. Scenario 1d shows what the
// separate queue buys when a developer's endpoint is slow; this shows what it costs when none is:
// two vpay instances identical but for the setting, a closed loop on each in turn at the same
// concurrency, the order alternating between rounds, judged on the median of the rounds' ratios.
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance, type VpayInstance } from '../stack';
import { fmt } from '../stats';
import { median } from './paired';

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
  const insts: VpayInstance[] = [];
  try {
    for (const s of SIDES) insts.push(await startVpayInstance(ctx.stack, ctx.cleanup, { name: s.name, env: { ...s.env } }));
    const agent = ctx.stack.agent;
    const step = (i: number, tag: string, durationMs: number) =>
      agent.call('closedLoop', {
        instance: insts[i].name,
        concurrency,
        durationMs,
        tag,
        deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
      });
    for (const [i, s] of SIDES.entries()) noErrors(res, `${s.name}: warm-up`, await step(i, `${s.name}-warm`, ctx.profile.warmupMs));
    const rows: Array<{ round: number; first: string; rates: number[]; wholeP99: number[] }> = [];
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? [0, 1] : [1, 0];
      const rates: number[] = [];
      const wholeP99: number[] = [];
      for (const i of order) {
        const stats = await step(i, `${SIDES[i].name}-${round}`, stepMs);
        noErrors(res, `delivery queue round ${round}: ${SIDES[i].name}`, stats);
        rates[i] = stats.ratePerSec;
        wholeP99[i] = stats.whole.p99;
      }
      rows.push({ round, first: SIDES[order[0]].name, rates, wholeP99 });
      ctx.log(
        `delivery queue round ${round}: separate ${fmt(rates[0])} /s, shared ${fmt(rates[1])} /s, ratio ${fmt(rates[0] / rates[1], 2)}`,
      );
    }
    for (const inst of insts) await reconcile(ctx, inst, res);
    const ratio = median(rows.map((r) => r.rates[0] / r.rates[1]));
    res.tables.push({
      title: `Each round: whole purchases per second at ${concurrency} concurrent (whole purchase p99 in ms)`,
      columns: ['round', 'first', SIDES[0].label, SIDES[1].label, 'separate / shared'],
      rows: [
        ...rows.map((r) => [
          String(r.round),
          r.first,
          `${fmt(r.rates[0])} (${fmt(r.wholeP99[0], 0)})`,
          `${fmt(r.rates[1])} (${fmt(r.wholeP99[1], 0)})`,
          fmt(r.rates[0] / r.rates[1], 2),
        ]),
        ['median', '', '', '', `**${fmt(ratio, 2)}**`],
      ],
    });
    res.findings.push(
      `Deliveries on their own queue ran ${fmt(ratio, 2)}× the purchases per second of one shared queue at ${concurrency} concurrent (median of ${rounds} alternating rounds).`,
    );
    res.raw = { concurrency, stepMs, sides: SIDES.map((s) => s.name), rounds: rows, medianRatio: ratio };
    return res;
  } finally {
    for (const inst of insts) await inst.stop();
  }
}
