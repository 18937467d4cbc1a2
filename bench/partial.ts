// Scenarios of partial runs (`--only`, raw JSON moved to bench/results/partial/) in the report of a
// full run, for a scenario the full run does not have (a new one). They are added, never
// substituted: a full run's figure stays the one measured in that run, and each added scenario
// says which run, commit and machine load its figures come from. The lead table, "What changed"
// and the analysis across scenarios stay about the full run (see renderReport).
import type { ScenarioResult, Table } from './context';
import type { GitState } from './git';
import type { MachineInfo } from './sys';
import { loadRun, type RecordedRunInfo } from './report';
import { glance } from './glance';
import { fmt } from './stats';

/** Where an added scenario comes from: its partial run's recorded info (each raw JSON carries it). */
export interface PartialSource {
  stamp: string;
  command: string;
  startedAt: Date;
  git?: GitState;
  durationSec?: number;
  machine: MachineInfo;
  /** The scenario's raw JSON, relative to the repository. */
  file: string;
}

export interface WithPartials {
  /** The full run's results and the added ones, in scenario order. */
  results: ScenarioResult[];
  files: string[];
  /** Scenario name → its partial run, for each added scenario. */
  partials: Record<string, PartialSource>;
}

/**
 * Adds to a full run's results the scenarios of the partial runs `stamps` (in `partialDir`) that
 * it lacks; `stamp:name+name` takes only the scenarios named from that run (a newer run of one of
 * them may be taken from another). Throws on a partial run that adds nothing, a scenario named
 * that the run lacks or the full run has, or a scenario two partial runs both offer: asking for
 * one should not silently do nothing or pick one of two.
 */
export function addPartials(
  full: { results: ScenarioResult[]; files: string[] },
  partialDir: string,
  stamps: string[],
  order: string[],
  relative: (file: string) => string,
): WithPartials {
  const results = [...full.results];
  const files = [...full.files];
  const partials: Record<string, PartialSource> = {};
  for (const entry of stamps) {
    const [stamp, only] = entry.split(':');
    const names = only?.split('+').filter(Boolean);
    if (names?.length === 0) throw new Error(`--with-partial ${entry}: no scenario named after the colon`);
    const run = loadRun(partialDir, stamp, order);
    const missing = (names ?? []).filter((n) => !run.results.some((r) => r.name === n));
    if (missing.length) throw new Error(`the partial run ${stamp} has no scenario ${missing.join(', ')}`);
    const inFull = (names ?? []).filter((n) => full.results.some((r) => r.name === n));
    if (inFull.length) throw new Error(`the full run has ${inFull.join(', ')} already: a partial run only adds what it lacks`);
    const added = run.results.filter((r) => !results.some((x) => x.name === r.name) && (!names || names.includes(r.name)));
    if (added.length === 0)
      throw new Error(`the partial run ${stamp} has no scenario the full run lacks (${run.results.map((r) => r.name).join(', ')})`);
    for (const r of added) {
      if (partials[r.name]) throw new Error(`scenario ${r.name} is in both partial runs ${partials[r.name].stamp} and ${stamp}`);
      const file = run.files.find((f) => f.endsWith(`${stamp}-${r.name}.json`))!;
      partials[r.name] = { ...source(run.info, stamp, r), file: relative(file) };
      results.push(r);
      files.push(file);
    }
  }
  const at = (name: string) => order.indexOf(name);
  results.sort((a, b) => at(a.name) - at(b.name));
  return { results, files, partials };
}

function source(info: RecordedRunInfo, stamp: string, r: ScenarioResult): Omit<PartialSource, 'file'> {
  return { stamp, command: info.command, startedAt: info.startedAt, git: info.git, durationSec: r.durationSec, machine: info.machine };
}

/** What of the machine differs from the full run's, e.g. "Node v20.1 (full run: v20.2)". */
function machineDiffers(m: MachineInfo, full: MachineInfo): string[] {
  const keys: Array<[keyof MachineInfo, string]> = [
    ['nproc', 'nproc'],
    ['cpuModel', 'CPU'],
    ['node', 'Node'],
    ['temporalCli', 'Temporal CLI'],
    ['kernel', 'kernel'],
  ];
  return keys.filter(([k]) => String(m[k]) !== String(full[k])).map(([k, label]) => `${label} ${m[k]} (full run: ${full[k]})`);
}

/** The paragraph at the top of an added scenario's section. */
export function partialNote(p: PartialSource, full: MachineInfo): string {
  const commit = p.git
    ? ` on commit \`${p.git.commit.slice(0, 7)}\`${p.git.dirty ? ` with uncommitted changes to ${p.git.uncommitted.map((f) => `\`${f}\``).join(', ')}` : ''}`
    : ' (its commit was not recorded)';
  const differs = machineDiffers(p.machine, full);
  return (
    `_**From the partial run ${p.stamp}**, not from the full run this report is about: \`${p.command}\`, started ` +
    `${p.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC${commit}` +
    (p.durationSec !== undefined ? `; this scenario took ${fmt(p.durationSec / 60, 1)} min` : '') +
    (p.machine.loadAvgAtStart?.length
      ? `; load average at its start ${p.machine.loadAvgAtStart.map((v) => v.toFixed(2)).join(' / ')} (1/5/15 min)`
      : '') +
    `; ${differs.length ? `on a different machine setup: ${differs.join(', ')}` : 'same machine setup as the full run'}. ` +
    `Its raw JSON: \`${p.file}\`._`
  );
}

/**
 * "At a glance": the full run's rows, then each added scenario's row computed from its own run
 * alone (a row that compares scenarios must not mix two runs), marked as from the partial run.
 */
export function glanceWithPartials(results: ScenarioResult[], partials: Record<string, PartialSource>): Table | undefined {
  const own = glance(results.filter((r) => !partials[r.name]));
  const added = results
    .filter((r) => partials[r.name])
    .flatMap((r) => (glance([r])?.rows ?? []).map(([first, ...rest]) => [`${first} (partial run ${partials[r.name].stamp})`, ...rest]));
  if (!own && added.length === 0) return undefined;
  return { columns: own?.columns ?? ['scenario', 'result', ''], rows: [...(own?.rows ?? []), ...added] };
}
