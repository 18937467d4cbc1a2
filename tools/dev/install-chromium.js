'use strict';
// The browser the console's browser tests drive (test/browser/, playwright-core): Debian's
// `chromium` package, since Playwright's own browser download cannot reach its CDN here. Installed
// with apt-get when missing and this process may (root, as CI on a fresh machine is); otherwise it
// says what to install. VPAY_CHROMIUM names another Chromium or Chrome binary.
// A lock directory keeps two test workers from running apt-get at once.
// Plain CommonJS without dependencies, like the other installers.
//   node tools/dev/install-chromium.js

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function log(message) {
  process.stderr.write(`[install-chromium] ${message}\n`);
}

/** The browser to use, or null when none is installed. */
function findChromium() {
  if (process.env.VPAY_CHROMIUM) return fs.existsSync(process.env.VPAY_CHROMIUM) ? process.env.VPAY_CHROMIUM : null;
  return CANDIDATES.find((c) => fs.existsSync(c)) ?? null;
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs f holding a lock directory; waits (up to 15 minutes) for another holder to finish. */
function withLock(f) {
  const lock = path.join(os.tmpdir(), 'vpay-install-chromium.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock left by a process that died is older than any install takes.
      const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 15 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`waited too long for ${lock}`);
      else sleep(1000);
    }
  }
  try {
    return f();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function apt(args) {
  log(`apt-get ${args.join(' ')}`);
  const r = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`apt-get ${args[0]} failed (${r.error ? r.error.message : `exit ${r.status}`}): ${(r.stderr || '').slice(-2000)}`);
}

/** The path of a Chromium binary, installing Debian's package first when there is none. */
function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  if (process.env.VPAY_CHROMIUM) throw new Error(`VPAY_CHROMIUM=${process.env.VPAY_CHROMIUM} does not exist`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.platform !== 'linux' || !isRoot || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      'the browser tests need Chromium: install it (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set VPAY_CHROMIUM to a Chromium or Chrome binary',
    );
  }
  return withLock(() => {
    const again = findChromium();
    if (again) return again;
    const started = Date.now();
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-liberation']);
    const installed = findChromium();
    if (!installed) throw new Error('apt-get installed chromium, but no binary is where it should be');
    log(`installed ${installed} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return installed;
  });
}

module.exports = { ensureChromium, findChromium };

if (require.main === module) {
  try {
    process.stdout.write(`${ensureChromium()}\n`);
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
}
