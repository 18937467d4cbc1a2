// "What changed since the previous run": the commits to the code between the previous run's
// commit and this run's (from git, see bench/git.ts), and a before → after table of key figures
// computed from both runs' raw JSON. Both are best effort: a missing or malformed file only leaves
// "–" in the table, a missing commit or git leaves a note instead of the list.
import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioResult, Table } from './context';
import { codeCommitsBetween, commitThatAdded, type GitState } from './git';
import { fmt, fmtInt } from './stats';

/** Each scenario's raw data of one run, by scenario name. */
export type RunRaw = Record<string, Record<string, unknown> | undefined>;

/** A run's commit, and whether it was recorded or is the commit that added its raw JSON. */
export interface RunCommit {
  commit: string;
  recorded: boolean;
}

export interface CodeChanges {
  previous?: RunCommit;
  current?: RunCommit;
  /** `git log` lines (short hash, subject), newest first; undefined when they cannot be had. */
  commits?: string[];
  /** This run's uncommitted code files, if it ran on a dirty tree. */
  uncommitted?: string[];
  /** Why the commits are not listed. */
  note?: string;
}

export interface ChangesSection {
  /** Timestamp prefix of the run compared against; undefined when there is none. */
  previous?: string;
  code?: CodeChanges;
  table: Table;
  /** Why the comparison is missing or partial. */
  note?: string;
}

const RESULT_FILE = /^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)-([a-z0-9]+)\.json$/;

/** The newest run in `dir` that is older than `current` (runs are grouped by timestamp prefix). */
export function previousStamp(dir: string, current: string): string | undefined {
  const stamps = new Set<string>();
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const m = RESULT_FILE.exec(f);
    if (m && m[1] < current) stamps.add(m[1]);
  }
  return [...stamps].sort().pop();
}

/** The raw data of run `stamp` in `dir`; files that do not parse, or failed scenarios, are left out. */
export function loadRunRaw(dir: string, stamp: string): RunRaw {
  const out: RunRaw = {};
  for (const f of fs.readdirSync(dir)) {
    const m = RESULT_FILE.exec(f);
    if (!m || m[1] !== stamp) continue;
    try {
      const json = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { raw?: unknown; error?: unknown };
      if (!json.error && json.raw && typeof json.raw === 'object') out[m[2]] = json.raw as Record<string, unknown>;
    } catch {
      // A malformed file leaves its figures out, nothing more.
    }
  }
  return out;
}

/** The git state recorded in run `stamp`'s raw JSON (absent in runs from before it was). */
function recordedGit(dir: string, stamp: string): GitState | undefined {
  for (const f of fs.readdirSync(dir)) {
    const m = RESULT_FILE.exec(f);
    if (!m || m[1] !== stamp) continue;
    try {
      const git = (JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { run?: { git?: GitState } }).run?.git;
      if (git?.commit) return git;
    } catch {
      // Another file of the run may still have it.
    }
  }
  return undefined;
}

function runCommit(dir: string, stamp: string, git: GitState | undefined): RunCommit | undefined {
  if (git?.commit) return { commit: git.commit, recorded: true };
  const added = commitThatAdded(dir, stamp);
  return added ? { commit: added, recorded: false } : undefined;
}

/** The commits to the code from the previous run's commit to this run's. Never throws. */
export function codeChanges(dir: string, previous: string, currentStamp: string, currentGit: GitState | undefined): CodeChanges {
  const before = runCommit(dir, previous, recordedGit(dir, previous));
  const after = runCommit(dir, currentStamp, currentGit);
  const uncommitted = currentGit?.dirty ? currentGit.uncommitted : undefined;
  if (!before || !after) {
    const note = `${!after ? "this run's" : "the previous run's"} commit is unknown: its raw JSON records none, and git knows no commit that added that JSON`;
    return { previous: before, current: after, uncommitted, note };
  }
  const log = codeCommitsBetween(before.commit, after.commit);
  return 'commits' in log
    ? { previous: before, current: after, commits: log.commits, uncommitted }
    : { previous: before, current: after, uncommitted, note: log.unavailable };
}

export function rawOfResults(results: ScenarioResult[]): RunRaw {
  return Object.fromEntries(results.filter((r) => !r.error).map((r) => [r.name, r.raw]));
}

// Raw JSON of any age: every field is looked up defensively.
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
function at(v: unknown, ...keys: string[]): unknown {
  for (const k of keys) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}
function maxOf(values: unknown, pick: (x: unknown) => unknown): number | undefined {
  const nums = (Array.isArray(values) ? values : []).map((x) => num(pick(x))).filter((x): x is number => x !== undefined);
  return nums.length ? Math.max(...nums) : undefined;
}

const bestRate = (r: RunRaw, scenario: string) => maxOf(at(r[scenario], 'steps'), (s) => at(s, 'stats', 'ratePerSec'));
const drainSec = (r: RunRaw) => {
  const ms = num(at(r.backlog, 'drain', 'drainMs'));
  return ms !== undefined ? ms / 1000 : undefined;
};
function soakGrowth(r: RunRaw): number | undefined {
  const g = num(at(r.soak, 'rssGrowth'));
  if (g !== undefined) return g;
  const first = num(at(r.soak, 'rssFirstMedianMiB'));
  const last = num(at(r.soak, 'rssLastMedianMiB'));
  return first && last !== undefined ? (last - first) / first : undefined;
}

interface Figure {
  name: string;
  read(r: RunRaw): number | undefined;
  show(v: number): string;
  /** How after differs from before: a factor, or a difference in the figure's own unit. */
  change: 'factor' | ((before: number, after: number) => string);
  /** What the figure was measured on, when that can differ between runs: no change is computed across a difference. */
  shape?: (r: RunRaw) => string;
}

