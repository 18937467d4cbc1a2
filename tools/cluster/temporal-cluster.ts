// A multi-service Temporal cluster on PostgreSQL, on this machine: its schemas, one process per
// service instance (temporal-server --service X, each with its own config file and ports), the
// balancer its clients connect through, the Web UI server, and the namespace with vpay's search
// attributes, ready for use. Every process can be killed and started again on its own (the
// failover test does). State stays in PostgreSQL: a second start continues what the first left.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { Connection, type TLSConfig } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes } from '../../lib/platform/temporal-setup';
import { runToCompletion, startManagedProcess, sleep, type ManagedProcess } from '../dev/managed-process';
import { isAlive, readPidFile, stopLeftover } from '../dev/leftover-process';
import type { ClusterBinaries } from './binaries';
import { startFrontendBalancer } from './frontend-balancer';
import {
  DATABASES,
  instanceName,
  serverConfig,
  type ClusterSettings,
  type ClusterTls,
  type PostgresTarget,
  type ServiceInstance,
} from './server-config';
import { uiServerConfig } from './ui-config';

export interface TemporalClusterOptions {
  binaries: ClusterBinaries;
  pg: PostgresTarget;
  /** Config files, pid files and the processes' logs. */
  dataDir: string;
  instances: readonly ServiceInstance[];
  balancerPort: number;
  /** The Web UI's port; 0 runs without it. */
  uiPort: number;
  namespace: string;
  searchAttributes: readonly string[];
  /** One line of a process's output, with its name (`history-2`). */
  onLog?: (name: string, line: string) => void;
  logLevel?: ClusterSettings['logLevel'];
  /** mTLS on the frontends; plaintext when omitted. */
  tls?: ClusterTls;
}

export interface ClusterProcess {
  name: string;
  pid(): number;
  /** SIGKILL, as a crash: nothing is flushed or handed over. */
  kill(): Promise<void>;
  /** Starts it again with the same config and ports; resolves once it serves. */
  restart(): Promise<void>;
}

export interface TemporalCluster {
  /** host:port of the balancer: what vpay's TEMPORAL_ADDRESS names. */
  address: string;
  /** Undefined when run without the Web UI. */
  uiUrl?: string;
  namespace: string;
  /** Every server process, by name: frontend-1, history-2, ..., and ui. */
  processes: ReadonlyMap<string, ClusterProcess>;
  stop(): Promise<void>;
}

