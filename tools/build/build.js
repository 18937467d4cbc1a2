'use strict';
// `npm run build`: the production build that `npm run api` and `npm run worker` run.
//   1. tsc -p tsconfig.build.json: api, worker, application, workflows, activities, lib and
//      migrations as plain JavaScript;
//   2. the workflow bundle (Temporal's webpack bundle of workflows/), prebuilt from that
//      JavaScript into dist/workflow-bundle.js, which worker/main.ts loads when present, so a
//      production worker starts without running webpack;
//   3. the web console (console-ui/, Vite) into dist/console-ui, which the API serves at /console
//      (tools/build/console-ui.js; left out with --no-console-ui).
// Compiled in a staging directory and swapped in once complete: a failed build leaves the
// previous dist/ as it was. Needs the dev dependencies (typescript); running the result does not.
//   node tools/build/build.js [--out-dir <dir>] [--no-console-ui]   (default dist/; the tests build elsewhere)
// Plain CommonJS, so that building needs no TypeScript runner.

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { buildConsoleUi } = require('./console-ui.js');

const root = path.resolve(__dirname, '..', '..');
/** Its name is also in worker/main.ts, which looks for it next to the compiled code. */
const BUNDLE_FILE = 'workflow-bundle.js';

function log(message) {
  process.stderr.write(`[build] ${message}\n`);
}

function outDirFromArgs(argv) {
  const i = argv.indexOf('--out-dir');
  if (i === -1) return path.join(root, 'dist');
  if (!argv[i + 1]) throw new Error('--out-dir needs a directory');
  return path.resolve(argv[i + 1]);
}

function compile(outDir) {
  log(`tsc -p tsconfig.build.json --outDir ${outDir}`);
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`tsc failed (${r.error ? r.error.message : `exit ${r.status}`})`);
}

async function bundleWorkflows(outDir) {
  const { bundleWorkflowCode } = require('@temporalio/worker');
  const noop = () => undefined;
  const logger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
  const { code } = await bundleWorkflowCode({ workflowsPath: path.join(outDir, 'workflows', 'index.js'), logger });
  fs.writeFileSync(path.join(outDir, BUNDLE_FILE), code);
  log(`${BUNDLE_FILE}: ${(code.length / 1024).toFixed(0)} KiB`);
}

async function main() {
  const outDir = outDirFromArgs(process.argv.slice(2));
  const staging = `${outDir}.building-${process.pid}`;
  const previous = `${outDir}.previous-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    compile(staging);
    if (!process.argv.includes('--no-console-ui')) buildConsoleUi(root, path.join(staging, 'console-ui'));
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
  // Swapped in before bundling, because the bundle names its modules by path (they show in
  // workflow stack traces); if bundling fails, the previous build comes back.
  const hadPrevious = fs.existsSync(outDir);
  if (hadPrevious) fs.renameSync(outDir, previous);
  fs.renameSync(staging, outDir);
  try {
    await bundleWorkflows(outDir);
  } catch (err) {
    fs.rmSync(outDir, { recursive: true, force: true });
    if (hadPrevious) fs.renameSync(previous, outDir);
    throw err;
  }
  fs.rmSync(previous, { recursive: true, force: true });
  log(`built ${path.relative(process.cwd(), outDir) || '.'}; start with \`npm run api\` and \`npm run worker\``);
}

main().catch((err) => {
  log(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
