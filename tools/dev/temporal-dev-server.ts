// Runs `temporal server start-dev` (the pinned CLI from tools/dev/install-temporal.js) with a
// persistent SQLite file, for development and tests, and knows how to clean up after a hard kill.
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporalCliPath } from './temporal-binaries';
import { startManagedProcess } from './managed-process';
import { isAlive, readPidFile, stopLeftover } from './leftover-process';

export type SearchAttributeType = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** The search attributes vpay's workflows set. */
export const VPAY_SEARCH_ATTRIBUTES: Readonly<Record<string, SearchAttributeType>> = {
  VpayAppId: 'Keyword',
  VpayOutTradeNo: 'Keyword',
  VpayOrderStatus: 'Keyword',
  VpayRefundStatus: 'Keyword',
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
  /**
   * Partitions of every task queue (matching.numTaskqueueReadPartitions and ...WritePartitions);
   * the Temporal server's default (SERVER_DEFAULT_TASK_QUEUE_PARTITIONS) when omitted, as
   * `npm start` runs it. Only for a new database file: a task already written to a partition is
   * read only from it, so fewer read partitions on an existing file would strand it. Benchmark
   * scenario 2c measures one partition against the default.
   */
  taskQueuePartitions?: number;
  /**
   * Eager activity dispatch (`system.enableActivityEagerExecution`): the SDK asks for it when a
   * workflow task schedules an activity on the worker's own queue and a slot is free, and with this
   * on the server grants it, handing the activity back in the answer to that task with no trip
   * through matching. The server's default when omitted, as `npm start` runs it: on in the pinned
   * CLI's server (benchmark scenario 2d counts its eager dispatches, and measures it off).
   */
  activityEagerExecution?: boolean;
  /** The port of the server's Prometheus metrics; the CLI picks a free one when omitted. */
  metricsPort?: number;
}

/** The SQLite settings `sqliteWal` adds, one `--sqlite-pragma` each. */
export const SQLITE_WAL_PRAGMAS: readonly string[] = ['journal_mode=wal', 'synchronous=normal'];

/** The Temporal server's own partitions per task queue, which the dev server keeps unless told otherwise. */
export const SERVER_DEFAULT_TASK_QUEUE_PARTITIONS = 4;

/** The dynamic-config flags that give every task queue `n` partitions, read and write alike. */
export function taskQueuePartitionFlags(n: number): string[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`taskQueuePartitions must be a positive integer, got ${n}`);
  return ['matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions'].flatMap((key) => [
    '--dynamic-config-value',
    `${key}=${n}`,
  ]);
}

/** The dynamic-config key of eager activity dispatch. */
export const ACTIVITY_EAGER_EXECUTION_KEY = 'system.enableActivityEagerExecution';

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
  const searchAttributes = opts.searchAttributes ?? VPAY_SEARCH_ATTRIBUTES;

  fs.mkdirSync(path.dirname(dbFile), { recursive: true }); // the CLI no longer creates it
  await stopLeftoverServer(pidFile, dbFile);

  const server = await startManagedProcess({
    name: 'temporal server',
    program: 'the Temporal CLI',
    command: temporalCliPath(),
    args: temporalDevServerArgs({ ...opts, dbFile, searchAttributes }),
    onLog: opts.onLog,
    stopSignal: 'SIGTERM',
    stopTimeoutMs: STOP_TIMEOUT_MS,
    onSpawn: (child, pid) => {
      fs.writeFileSync(pidFile, `${pid}\n`);
      child.once('exit', () => removePidFile(pidFile, pid));
    },
    ready: { timeoutMs: READY_TIMEOUT_MS, intervalMs: 250, where: address, probe: () => describeDefaultNamespace(address) },
    setup: () => addMissingSearchAttributes(address, searchAttributes),
  });
  const stop = async () => {
    await server.stop();
    removePidFile(pidFile, server.pid);
  };
  return { address, uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined, pid: server.pid, stop };
}

/** The CLI's arguments for `opts`: what the server runs with, and what tests check it runs with. */
export function temporalDevServerArgs(opts: TemporalDevServerOptions): string[] {
  return [
    'server',
    'start-dev',
    '--db-filename',
    path.resolve(opts.dbFile),
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.grpcPort),
    // --http-port (and --metrics-port unless asked for) are left out: the CLI then binds each to a free port.
    ...(opts.metricsPort ? ['--metrics-port', String(opts.metricsPort)] : []),
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    '--namespace',
    'default',
    '--log-level',
    'warn',
    ...Object.entries(opts.searchAttributes ?? VPAY_SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    // Room for many concurrent updates per workflow (server default 10).
    '--dynamic-config-value',
    'history.maxInFlightUpdates=1000',
    // On by default in the pinned CLI's server (1.32, where the second key no longer exists and is
    // ignored); kept for the Go-built fallback CLI v1.5.1, whose server is 1.29.
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableExecuteMultiOperation=true',
    ...(opts.sqliteWal === false ? [] : SQLITE_WAL_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p])),
    ...(opts.taskQueuePartitions === undefined ? [] : taskQueuePartitionFlags(opts.taskQueuePartitions)),
    ...(opts.activityEagerExecution === undefined
      ? []
      : ['--dynamic-config-value', `${ACTIVITY_EAGER_EXECUTION_KEY}=${opts.activityEagerExecution}`]),
  ];
}

/** Ready means a real client can describe the `default` namespace. */
async function describeDefaultNamespace(address: string): Promise<void> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 2_000 });
    await connection.workflowService.describeNamespace({ namespace: 'default' });
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

// temporal.api.enums.v1.IndexedValueType
const INDEXED_VALUE_TYPE: Record<SearchAttributeType, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
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
  const pid = readPidFile(pidFile);
  if (pid === undefined) return;
  // Only a live server on this file is ours; anything else means the PID was reused.
  if (pid && isAlive(pid) && servesDb(pid, dbFile) !== false) {
    await stopLeftover(pid, 'SIGTERM', STOP_TIMEOUT_MS);
  }
  fs.rmSync(pidFile, { force: true });
}

/** Only our own: a later server on the same file may have written its pid meanwhile. */
function removePidFile(pidFile: string, pid: number): void {
  if (readPidFile(pidFile) === pid) fs.rmSync(pidFile, { force: true });
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
