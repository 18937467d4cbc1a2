// The report's lead table (bench/lead.ts) over raw JSON kept in bench/results/partial: each figure
// must be the one the raw arrays give, recomputed here, and a scenario that did not run must say so.
import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from '../../bench/context';
import { leadTable } from '../../bench/lead';
import { summarize } from '../../bench/stats';

const dir = path.join(__dirname, '../../bench/results/partial');
const load = (file: string): ScenarioResult => {
  const { run: _run, ...res } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { run: unknown } & ScenarioResult;
  return res as ScenarioResult;
};
const row = (rows: string[][], what: string) => rows.find((r) => r[0].startsWith(what));

describe('the lead table', () => {
  const steps = load('2026-12-01T18-20-20Z-steps.json');
  const offered = load('2026-12-01T19-10-06Z-offered.json');
  const throughput = load('2026-12-01T18-20-20Z-throughput.json');
  const ceiling = load('2026-12-01T18-20-20Z-ceiling.json');

  it('reads capacity, half load, the floor and the ceiling from the raw data', () => {
    const t = leadTable([throughput, ceiling, steps, offered])!;
    const best = Math.max(...(throughput.raw as any).steps.map((s: any) => s.stats.ratePerSec));
    expect(row(t.rows, 'Capacity')![1]).toContain(`${best.toFixed(1)} /s`);

    const half = (offered.raw as any).steps.find((s: any) => s.percent === 50);
    expect(row(t.rows, 'At half of capacity')![1]).toBe(`**${half.req.p50.toFixed(0)} / ${half.req.p99.toFixed(0)} ms**`);
    expect(row(t.rows, '… whole purchase')![1]).toBe(`${half.whole.p50.toFixed(0)} / ${half.whole.p99.toFixed(0)} ms`);

    const raw = steps.raw as any;
    const floor = summarize(raw.floor.answerMs);
    const local = summarize(raw.variants.find((v: any) => v.localSteps === 'true').reqMs);
    expect(row(t.rows, 'At light load')![1]).toContain(`request ${local.p99.toFixed(0)} ms = ${(local.p99 / floor.p99).toFixed(2)}×`);

    expect(row(t.rows, 'vpay / the bare')![1]).toContain(`**${(ceiling.raw as any).paired.medianRatio.toFixed(2)}**`);
  });

  it('reads the light-load row from the steps variant flagged npmStart, not from the first with local steps', () => {
    const raw = steps.raw as any;
    const [tasks, local] = raw.variants;
    // Three variants as the scenario records them now: two with local steps, the last the one `npm start` runs.
    const paidLocalReq = local.reqMs.map((ms: number) => ms / 2);
    const paidLocalCb = local.cbMs.map((ms: number) => ms / 3);
    const three: ScenarioResult = {
      ...steps,
      raw: {
        ...raw,
        variants: [
          { ...tasks, npmStart: false, localPaidRow: 'false' },
          { ...local, npmStart: false, localPaidRow: 'false' },
          { ...local, name: 'steps-paid-local', npmStart: true, localPaidRow: 'true', reqMs: paidLocalReq, cbMs: paidLocalCb },
        ],
      },
    };
    const floor = summarize(raw.floor.answerMs);
    const req = summarize(paidLocalReq);
    const cb = summarize(paidLocalCb);
    expect(row(leadTable([three])!.rows, 'At light load')![1]).toBe(
      `request ${req.p99.toFixed(0)} ms = ${(req.p99 / floor.p99).toFixed(2)}×, callback ${cb.p99.toFixed(0)} ms = ${(cb.p99 / floor.p99).toFixed(2)}×`,
    );
    // A run whose variants carry the flag but none set says the figure is missing rather than picking another.
    const none: ScenarioResult = {
      ...three,
      raw: { ...raw, variants: (three.raw as any).variants.map((v: any) => ({ ...v, npmStart: false })) },
    };
    expect(row(leadTable([none])!.rows, 'At light load')![1]).toContain('`steps` not in this run');
  });

  it('names the scenario to run where a figure is missing', () => {
    const t = leadTable([steps])!;
    expect(row(t.rows, 'Capacity')![1]).toContain('`throughput` not in this run');
    expect(row(t.rows, 'At half of capacity')![1]).toContain('`offered` not in this run');
    expect(row(t.rows, 'vpay / the bare')![1]).toContain('`ceiling` not in this run');
  });
});
