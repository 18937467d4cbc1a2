// The pinned programs of the local multi-service Temporal cluster (`npm run cluster`), built with
// `go install` from the Go module proxy (the only place they can come from here) into
// .tools/cluster/, once: a present binary is used as it is.
//   - temporal-server: the server production clusters run, one process per service;
//   - temporal-sql-tool: creates and migrates its PostgreSQL schemas (built into the tool);
//   - ui-server: the Temporal Web UI, as a server of its own (v2.58.1 does not build here: two of
//     its dependencies are refused by the proxy).
// Their go.mod wants Go 1.26.10, newer than the machine's Go, so GOTOOLCHAIN names the toolchain
// the proxy serves; the go command fetches it like a module. A cold build takes about 12 minutes
// on 2 cores; the Go build cache makes later builds (another clone) take about one.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
export const UI_SERVER_VERSION = 'v2.56.4';
export const GO_TOOLCHAIN = 'go1.27.3';

interface Program {
  /** The file name it gets under .tools/cluster/<version dir>. */
  file: string;
  /** The package `go install` builds (its binary is named after the last path element). */
  pkg: string;
  version: string;
}

const PROGRAMS = {
  server: { file: 'temporal-server', pkg: 'go.temporal.io/server/cmd/server', version: TEMPORAL_SERVER_VERSION },
  sqlTool: { file: 'temporal-sql-tool', pkg: 'go.temporal.io/server/cmd/tools/sql', version: TEMPORAL_SERVER_VERSION },
  uiServer: { file: 'temporal-ui-server', pkg: 'github.com/temporalio/ui-server/v2/cmd/server', version: UI_SERVER_VERSION },
} satisfies Record<string, Program>;

export type ClusterBinaries = Record<keyof typeof PROGRAMS, string>;

/** Where each program is (or will be) under `root`/.tools/cluster. */
export function clusterBinaryPaths(root: string): ClusterBinaries {
  const at = (p: Program) => path.join(root, '.tools', 'cluster', `${p.file}-${p.version}`, p.file);
  return { server: at(PROGRAMS.server), sqlTool: at(PROGRAMS.sqlTool), uiServer: at(PROGRAMS.uiServer) };
}

/** Builds what is missing; resolves with every program's path. */
export async function ensureClusterBinaries(root: string, log: (line: string) => void): Promise<ClusterBinaries> {
  const paths = clusterBinaryPaths(root);
  for (const key of Object.keys(PROGRAMS) as Array<keyof typeof PROGRAMS>) {
    if (fs.existsSync(paths[key])) continue;
    await goInstall(PROGRAMS[key], paths[key], log);
  }
  return paths;
}

/**
 * `go install pkg@version` into a private GOBIN, then renamed: two of the packages are both
 * named `server`. The build writes to a temporary directory first, so an interrupted build
 * never leaves a half-written binary that the next run would take as installed.
 */
async function goInstall(p: Program, dest: string, log: (line: string) => void): Promise<void> {
  const tmp = `${path.dirname(dest)}.building`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  log(`building ${p.pkg}@${p.version} with ${GO_TOOLCHAIN} (first time only; about 12 minutes cold on 2 cores)`);
  const started = Date.now();
  await run('go', ['install', '-trimpath', '-ldflags=-s -w', `${p.pkg}@${p.version}`], {
    ...process.env,
    GOTOOLCHAIN: GO_TOOLCHAIN,
    GOBIN: tmp,
    // Module mode outside any go.mod of ours: the package's own go.mod decides its dependencies.
    GO111MODULE: 'on',
    GOFLAGS: '',
  });
  const built = path.join(tmp, path.basename(p.pkg));
  if (!fs.existsSync(built)) throw new Error(`go install ${p.pkg}@${p.version} left no ${built}`);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.renameSync(built, dest);
  fs.rmSync(tmp, { recursive: true, force: true });
  log(`built ${path.relative(process.cwd(), dest)} in ${Math.round((Date.now() - started) / 1000)} s`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (err) =>
      reject(
        new Error(
          (err as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'the `go` command is not on PATH: install Go 1.21 or newer (Debian: apt-get install -y golang-go), which fetches the toolchain it needs'
            : err.message,
        ),
      ),
    );
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code ?? signal})`)),
    );
  });
}
