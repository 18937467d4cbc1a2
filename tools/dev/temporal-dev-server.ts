// Runs `temporal server start-dev` (the pinned CLI from tools/dev/install-temporal.js) with a
// persistent SQLite file, for development and tests, and knows how to clean up after a hard kill.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporalCliPath } from './temporal-binaries';

export type SearchAttributeType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** The search attributes vpay's workflows set. */
export const VPAY_SEARCH_ATTRIBUTES: Readonly<Record<string, SearchAttributeType>> = {
  VpayAppId: 'Keyword',
  VpayOutTradeNo: 'Keyword',
  VpayOrderStatus: 'Keyword',
};

export interface TemporalDevServerOptions {
  /** SQLite file holding all Temporal state; created (with its directory) if absent, never deleted. */
  dbFile: string;
  grpcPort: number;
  /** Web UI port; 0 or undefined runs headless. */
  uiPort?: number;
  /** Registered on the `default` namespace. Default VPAY_SEARCH_ATTRIBUTES. */
  searchAttributes?: Record<string, SearchAttributeType>;
  /** Receives the server's log lines (level warn and up); silent when omitted. */
  onLog?: (line: string) => void;
  /**
   * SQLite in WAL mode with synchronous=normal (default true). The benchmark measured 1.6-1.7x
   * the purchases per second of SQLite's default rollback journal, which fsyncs every commit and
   * blocks readers while it writes. A killed process loses nothing; a power cut may lose the last
   * commits, which a development server can afford. See docs/BENCHMARKS.md (scenario 2b).
   */
  sqliteWal?: boolean;
}

/** The SQLite settings `sqliteWal` adds, one `--sqlite-pragma` each. */
export const SQLITE_WAL_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

export interface TemporalDevServer {
  /** host:port for Connection.connect / NativeConnection.connect */
  address: string;
  uiUrl?: string;
  pid: number;
  /** SIGTERM, SIGKILL after 10 s. The database file stays. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const dbFile = path.resolve(opts.dbFile);
  const pidFile = `${dbFile}.pid`;
  const address = `127.0.0.1:${opts.grpcPort}`;
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

  fs.mkdirSync(path.dirname(dbFile), { recursive: true }); // the CLI no longer creates it
  await stopLeftoverServer(pidFile, dbFile);

  const args = [
    'server', 'start-dev',
    '--db-filename', dbFile,
    '--ip', '127.0.0.1',
    '--port', String(opts.grpcPort),
    // --http-port and --metrics-port are left out: the CLI then binds each to a free port.
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    '--namespace', 'default',
    '--log-level', 'warn',
    ...Object.entries(opts.searchAttributes ?? VPAY_SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    // Room for many concurrent updates per workflow (server default 10).
    '--dynamic-config-value', 'history.maxInFlightUpdates=1000',
    // On by default in the pinned CLI's server (1.32, where the second key no longer exists and is
    // ignored); kept for the Go-built fallback CLI v1.5.1, whose server is 1.29.
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true',
    ...(opts.sqliteWal === false ? [] : SQLITE_WAL_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p])),
  ];
  const child = spawn(temporalCliPath(), args, {
    // Own process group: a terminal's Ctrl-C reaches only the app, which stops us in its order.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`cannot start the Temporal CLI: ${err.message}`);
  }
  const pid = child.pid;
  fs.writeFileSync(pidFile, `${pid}\n`);
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  child.once('exit', () => removePidFile(pidFile, pid));
  // Don't keep the event loop alive for the server; the exit hook below still stops it.
  child.unref();
  (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  const onProcessExit = () => child.kill('SIGTERM');
  process.on('exit', onProcessExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', onProcessExit);
      await stopChild(child, STOP_TIMEOUT_MS);
      removePidFile(pidFile, pid);
    })();
    return stopping;
  };

  try {
    await waitUntilReady(child, address, recent);
    await addMissingSearchAttributes(address, opts.searchAttributes ?? VPAY_SEARCH_ATTRIBUTES);
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined, pid, stop };
}

/** Ready means a real client can describe the `default` namespace. */
async function waitUntilReady(child: ChildProcess, address: string, recent: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`temporal server exited (${child.exitCode ?? child.signalCode}) during startup:\n${recent.join('\n')}`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      return;
    } catch (err) {
      lastError = err;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await sleep(250);
  }
  throw new Error(
    `temporal server not ready on ${address} after ${READY_TIMEOUT_MS} ms: ${String(lastError)}\n${recent.join('\n')}`,
  );
}

// temporal.api.enums.v1.IndexedValueType
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  Text: 1, Keyword: 2, Int: 3, Double: 4, Bool: 5, Datetime: 6, KeywordList: 7,
};

/**
 * --search-attribute only takes effect when the database file is new (the namespace is created
 * then); attributes added later are silently ignored, so register any that are missing.
 */
async function addMissingSearchAttributes(address: string, wanted: Record<string, SearchAttributeType>): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const namespace = 'default';
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.entries(wanted).filter(([name]) => !(name in (customAttributes ?? {})));
    if (missing.length === 0) return;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_VALUE_TYPE[type]])),
    });
  } finally {
    await connection.close();
  }
}

/**
 * A server left running by a SIGKILLed parent holds the SQLite file (and maybe our port);
 * stop it before starting another on the same file.
 */
async function stopLeftoverServer(pidFile: string, dbFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10);
  } catch {
    return;
  }
  // Only a live server on this file is ours; anything else means the PID was reused.
  if (pid && isAlive(pid) && servesDb(pid, dbFile) !== false) {
    signal(pid, 'SIGTERM');
    if (!(await waitForDeath(pid, STOP_TIMEOUT_MS))) {
      signal(pid, 'SIGKILL');
      await waitForDeath(pid, 5_000);
    }
  }
  fs.rmSync(pidFile, { force: true });
}

async function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref(); // it was unref'd: without this, node could exit while we wait
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
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

function removePidFile(pidFile: string, pid: number): void {
  try {
    if (Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10) === pid) fs.rmSync(pidFile, { force: true });
  } catch {
    // already gone
  }
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

/** Is `pid` a dev server started on `dbFile`? undefined where /proc cannot tell. */
function servesDb(pid: number, dbFile: string): boolean | undefined {
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('start-dev') && argv.includes(dbFile);
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
