'use strict';
// The web console (console-ui/, React + Vite) built into dist/console-ui, which the API serves at
// /console (api/console-ui/). `npm start` and the tests' global setup call ensureConsoleUi(), which
// builds only when the sources changed since the last build: the inputs' SHA-256 is written to
// dist/console-ui/.build-stamp and compared. `npm run build` builds it unconditionally.
// Built in a staging directory and swapped in once complete, so a running API never serves half
// a build. Plain CommonJS, so that it runs without a TypeScript runner.
//   node tools/build/console-ui.js [--force] [--out-dir <dir>]

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const DEFAULT_ROOT = path.resolve(__dirname, '..', '..');
const STAMP = '.build-stamp';
/** Besides console-ui/, what the build reads: the permission table and the locked packages. */
const EXTRA_INPUTS = ['lib/domain/console/permissions.ts', 'package-lock.json'];

function log(message) {
  process.stderr.write(`[console-ui] ${message}\n`);
}

function filesUnder(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** The SHA-256 of every input's path and bytes, in a fixed order. */
function inputsHash(root = DEFAULT_ROOT) {
  const files = [...filesUnder(path.join(root, 'console-ui')), ...EXTRA_INPUTS.map((f) => path.join(root, f))]
    .map((f) => path.relative(root, f).split(path.sep).join('/'))
    .sort();
  const hash = crypto.createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const defaultOutDir = (root = DEFAULT_ROOT) => path.join(root, 'dist', 'console-ui');

function isFresh(root = DEFAULT_ROOT, outDir = defaultOutDir(root)) {
  try {
    return fs.readFileSync(path.join(outDir, STAMP), 'utf8').trim() === inputsHash(root);
  } catch {
    return false;
  }
}

/** Builds the console into outDir (default dist/console-ui). */
function buildConsoleUi(root = DEFAULT_ROOT, outDir = defaultOutDir(root)) {
  const hash = inputsHash(root);
  const staging = `${outDir}.building-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const started = Date.now();
  const vite = path.join(path.dirname(require.resolve('vite/package.json', { paths: [root] })), 'bin', 'vite.js');
  const r = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'console-ui/vite.config.mjs', '--outDir', staging, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (r.status !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`vite build failed (${r.error ? r.error.message : `exit ${r.status}`})`);
  }
  fs.writeFileSync(path.join(staging, STAMP), `${hash}\n`);
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  const previous = `${outDir}.previous-${process.pid}`;
  if (fs.existsSync(outDir)) fs.renameSync(outDir, previous);
  fs.renameSync(staging, outDir);
  fs.rmSync(previous, { recursive: true, force: true });
  log(`built ${path.relative(root, outDir)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Builds the console when dist/console-ui is missing or older than its sources; else nothing. */
function ensureConsoleUi(root = DEFAULT_ROOT, outDir = defaultOutDir(root)) {
  if (isFresh(root, outDir)) return false;
  log(fs.existsSync(outDir) ? 'sources changed: rebuilding' : 'not built yet: building');
  buildConsoleUi(root, outDir);
  return true;
}

module.exports = { ensureConsoleUi, buildConsoleUi, inputsHash, isFresh, defaultOutDir };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--out-dir');
  const outDir = i === -1 ? defaultOutDir() : path.resolve(argv[i + 1]);
  try {
    if (argv.includes('--force')) buildConsoleUi(DEFAULT_ROOT, outDir);
    else if (!ensureConsoleUi(DEFAULT_ROOT, outDir)) log(`${path.relative(DEFAULT_ROOT, outDir)} is up to date`);
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