/**
 * The bare workflow's shape as far as it has changed: since 2026-12-03 it mirrors vpay's delivery
 * queue (bench/ceiling/workers.ts); raw data without `deliveryQueue` ran deliverOrder on its one queue.
 */
const bareShape = (r: RunRaw): string => {
  const q = at(r.ceiling, 'deliveryQueue');
  // `true`: raw data of 15d0740, which named the separate queue so.
  return q === 'separate' || q === true
    ? 'deliveries on their own queue'
    : q === 'shared'
      ? 'one queue, a second worker idle'
      : 'one queue';
};

const signed = (v: number, decimals: number) => `${v >= 0 ? '+' : ''}${fmt(v, decimals)}`;

const FIGURES: Figure[] = [
  { name: 'best vpay purchases/s (scenario 1)', read: (r) => bestRate(r, 'throughput'), show: (v) => fmt(v, 1), change: 'factor' },
  {
    name: 'best bare-workflow purchases/s (scenario 2)',
    read: (r) => bestRate(r, 'ceiling'),
    show: (v) => fmt(v, 1),
    change: 'factor',
    shape: bareShape,
  },
  {
    name: 'vpay / ceiling (best against best)',
    read: (r) => {
      const v = bestRate(r, 'throughput');
      const c = bestRate(r, 'ceiling');
      return v !== undefined && c ? v / c : undefined;
    },
    show: (v) => fmt(v, 2),
    change: (b, a) => signed(a - b, 2),
    shape: bareShape,
  },
  {
    name: 'vpay / ceiling (median of the paired rounds)',
    read: (r) => num(at(r.ceiling, 'paired', 'medianRatio')),
    show: (v) => fmt(v, 2),
    change: (b, a) => signed(a - b, 2),
    shape: bareShape,
  },
  {
    name: 'backlog: paid orders created with the developer down (within the time limit)',
    read: (r) => num(at(r.backlog, 'created', 'created')),
    show: fmtInt,
    change: 'factor',
  },
  {
    name: 'backlog: time to create them (s)',
    read: (r) => num(at(r.backlog, 'created', 'elapsedSec')),
    show: (v) => fmt(v, 1),
    change: 'factor',
  },
  {
    name: 'backlog: payment request p99 while down (ms)',
    read: (r) => num(at(r.backlog, 'created', 'req', 'p99')),
    show: (v) => fmt(v, 0),
    change: 'factor',
  },
  { name: 'backlog: drain time (s)', read: drainSec, show: (v) => fmt(v, 1), change: 'factor' },
  {
    name: 'backlog: deliveries/s while draining',
    read: (r) => {
      const d = num(at(r.backlog, 'drain', 'delivered'));
      const s = drainSec(r);
      return d !== undefined && s ? d / s : undefined;
    },
    show: (v) => fmt(v, 1),
    change: 'factor',
  },
  {
    name: 'backlog: peak RSS (MiB)',
    read: (r) => maxOf(at(r.backlog, 'rss'), (s) => at(s, 'rssMiB')),
    show: (v) => fmt(v, 0),
    change: 'factor',
  },
  { name: 'soak: purchases', read: (r) => num(at(r.soak, 'stats', 'completed')), show: fmtInt, change: 'factor' },
  {
    name: 'soak: RSS growth',
    read: soakGrowth,
    show: (v) => `${signed(v * 100, 1)} %`,
    change: (b, a) => `${signed((a - b) * 100, 1)} points`,
  },
];

function safely(f: Figure, r: RunRaw | undefined): number | undefined {
  if (!r) return undefined;
  try {
    return f.read(r);
  } catch {
    return undefined;
  }
}

/** The before → after table; `before` undefined means there is no previous run. */
export function changesTable(before: RunRaw | undefined, after: RunRaw, previous?: string): Table {
  return {
    columns: ['figure', previous ? `before (${previous})` : 'before', 'after (this run)', 'change'],
    rows: FIGURES.map((f) => {
      const b = safely(f, before);
      const a = safely(f, after);
      const [shapeBefore, shapeAfter] = [before, after].map((r) => (f.shape && r ? f.shape(r) : undefined));
      const change =
        b === undefined || a === undefined
          ? '–'
          : shapeBefore !== shapeAfter
            ? `– (the bare workflow changed: ${shapeBefore} → ${shapeAfter})`
            : f.change === 'factor'
              ? b > 0
                ? `×${fmt(a / b, 2)}`
                : '–'
              : f.change(b, a);
      return [f.name, b === undefined ? '–' : f.show(b), a === undefined ? '–' : f.show(a), change];
    }),
  };
}

/**
 * Compares the run `currentStamp` (its results and git state in hand) with the newest earlier run
 * in `dir`. Never throws.
 */
export function whatChanged(
  dir: string,
  currentStamp: string,
  current: ScenarioResult[],
  currentGit: GitState | undefined,
): ChangesSection {
  const after = rawOfResults(current);
  let previous: string | undefined;
  try {
    previous = previousStamp(dir, currentStamp);
    if (!previous) return { table: changesTable(undefined, after), note: 'There is no earlier run among the raw results to compare with.' };
    const before = loadRunRaw(dir, previous);
    const note = Object.keys(before).length === 0 ? `The run ${previous} left no readable raw data.` : undefined;
    return { previous, code: codeChanges(dir, previous, currentStamp, currentGit), table: changesTable(before, after, previous), note };
  } catch (err) {
    return { previous, table: changesTable(undefined, after), note: `The previous run could not be read: ${(err as Error).message}` };
  }
}
