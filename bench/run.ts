// `npm run bench` / `npm run bench:smoke`: vpay's benchmark against the real stack on this
// machine. Starts its own PostgreSQL and Temporal dev server, runs vpay in this process and the
// load in a child, runs the scenarios, writes the report and raw JSON, and cleans everything up.
//
//   tsx bench/run.ts [--smoke] [--only name[,name...]] [--backlog-orders N] [--out report.md] [--keep-temp]
//   tsx bench/run.ts --report-from <timestamp> [--with-partial <timestamp>[:scenario[+scenario]][,...]] [--out report.md]
//     (the report again from bench/results/<timestamp>-*.json; --with-partial adds the scenarios it
//     lacks from partial runs in bench/results/partial/, each section saying which run it is from)
//
// Scenarios: steps, throughput, offered, slowdev, slowshare, deliveryqueue, levers, workflowtype, paidlocal, ceiling, walstore, partitions, eager, pgsocket, tuning, scale, backlog, soak, pending, crash, cluster
// (in that order; later ones use
// figures of earlier ones when they ran). --smoke runs tiny sizes and asserts correctness only;
// its results go to a temporary directory. Exit code 1 if any correctness check failed.
//
// Each run's raw JSON records the commit it ran on; the report's "What changed" lists the commits
// to the code since the previous run's and compares key figures with it. bench/results keeps only
// the runs docs/BENCHMARKS.md cites: when committing a full run, `git rm` the raw JSON of the run
// its report no longer compares with (the newest earlier run there is the next run's "previous").
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { Cleanup } from './cleanup';
import { newResult, type BenchContext, type Scenario, type ScenarioResult, type Shared } from './context';
import { FULL, SMOKE } from './profile';
import { startStack, type Stack } from './stack';
import { machineInfo } from './sys';
import { renderReport, writeRawJson, type RecordedRunInfo } from './report';
import { renderAgain } from './rerender';
import { whatChanged } from './changes';
import { gitState } from './git';
import { analyse } from './analysis';
import { glance } from './glance';
import { throughput } from './scenarios/throughput';
import { ceiling } from './scenarios/ceiling';
import { tuning } from './scenarios/tuning';
import { scale } from './scenarios/scale';
import { backlog } from './scenarios/backlog';
import { soak } from './scenarios/soak';
import { walstore } from './scenarios/walstore';
import { partitions } from './scenarios/partitions';
import { eager } from './scenarios/eager';
import { pgSocket } from './scenarios/pg-socket';
import { steps } from './scenarios/steps';
import { offeredLoad } from './scenarios/offered-load';
import { pending } from './scenarios/pending';
import { crash } from './scenarios/crash';
import { slowDeveloper } from './scenarios/slow-developer';
import { slowShare } from './scenarios/slow-share';
import { deliveryQueue } from './scenarios/delivery-queue';
import { levers } from './scenarios/levers';
import { workflowType } from './scenarios/workflow-type';
import { paidLocal } from './scenarios/paid-local';
import { cluster } from './scenarios/cluster';

const SCENARIOS: Record<string, Scenario> = {
  steps,
  throughput,
  offered: offeredLoad,
  slowdev: slowDeveloper,
  // 1d'. the slow endpoint with and without its share of the delivery slots, side by side (bench/scenarios/slow-share.ts).
  slowshare: slowShare,
  deliveryqueue: deliveryQueue,
  // 1g. the latency levers (local request steps, local PAID row) at saturation (bench/scenarios/levers.ts).
  levers,
  // 1h. the purchaseV2 workflow type (no patches) against the patched one at saturation (bench/scenarios/workflow-type.ts).
  workflowtype: workflowType,
  // 1e. a latency lever on the bare workflow: the callback's PAID row as a local activity (bench/scenarios/paid-local.ts).
  paidlocal: paidLocal,
  ceiling,
  walstore,
  // 2c. the dev server's task-queue partitions: the server's default (npm start) against one, on two fresh dev servers (bench/scenarios/partitions.ts).
  partitions,
  // 2d. eager activity dispatch: the server's default, on (npm start), against off, on two fresh dev servers (bench/scenarios/eager.ts).
  eager,
  // 2e. PostgreSQL over a Unix socket against TCP (bench/scenarios/pg-socket.ts).
  pgsocket: pgSocket,
  tuning,
  scale,
  backlog,
  soak,
  // 7. memory against orders awaiting payment beyond the workflow cache (bench/scenarios/pending.ts).
  pending,
  // 8. exactly-once while the worker process and the Temporal server are SIGKILLed under load (bench/scenarios/crash.ts).
  crash,
  // 9. vpay on the multi-service Temporal cluster next to the dev server (bench/scenarios/cluster.ts).
  cluster,
};
const ROOT = path.resolve(__dirname, '..');