/** The history shards of a cluster are fixed when it is created; 4 is plenty for one machine. */
export const NUM_HISTORY_SHARDS = 4;
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export async function startTemporalCluster(o: TemporalClusterOptions): Promise<TemporalCluster> {
  fs.mkdirSync(o.dataDir, { recursive: true });
  const log = (name: string) => (line: string) => o.onLog?.(name, line);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    await prepareSchemas(o, log('schema'));
    const frontends = o.instances.filter((i) => i.service === 'frontend');
    const balancer = await startFrontendBalancer(
      o.balancerPort,
      frontends.map((f) => `127.0.0.1:${f.grpcPort}`),
    );
    stops.push(() => balancer.close());
    const settings: ClusterSettings = {
      pg: o.pg,
      numHistoryShards: NUM_HISTORY_SHARDS,
      frontendAddress: balancer.address,
      dynamicConfigFile: writeDynamicConfig(o.dataDir),
      logLevel: o.logLevel ?? 'warn',
      tls: o.tls,
    };
    const processes = new Map<string, ClusterProcess>();
    // History first (the shards), then matching, the frontends, and Temporal's own worker service,
    // which needs a frontend to talk to.
    const order = ['history', 'matching', 'frontend', 'worker'] as const;
    for (const service of order) {
      for (const instance of o.instances.filter((i) => i.service === service)) {
        const p = await startServerProcess(o, settings, instance, log(instanceName(instance)));
        processes.set(p.name, p);
        stops.push(() => p.stopGracefully());
      }
    }
    if (o.uiPort) {
      const ui = await startUiProcess(o, balancer.address, log('ui'));
      processes.set(ui.name, ui);
      stops.push(() => ui.stopGracefully());
    }

    await ensureNamespace(balancer.address, o.namespace, o.tls);
    // Each frontend keeps its own namespace and search-attribute caches: wait on each one.
    for (const f of frontends) {
      const connection = await Connection.connect({ address: `127.0.0.1:${f.grpcPort}`, tls: clientTls(o.tls) });
      try {
        await waitForNamespace(connection, o.namespace);
        await ensureSearchAttributes(connection, o.namespace, o.searchAttributes);
      } finally {
        await connection.close();
      }
    }
    return {
      address: balancer.address,
      uiUrl: o.uiPort ? `http://127.0.0.1:${o.uiPort}` : undefined,
      namespace: o.namespace,
      processes,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Creates the two databases and their schemas on first use, then migrates them to this server's version. */
async function prepareSchemas(o: TemporalClusterOptions, log: (line: string) => void): Promise<void> {
  const base = ['--plugin', 'postgres12', '--ep', o.pg.host, '-p', String(o.pg.port), '-u', o.pg.user, '--pw', o.pg.password];
  const tool = (args: string[]) =>
    runToCompletion({ name: 'temporal-sql-tool', command: o.binaries.sqlTool, args: [...base, ...args], onLog: log });
  for (const [db, schema] of [
    [DATABASES.default, 'postgresql/v12/temporal'],
    [DATABASES.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    const state = await schemaState(o.pg, db);
    if (state === 'no-database') await tool(['--db', db, 'create-database']);
    // setup-schema writes version 0.0: run it once only, or update-schema would start over.
    if (state !== 'versioned') await tool(['--db', db, 'setup-schema', '-v', '0.0']);
    await tool(['--db', db, 'update-schema', '--schema-name', schema]);
  }
}

async function schemaState(target: PostgresTarget, db: string): Promise<'no-database' | 'empty' | 'versioned'> {
  const admin = new pg.Client({ ...target, database: 'postgres' });
  await admin.connect();
  try {
    const r = await admin.query('select 1 from pg_database where datname = $1', [db]);
    if (r.rowCount === 0) return 'no-database';
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ ...target, database: db });
  await client.connect();
  try {
    const r = await client.query("select to_regclass('schema_version') is not null as versioned");
    return r.rows[0].versioned ? 'versioned' : 'empty';
  } finally {
    await client.end();
  }
}

/**
 * The dynamic config the cluster runs with: empty, so every setting is the server's default, as a
 * production cluster starts; the file is where to change one (the server reads it every 10 s).
 */
function writeDynamicConfig(dataDir: string): string {
  const file = path.join(dataDir, 'dynamicconfig.yaml');
  if (!fs.existsSync(file)) fs.writeFileSync(file, '{}\n');
  return file;
}

interface RunningProcess extends ClusterProcess {
  stopGracefully(): Promise<void>;
}

async function startServerProcess(
  o: TemporalClusterOptions,
  settings: ClusterSettings,
  instance: ServiceInstance,
  log: (line: string) => void,
): Promise<RunningProcess> {
  const name = instanceName(instance);
  const configFile = path.join(o.dataDir, `${name}.json`);
  fs.writeFileSync(configFile, JSON.stringify(serverConfig(settings, instance), null, 2));
  return supervised(o.dataDir, name, log, () => ({
    command: o.binaries.server,
    args: ['--config-file', configFile, '--allow-no-auth', 'start', '--service', instance.service],
    port: instance.grpcPort,
  }));
}

async function startUiProcess(o: TemporalClusterOptions, temporalAddress: string, log: (line: string) => void): Promise<RunningProcess> {
  const configDir = path.join(o.dataDir, 'ui-config');
  fs.mkdirSync(configDir, { recursive: true });
  fs.writeFileSync(
    path.join(configDir, 'cluster.yaml'),
    JSON.stringify(uiServerConfig(temporalAddress, o.uiPort, o.namespace, o.tls), null, 2),
  );
  return supervised(o.dataDir, 'ui', log, () => ({
    command: o.binaries.uiServer,
    args: ['--root', o.dataDir, '--config', 'ui-config', '--env', 'cluster', 'start'],
    port: o.uiPort,
  }));
}

/**
 * One server process that can be killed and started again: its pid in <dataDir>/<name>.pid, so a
 * later start stops one a SIGKILLed parent left running (it would hold the port).
 */
async function supervised(
  dataDir: string,
  name: string,
  log: (line: string) => void,
  what: () => { command: string; args: string[]; port: number },
): Promise<RunningProcess> {
  const pidFile = path.join(dataDir, `${name}.pid`);
  const leftover = readPidFile(pidFile);
  if (leftover && isAlive(leftover)) await stopLeftover(leftover, 'SIGTERM', STOP_TIMEOUT_MS);
  let current: ManagedProcess | undefined;
  const start = async () => {
    const { command, args, port } = what();
    current = await startManagedProcess({
      name,
      command,
      args,
      cwd: dataDir,
      onLog: log,
      stopSignal: 'SIGTERM',
      stopTimeoutMs: STOP_TIMEOUT_MS,
      onSpawn: (_child, pid) => fs.writeFileSync(pidFile, String(pid)),
      ready: { timeoutMs: READY_TIMEOUT_MS, intervalMs: 200, where: `127.0.0.1:${port}`, probe: () => tcpProbe(port) },
    });
  };
  await start();
  return {
    name,
    pid: () => current!.pid,
    async kill() {
      const pid = current!.pid;
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(50);
      await current!.stop(); // forgets the exit hook
    },
    restart: start,
    async stopGracefully() {
      await current?.stop();
      fs.rmSync(pidFile, { force: true });
    },
  };
}

function tcpProbe(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', (err) => {
      s.destroy();
      reject(err);
    });
  });
}

/** A fresh cluster has no namespace but the system's: registers vpay's, once. */
async function ensureNamespace(address: string, namespace: string, tls: ClusterTls | undefined): Promise<void> {
  const connection = await Connection.connect({ address, tls: clientTls(tls) });
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs('3 days'),
        });
        return;
      } catch (err) {
        if (/already exists|AlreadyExists/i.test((err as Error).message)) return;
        // The frontend serves before its history hosts have joined: try again.
        if (Date.now() > deadline) throw err;
        await sleep(500);
      }
    }
  } finally {
    await connection.close();
  }
}

/** A frontend knows a new namespace after its namespace cache refreshes (system.namespaceCacheRefreshInterval). */
async function waitForNamespace(connection: Connection, namespace: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

/** The TLS options of this file's own connections (the admin calls), as vpay's processes connect. */
function clientTls(t: ClusterTls | undefined): TLSConfig | undefined {
  if (!t) return undefined;
  return {
    serverRootCACertificate: fs.readFileSync(t.caFile),
    clientCertPair: { crt: fs.readFileSync(t.clientCertFile), key: fs.readFileSync(t.clientKeyFile) },
    serverNameOverride: t.serverName,
  };
}
