// The report's first table, the one a user reads: what vpay carries on this machine (capacity),
// what a player meets at half of it, how close vpay runs to Temporal (the bare same-shape
// workflow and Temporal's own floor), overload, and what changed since the previous run.
// Computed from the raw data like "At a glance", so a report rendered again from an earlier run
// reads right; a figure whose scenario did not run shows "–" with the scenario to run.
import type { ScenarioResult, Table } from './context';
import type { ChangesSection } from './changes';
import type { StepRow } from './scenarios/throughput';
import type { Summary } from './stats';
import { bestOf } from './analysis';
import { fmt, summarize } from './stats';
import { npmStartVariant } from './latency-bound';

// Raw JSON of any age: fields are looked up defensively.
type Raw = Record<string, any> | undefined;

const pair = (s: Summary | undefined) => (s ? `${fmt(s.p50, 0)} / ${fmt(s.p99, 0)} ms` : '–');
const notRun = (scenario: string) => `– (scenario \`${scenario}\` not in this run)`;

/** The rows of the lead table. `changes` is the "What changed" section when the run has one. */
export function leadTable(results: ScenarioResult[], changes?: ChangesSection): Table | undefined {
  const raw = (name: string): Raw => results.find((r) => r.name === name && !r.error)?.raw as Raw;
  const rows: string[][] = [];

  const tp = raw('throughput');
  const best = tp?.steps?.length ? bestOf(tp.steps as StepRow[]) : undefined;
  const paired = raw('ceiling')?.paired;
  rows.push([
    'Capacity: whole purchases per second, saturated',
    best ? `**${fmt(best.stats.ratePerSec)} /s** (closed loop, ${best.concurrency} concurrent)` : notRun('throughput'),
    typeof paired?.medianFloorRatio === 'number'
      ? `${fmt(paired.medianFloorRatio, 2)}× Temporal's floor in paired rounds (goal ≥ 0.6)`
      : '',
  ]);

  const offered = raw('offered');
  const half = (offered?.steps as Array<Record<string, any>> | undefined)?.find((s) => s.percent === 50);
  rows.push([
    'At half of capacity (open loop): payment request p50 / p99',
    half ? `**${pair(half.req)}**` : notRun('offered'),
    half ? `${fmt(half.offered)} purchases/s offered, latency from the intended send time` : '',
  ]);
  if (half) {
    rows.push(['… payment callback p50 / p99', pair(half.cb), '']);
    rows.push(['… callback sent → delivered p50 / p99', pair(half.s2d), '']);
    rows.push(['… whole purchase p50 / p99', pair(half.whole), 'request sent → delivery received']);
  }
  const over = (offered?.steps as Array<Record<string, any>> | undefined)?.find((s) => s.percent === 150);
  if (over) {
    const r503 = over.retried503 ?? {};
    rows.push([
      'At 150 % of capacity',
      `${fmt(over.ratePerSec)} /s completed; request p99 ${fmt(over.req?.p99, 0)} ms`,
      `${over.errorCount ?? 0} errors; ${r503.shed ?? '–'} payment requests shed (503/50303) and ${r503.payment ?? '–'} other 503s, each sent again`,
    ]);
  }

  const st = raw('steps');
  const variants = st?.variants as Array<{ npmStart?: boolean; localSteps?: string; reqMs?: number[]; cbMs?: number[] }> | undefined;
  const npmStart = npmStartVariant(variants);
  const floorMs = st?.floor?.answerMs as number[] | undefined;
  if (npmStart?.reqMs?.length && floorMs?.length) {
    const floor = summarize(floorMs);
    const req = summarize(npmStart.reqMs);
    const cb = summarize(npmStart.cbMs ?? []);
    rows.push([
      "At light load, against Temporal's floor (p99)",
      `request ${fmt(req.p99, 0)} ms = ${fmt(req.p99 / floor.p99, 2)}×, callback ${fmt(cb.p99, 0)} ms = ${fmt(cb.p99 / floor.p99, 2)}×`,
      `the floor answered at p99 ${fmt(floor.p99, 0)} ms; goals ≤ 1.5× and ≤ 1×`,
    ]);
  } else rows.push(["At light load, against Temporal's floor (p99)", notRun('steps'), '']);

  rows.push([
    'vpay / the bare same-shape workflow',
    typeof paired?.medianRatio === 'number'
      ? `**${fmt(paired.medianRatio, 2)}** (median of ${paired.rounds?.length} paired rounds)`
      : notRun('ceiling'),
    'goal ≥ 0.8',
  ]);

  if (changes) {
    const code = changes.code;
    const n = code?.commits?.length;
    const figure = (name: string) => changes.table.rows.find((r) => r[0] === name);
    const cap = figure('best vpay purchases/s (scenario 1)');
    rows.push([
      'Since the previous run',
      changes.previous ? `${n === undefined ? 'commits unknown' : `${n} commits to the code`} since ${changes.previous}` : 'no earlier run',
      cap && cap[1] !== '–' ? `capacity ${cap[1]} → ${cap[2]} /s (${cap[3]}); listed under "What changed since the previous run"` : '',
    ]);
  }
  return { columns: ['what', 'measured', ''], rows };
}