interface Args {
  /** Re-render the report from the raw JSON of an earlier run (its timestamp), without running. */
  reportFrom?: string;
  /** With --report-from: partial runs (bench/results/partial/<stamp>-*.json) whose scenarios the run lacks are added. */
  withPartial?: string[];
  backlogOrders?: number;
  smoke: boolean;
  only: string[];
  out?: string;
  keepTemp: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { smoke: false, only: [], keepTemp: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--smoke') a.smoke = true;
    else if (arg === '--keep-temp') a.keepTemp = true;
    else if (arg === '--only' || arg.startsWith('--only='))
      a.only.push(...(arg.includes('=') ? arg.split('=')[1] : (argv[++i] ?? '')).split(','));
    else if (arg === '--out') a.out = argv[++i];
    else if (arg === '--backlog-orders') a.backlogOrders = Number(argv[++i]);
    else if (arg === '--report-from') a.reportFrom = argv[++i];
    else if (arg === '--with-partial') (a.withPartial ??= []).push(...(argv[++i] ?? '').split(',').filter(Boolean));
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        `usage: tsx bench/run.ts [--smoke] [--only ${Object.keys(SCENARIOS).join('|')}[,...]] [--backlog-orders N] [--out report.md] [--keep-temp]\n` +
          '       tsx bench/run.ts --report-from <timestamp> [--with-partial <timestamp>[:scenario[+scenario]][,...]] [--out report.md]   (the report again from bench/results/<timestamp>-*.json)\n',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}`);
  }
  a.only = a.only.map((s) => s.trim()).filter(Boolean);
  if (a.withPartial && !a.reportFrom) throw new Error('--with-partial goes with --report-from <timestamp>');
  for (const name of a.only)
    if (!SCENARIOS[name]) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(SCENARIOS).join(', ')}`);
  return a;
}

const t0 = Date.now();
const log = (line: string) => process.stdout.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);

async function postgresVersion(stack: Stack): Promise<string> {
  const c = new PgClient({ connectionString: stack.pgAdminUrl });
  await c.connect();
  try {
    return String((await c.query('show server_version')).rows[0].server_version);
  } finally {
    await c.end();
  }
}

/** The warn/error lines of vpay's logs, for a run that failed. */
function logTail(stack: Stack | undefined): string {
  if (!stack) return '';
  const dir = path.dirname(stack.logFile('x'));
  const out: string[] = [];
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    const lines = fs
      .readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => /"level":(40|50|60)/.test(l));
    if (lines.length) out.push(`== ${f} (${lines.length} warn/error lines, last 50)`, ...lines.slice(-50));
  }
  return out.join('\n');
}

