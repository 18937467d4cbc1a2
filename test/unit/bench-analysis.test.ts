// The report's analysis (bench/analysis.ts, bench/latency-bound.ts) over the raw JSON of the full run
// of 2026-12-02 03:00, kept in bench/results: the verdict must come from the paired rounds (the
// issue's rule), not from the sweeps' best steps, and the light-load paragraph must carry the
// figures the raw arrays give.
import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from '../../bench/context';
import { analyse, floorShape } from '../../bench/analysis';
import { latencyBound } from '../../bench/latency-bound';
import { fmt, median, summarize } from '../../bench/stats';

const dir = path.join(__dirname, '../../bench/results');
const load = (scenario: string): ScenarioResult => {
  const { run: _run, ...res } = JSON.parse(fs.readFileSync(path.join(dir, `2026-12-02T03-00-37Z-${scenario}.json`), 'utf8')) as {
    run: unknown;
  } & ScenarioResult;
  return res as ScenarioResult;
};

describe("the report's analysis", () => {
  const throughput = load('throughput');
  const ceiling = load('ceiling');
  const steps = load('steps');

  it('takes the verdict from the best steps when the run has no paired rounds', () => {
    const noRounds = { ...ceiling, raw: { ...(ceiling.raw as any), paired: undefined } };
    const verdict = analyse([throughput, noRounds], 2).find((p) => p.startsWith('**Verdict'))!;
    expect(verdict).toContain('best step against best step');
    expect(verdict).toContain('vpay is not the bottleneck');
  });

  it('takes the verdict from the paired rounds, with best against best only beside it', () => {
    const paired = (ceiling.raw as any).paired;
    const best = (rows: any[]) => Math.max(...rows.map((s) => s.stats.ratePerSec));
    const bestRatio = best((throughput.raw as any).steps) / best((ceiling.raw as any).steps);
    // This run is one where the two disagree: the sweeps' best steps say 0.89, the rounds 0.77.
    expect(paired.medianRatio).toBeLessThan(0.8);
    expect(bestRatio).toBeGreaterThanOrEqual(0.8);

    const verdict = analyse([throughput, ceiling], 2).find((p) => p.startsWith('**Verdict'))!;
    expect(verdict).toContain('vpay itself costs throughput');
    expect(verdict).toContain(`only ${fmt(paired.medianRatio * 100, 0)} %`);
    expect(verdict).toContain(`median of ${paired.rounds.length} paired rounds (best against best ${fmt(bestRatio * 100, 0)} %)`);
  });

  it('leads the bare-workflow paragraph with the paired rounds and marks best against best as information', () => {
    const p = analyse([throughput, ceiling], 2).find((x) => x.startsWith('**vpay against the bare workflow'))!;
    expect(p).toContain(`(median ${fmt((ceiling.raw as any).paired.medianRatio, 2)})`);
    expect(p.indexOf('Step for step')).toBeLessThan(p.indexOf("The sweeps' best steps"));
    expect(p).toContain('information only');
  });

  it("bounds vpay against the floor by the bare workflow's own ratio to it in the same rounds", () => {
    const paired = (ceiling.raw as any).paired;
    const shape = paired.rounds.map((r: any) => r.ceilingRate / r.floorRate).sort((a: number, b: number) => a - b);
    const cap = (shape[2] + shape[3]) / 2; // six rounds: the middle two averaged
    const text = floorShape(paired, true)!;
    expect(text).toContain(`(median ${fmt(cap, 2)}), and vpay ${fmt(paired.medianFloorRatio, 2)}`);
    expect(text).toContain(`the shape alone ran ${fmt(cap, 2)} of the floor, below the goal of 0.6`);
    // vpay's share of the shape is the verdict's own figure, not a ratio of two medians.
    expect(text).toContain(`vpay kept ${fmt(paired.medianRatio, 2)} of the shape's rate`);
    expect(analyse([throughput, ceiling], 2)).toContain(text);
    expect(floorShape({ ...paired, rounds: paired.rounds.map((r: any) => ({ ...r, floorRate: undefined })) }, true)).toBeUndefined();
    expect(floorShape({ ...paired, medianRatio: Number.NaN }, true)).toBeUndefined();
  });

  it("splits npm start's payment request into the server's part and the rest, against the floor", () => {
    const raw = steps.raw as any;
    const npm = raw.variants.find((v: any) => v.npmStart);
    const text = latencyBound(raw, 2)!;
    const req = summarize(npm.reqMs);
    const floor = summarize(raw.floor.answerMs);
    const server = median(npm.steps.map((s: any) => s.request.totalMs));
    const local = median(npm.steps.map((s: any) => s.request.localActivityMs));
    expect(text).toContain(`took ${fmt(req.p50)} ms at p50 and ${fmt(req.p99)} at p99 (${fmt(req.p99 / floor.p99, 2)}× the floor's p99`);
    expect(text).toContain(`(median of ${npm.steps.length}) the request spent ${fmt(server)} ms on the server`);
    expect(text).toContain(`${fmt(local)} ms of which were the three local activities`);
    expect(text).toContain(`About ${fmt(req.p50 - server)} ms of the median lie outside the history`);
    expect(text).toContain(
      `Of the ${fmt(req.p50 - floor.p50)} ms between the request's median and the floor's, ${fmt(local)} ms are the three steps`,
    );
    expect(analyse([throughput, ceiling, steps], 2)).toContain(text);
  });

  it("sets the pooled p99 beside each round's p99 against the floor's in the same round", () => {
    const raw = steps.raw as any;
    const npm = raw.variants.find((v: any) => v.npmStart);
    const ratios = raw.rounds
      .filter((r: any) => r.side === 'floor')
      .map((f: any) => raw.rounds.find((r: any) => r.round === f.round && r.side === npm.label).req.p99 / f.req.p99)
      .sort((a: number, b: number) => a - b);
    expect(ratios).toHaveLength(8);
    const mid = (ratios[3] + ratios[4]) / 2;
    const above = ratios.filter((r: number) => r > 1.5).length;
    expect(latencyBound(raw, 2)).toContain(`the request ${fmt(mid, 2)}× at the median of 8 rounds, ${above} of them above 1.5×`);
  });

  it('says nothing of the light-load bound when the run has no floor or no histories', () => {
    const raw = steps.raw as any;
    expect(latencyBound({ ...raw, floor: undefined }, 2)).toBeUndefined();
    expect(latencyBound({ ...raw, variants: raw.variants.map((v: any) => ({ ...v, steps: [] })) }, 2)).toBeUndefined();
    expect(latencyBound(undefined, 2)).toBeUndefined();
  });

  it('does not name local activities the histories do not have', () => {
    const raw = steps.raw as any;
    const asTasks = raw.variants.map((v: any) =>
      v.npmStart ? { ...v, steps: v.steps.map((s: any) => ({ ...s, request: { ...s.request, localActivities: 0 } })) } : v,
    );
    const text = latencyBound({ ...raw, variants: asTasks }, 2)!;
    expect(text).toContain('its steps as activity tasks');
    expect(text).not.toContain('three local activities');
  });
});
