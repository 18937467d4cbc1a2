'use strict';
// One entry point that works on a fresh clone: installs what the project needs, then runs a command.
//   node tools/dev/bootstrap.js <command...>     e.g. `tsx tools/dev/start-stack.ts`, `jest --ci`
//   node tools/dev/bootstrap.js                  (only installs)
// Plain CommonJS without dependencies, because it runs before `npm install`.
// For the development commands only (`npm start`, `npm test`, the demo, reconcile, the benchmark):
// the production services, `npm run api` and `npm run worker`, run the build (bin/run-built.js)
// and install nothing.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { ensureTemporal } = require('./install-temporal.js');

const root = path.resolve(__dirname, '..', '..');
const isWindows = process.platform === 'win32';

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function npm(args) {
  process.stderr.write(`[bootstrap] npm ${args.join(' ')}\n`);
  return spawnSync('npm', [...args, '--no-audit', '--no-fund'], {
    cwd: root,
    encoding: 'utf8',
    // Captured, then shown on stderr: the command run afterwards owns stdout.
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
    shell: isWindows, // npm is npm.cmd there
  });
}

// npm writes node_modules/.package-lock.json when it installs; if it is missing or older than
// package-lock.json, node_modules does not match the lockfile.
function ensureNodeModules() {
  const installed = mtimeMs(path.join(root, 'node_modules', '.package-lock.json'));
  if (installed >= 0 && installed >= mtimeMs(path.join(root, 'package-lock.json'))) return;
  let r = npm(['ci']);
  if (r.status !== 0 && /package-lock\.json[^\n]*in sync/.test(r.stderr || '')) {
    // The registry reachable here lacks some optional platform packages (e.g.
    // @swc/core-darwin-arm64), so npm cannot record them in the lockfile and `npm ci` then calls
    // it out of sync. `npm install --no-save` installs the locked versions without rewriting it.
    process.stderr.write('[bootstrap] npm ci: lockfile lacks optional platform packages; falling back\n');
    r = npm(['install', '--no-save']);
  }
  process.stderr.write(`${r.stdout || ''}${r.stderr || ''}`);
  if (r.status !== 0) {
    process.stderr.write(`[bootstrap] npm failed (${r.error ? r.error.message : `exit ${r.status}`})\n`);
    process.exit(r.status || 1);
  }
}

function run(argv) {
  const env = { ...process.env };
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') || 'PATH';
  env[pathKey] = [path.join(root, 'node_modules', '.bin'), env[pathKey]].filter(Boolean).join(path.delimiter);

  // No shell (except for Windows' .cmd shims): arguments and paths with spaces pass through intact.
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit', env, shell: isWindows });

  // From a terminal, Ctrl-C already reaches the child, which shares our process group; forwarding
  // it too would deliver SIGINT twice (often meaning "force quit"). So SIGINT is forwarded only
  // when stdin is not a terminal (CI, supervisors, `kill -INT`); SIGTERM always is. Either way we
  // stay alive until the child exits, and exit the way it did.
  const forward = (signal) => () => {
    if (signal === 'SIGINT' && process.stdin.isTTY) return;
    child.kill(signal);
  };
  const handlers = { SIGINT: forward('SIGINT'), SIGTERM: forward('SIGTERM') };
  for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);

  child.on('error', (err) => {
    process.stderr.write(`[bootstrap] cannot run ${argv[0]}: ${err.message}\n`);
    process.exit(err.code === 'ENOENT' ? 127 : 1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die of the same signal so our parent sees what the child saw.
      for (const [sig, handler] of Object.entries(handlers)) process.removeListener(sig, handler);
      process.kill(process.pid, signal);
      // Signals whose default action is not to terminate still end us, with the shell's convention.
      setTimeout(() => process.exit(128 + (os.constants.signals[signal] || 0)), 100);
      return;
    }
    process.exit(code === null ? 1 : code);
  });
}

function main() {
  ensureNodeModules();
  try {
    ensureTemporal(root);
  } catch (err) {
    process.stderr.write(`[bootstrap] ${err.message}\n`);
    process.exit(1);
  }
  const argv = process.argv.slice(2);
  if (argv.length > 0) run(argv);
}

main();