/** --report-from STAMP [--with-partial P,...]: the report again from bench/results/STAMP-*.json (bench/rerender.ts). */
function rerender(args: Args): number {
  const partials = args.withPartial ?? [];
  // The documented form, whichever way it was started, so that the report does not depend on it.
  const command = `npm run bench -- --report-from ${args.reportFrom}${partials.length ? ` --with-partial ${partials.join(',')}` : ''}`;
  const { markdown, full, files } = renderAgain(ROOT, args.reportFrom!, partials, Object.keys(SCENARIOS), command);
  const out = args.out
    ? path.resolve(args.out)
    : full
      ? path.join(ROOT, 'docs', 'BENCHMARKS.md')
      : path.join(ROOT, 'bench', 'results', `${args.reportFrom}-BENCHMARKS.md`);
  fs.writeFileSync(out, markdown);
  log(`report rendered again from ${files.length} result files: ${path.relative(process.cwd(), out) || out}`);
  return 0;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.reportFrom) return rerender(args);
  const base = args.smoke ? SMOKE : FULL;
  const profile = args.backlogOrders ? { ...base, backlog: { ...base.backlog, orders: args.backlogOrders } } : base;
  const selected = args.only.length ? Object.keys(SCENARIOS).filter((n) => args.only.includes(n)) : Object.keys(SCENARIOS);
  const startedAt = new Date();
  const stamp = startedAt
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  const resultsDir = args.smoke ? fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-bench-smoke-')) : path.join(ROOT, 'bench', 'results');
  const complete = selected.length === Object.keys(SCENARIOS).length;
  const reportFile = args.out
    ? path.resolve(args.out)
    : args.smoke
      ? path.join(resultsDir, 'BENCHMARKS.md')
      : complete
        ? path.join(ROOT, 'docs', 'BENCHMARKS.md')
        : path.join(resultsDir, `${stamp}-BENCHMARKS.md`); // a partial run does not replace the full report
  const lifecycle = process.env.npm_lifecycle_event;
  const extra = process.argv.slice(2).filter((a) => a !== '--smoke');
  const command =
    lifecycle === 'bench' || lifecycle === 'bench:smoke'
      ? `npm run ${lifecycle}${extra.length ? ` -- ${extra.join(' ')}` : ''}`
      : `tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();

  const cleanup = new Cleanup();
  cleanup.installSignalHandlers(log);
  process.on('unhandledRejection', (err) => log(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`));
  const machine = machineInfo();
  log(
    `${args.smoke ? 'SMOKE run' : 'full run'}: ${selected.join(', ')} — ${machine.nproc} cores (${machine.cpuModel}), Node ${machine.node}`,
  );
  // Taken before anything runs: "What changed" lists the commits up to this one.
  const git = gitState();
  if (git) log(`on commit ${git.commit.slice(0, 7)}${git.dirty ? ` with uncommitted changes to ${git.uncommitted.join(', ')}` : ''}`);
  else log('git is not available: the report will not list the commits since the previous run');

  const results: ScenarioResult[] = [];
  const rawFiles: string[] = [];
  let stack: Stack | undefined;
  let fatal: unknown;
  let info: RecordedRunInfo = { command, smoke: args.smoke, startedAt, machine, postgres: '?', sdk: '?', git };
  try {
    stack = await startStack(cleanup, log, { keepTemp: args.keepTemp });
    if (args.keepTemp) log(`--keep-temp: ${stack.dir} stays`);
    info = {
      ...info,
      temporalStore: stack.temporalStore,
      postgresSettings: stack.postgresSettings,
      postgres: await postgresVersion(stack),
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a JSON file, read once
      sdk: (require('@temporalio/worker/package.json') as { version: string }).version,
    };
    const shared: Shared = {};
    for (const name of selected) {
      const ctx: BenchContext = { smoke: args.smoke, profile, stack, cleanup, shared, log: (l) => log(l) };
      const s = Date.now();
      log(`== ${name}`);
      let res: ScenarioResult;
      try {
        res = await SCENARIOS[name](ctx);
      } catch (err) {
        res = newResult(name, `${name} (failed)`, '');
        res.error = (err as Error)?.stack ?? String(err);
        res.checks.push({ name: `${name}: ran to the end`, ok: false, detail: (err as Error)?.message ?? String(err) });
        log(`${name} FAILED: ${res.error}`);
      }
      res.durationSec = (Date.now() - s) / 1000;
      results.push(res);
      const file = writeRawJson(resultsDir, stamp, res, info);
      rawFiles.push(path.relative(ROOT, file).startsWith('..') ? file : path.relative(ROOT, file));
      const bad = res.checks.filter((c) => !c.ok);
      log(`== ${name} done in ${res.durationSec.toFixed(0)} s: ${res.checks.length - bad.length}/${res.checks.length} checks passed`);
      for (const c of bad) log(`   FAIL ${c.name}: ${c.detail}`);
    }
  } catch (err) {
    fatal = err;
    log(`FATAL: ${(err as Error)?.stack ?? String(err)}`);
  }

  const failedChecks = results.flatMap((r) => r.checks.filter((c) => !c.ok));
  try {
    if (results.length) {
      const durationSec = (Date.now() - t0) / 1000;
      fs.mkdirSync(path.dirname(reportFile), { recursive: true });
      // Against the newest earlier run in bench/results/ (a smoke run has no place among them).
      const changes = args.smoke ? undefined : whatChanged(resultsDir, stamp, results, info.git);
      fs.writeFileSync(
        reportFile,
        renderReport(results, {
          ...info,
          durationSec,
          rawFiles,
          analysis: analyse(results, machine.nproc),
          glance: glance(results),
          changes,
        }),
      );
      log(`report: ${path.relative(process.cwd(), reportFile) || reportFile}; raw JSON in ${resultsDir}`);
    }
    if (fatal || failedChecks.length) {
      const tail = logTail(stack);
      if (tail) {
        const f = path.join(resultsDir, `${stamp}-log-tail.txt`);
        fs.mkdirSync(resultsDir, { recursive: true });
        fs.writeFileSync(f, `${tail}\n`);
        log(`warn/error lines of vpay's logs: ${f}`);
      }
    }
  } catch (err) {
    log(`writing the report failed: ${(err as Error).stack}`);
    fatal ??= err;
  }

  log('cleaning up');
  await cleanup.run();
  const failed = Boolean(fatal) || failedChecks.length > 0;
  for (const c of failedChecks) log(`FAILED CHECK ${c.name}: ${c.detail}`);
  log(
    `${failed ? 'FAILED' : 'passed'}: ${results.reduce((n, r) => n + r.checks.length, 0) - failedChecks.length} checks passed, ${failedChecks.length} failed, in ${((Date.now() - t0) / 60_000).toFixed(1)} min`,
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);
