// The real stack the benchmark runs against, all on this machine and all its own: an embedded
// PostgreSQL and a headless Temporal dev server in a fresh temporary directory on free ports, the
// workflow bundles built once, the load agent (fake superapp, fake developer, load generator),
// and vpay instances (API + worker in this process), one database and task queue each.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import pino from 'pino';
import { Client as PgClient } from 'pg';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig, type Config } from '../lib/platform/config';
import { createLogger, type Logger } from '../lib/platform/logger';
import { createMetrics } from '../lib/platform/metrics';
// Migrations before the services start, as `npm start` does (tools/dev/start-stack.ts).
import { prepareDatabase } from '../lib/db/db';
import type { ServiceContext } from '../lib/platform/service-context';
import { startApi, type RunningApi } from '../api/start';
import { startWorker, type RunningWorker, type StartWorkerOptions } from '../worker/start';
import { startEmbeddedPostgres } from '../tools/dev/embedded-pg';
import { MAX_PG_CONNECTIONS } from '../tools/cluster/local-cluster';
import { SQLITE_WAL_PRAGMAS, startTemporalDevServer, type TemporalDevServer } from '../tools/dev/temporal-dev-server';
import { freePort } from '../tools/dev/free-port';
import { installTemporalLogging } from '../lib/platform/temporal-logging';
import { AgentClient } from './agent-client';
import type { Cleanup } from './cleanup';
import type { ProcessSet } from './sys';

/** The knobs the tuning sweep turns: the worker's, and the knex pool of the API and the worker. */
export type BenchTuning = Omit<StartWorkerOptions, 'workflowBundle'>;

export interface Stack {
  dir: string;
  pgAdminUrl: string;
  temporalAddress: string;
  /** How the Temporal dev server keeps its SQLite file, for the report. */
  temporalStore: string;
  /** PostgreSQL's settings that differ from `npm start`'s, for the report. */
  postgresSettings: string;
  /** The directory of PostgreSQL's Unix socket, which it listens on beside TCP (scenario 2e). */
  pgSocketDir: string;
  vpayBundleCode: string;
  ceilingBundleCode: string;
  agent: AgentClient;
  superappUrl: string;
  secret: string;
  adminToken: string;
  /** vpay's configuration with nothing set but the secrets: the purchase timings the ceiling mirrors. */
  defaults: Config;
  /** Where PostgreSQL and the Temporal dev server keep their data (the pending scenario's disk use). */
  dataDirs: { postgres: string; temporal: string };
  /** The processes whose CPU the steps report. */
  procs(): ProcessSet;
  /** SIGKILLs the Temporal dev server (the crash scenario); resolves once it is gone. */
  killTemporal(): Promise<void>;
  /** Starts the Temporal dev server again on the same port and SQLite file; resolves once it is ready. */
  startTemporal(): Promise<void>;
  logFile(name: string): string;
}

export async function startStack(cleanup: Cleanup, log: (line: string) => void, o: { keepTemp?: boolean } = {}): Promise<Stack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-bench-'));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as the postgres user and must enter it
  if (!o.keepTemp) cleanup.add('remove the temporary directory', () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(path.join(dir, 'logs'));
  const logFile = (name: string) => path.join(dir, 'logs', `${name}.log`);
  installTemporalLogging(createLogger('warn', { component: 'bench' }, pino.destination({ dest: logFile('temporal-sdk'), sync: false })));

  const [pgPort, grpcPort] = await Promise.all([freePort(), freePort()]);
  log(`starting PostgreSQL (port ${pgPort}) and the Temporal dev server (port ${grpcPort}) in ${dir}; bundling workflows`);
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => log(`bundler: ${m}`), log() {} } as never;
  // A Unix socket beside TCP, for scenario 2e: every vpay instance connects over TCP, as `npm start`
  // does, unless a scenario asks for the socket. As root PostgreSQL runs as the postgres user, which
  // must create the socket there.
  const pgSocketDir = path.join(dir, 'pgsock');
  fs.mkdirSync(pgSocketDir);
  fs.chmodSync(pgSocketDir, 0o777);
  const temporalOptions = { dbFile: path.join(dir, 'temporal', 'temporal.db'), grpcPort };
  // The one running now: the crash scenario kills it and starts another on the same file and port.
  let temporal: TemporalDevServer;
  const [pg, , vpayBundle, ceilingBundle] = await Promise.all([
    // The cluster scenario's six Temporal server processes keep pools of their own on this server,
    // beside every vpay instance's: PostgreSQL's default 100 connections ran out (the 03:00 run of
    // 2026-12-02), so it gets the local cluster's limit.
    startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      port: pgPort,
      database: 'postgres',
      settings: { max_connections: String(MAX_PG_CONNECTIONS), unix_socket_directories: pgSocketDir },
    }).then((pg) => {
      cleanup.add('stop PostgreSQL', () => pg.stop());
      return pg;
    }),
    // tools/dev/temporal-dev-server.ts's defaults, as `npm start` runs it: SQLite in WAL mode.
    startTemporalDevServer(temporalOptions).then((t) => {
      temporal = t;
      cleanup.add('stop the Temporal dev server', () => temporal.stop());
    }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quiet }),
    bundleWorkflowCode({ workflowsPath: require.resolve('./ceiling/workflows'), logger: quiet }),
  ]);

  const agent = await AgentClient.start();
  cleanup.add('stop the load agent', () => agent.stop());
  const secret = randomBytes(24).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  const { superappUrl } = await agent.call('init', { secret });

  const postmasterPid = () => {
    try {
      return Number.parseInt(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0], 10);
    } catch {
      return undefined;
    }
  };
  return {
    dir,
    pgAdminUrl: pg.url,
    temporalAddress: temporal!.address,
    postgresSettings:
      `max_connections ${MAX_PG_CONNECTIONS} instead of its default 100, for the cluster scenario's six Temporal processes (\`npm start\` keeps 100); ` +
      'a Unix socket in the temporary directory beside TCP, for scenario 2e (`npm start` listens on TCP alone, and vpay connects over TCP here too unless 2e asks for the socket)',
    pgSocketDir,
    temporalStore: `SQLite file in WAL mode (${SQLITE_WAL_PRAGMAS.map((p) => `\`--sqlite-pragma ${p}\``).join(' ')}, the default of tools/dev/temporal-dev-server.ts)`,
    vpayBundleCode: vpayBundle.code,
    ceilingBundleCode: ceilingBundle.code,
    agent,
    superappUrl,
    secret,
    adminToken,
    // Only the default timings are read from it; the fake superapp's URL stands in for the superapp.
    defaults: loadConfig({ SUPERAPP_SECRET: secret, ADMIN_TOKEN: adminToken, SUPERAPP_BASE_URL: superappUrl }),
    dataDirs: { postgres: path.join(dir, 'pg'), temporal: path.dirname(temporalOptions.dbFile) },
    procs: () => ({ bench: process.pid, agent: agent.pid, temporal: temporal.pid, postgres: postmasterPid() }),
    async killTemporal() {
      process.kill(temporal.pid, 'SIGKILL');
      await temporal.stop(); // resolves at once for a process already gone, and drops its pid file
    },
    async startTemporal() {
      temporal = await startTemporalDevServer(temporalOptions);
    },
    logFile,
  };
}

/** A knex pool of the benchmark's own (the knex package, not vpay's lib/db), for its own SQL. */
export function benchPool(databaseUrl: string, max: number): Knex {
  return knex({ client: 'pg', connection: databaseUrl, pool: { min: 0, max } });
}

export interface VpayInstance {
  name: string;
  url: string;
  config: Config;
  /** The environment `config` was loaded from: a worker process of the instance's own gets the same. */
  env: Record<string, string>;
  databaseUrl: string;
  /** A small pool of the benchmark's own, not vpay's, for checks, bulk loads and the export. */
  db: Knex;
  appId: string;
  /** Where vpay delivers the app's orders: the fake developer's. */
  deliveryUrl: string;
  /** Workflows the in-process worker holds in its cache now (undefined without one). */
  cachedWorkflows(): number | undefined;
  /** Stops the API and worker and starts them again with these knobs (same database and app). */
  restart(tuning: BenchTuning): Promise<void>;
  stop(): Promise<void>;
}

/**
 * vpay's API and worker in this process, on their own database and task queue. Without `tuning`
 * they are exactly what `npm start` runs (api/start.ts startApi, worker/start.ts startWorker);
 * with it, the same services started with the given knobs.
 */
export async function startVpayInstance(
  stack: Stack,
  cleanup: Cleanup,
  o: {
    name: string;
    env?: Record<string, string>;
    tuning?: BenchTuning;
    users?: number;
    temporalAddress?: string;
    /** false: the API alone; the scenario runs the worker in a process of its own (bench/worker-process.ts). */
    inProcessWorker?: boolean;
    /** The app's endpoint on an origin of its own at the fake developer (a port), not a path of the shared one. */
    ownDeveloperOrigin?: boolean;
    /** vpay connects to PostgreSQL over its Unix socket (the stack's pgSocketDir), not TCP. */
    pgSocket?: boolean;
  },
): Promise<VpayInstance> {
  const dbName = `vpay_${o.name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}`;
  const admin = new PgClient({ connectionString: stack.pgAdminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${dbName}`);
  } finally {
    await admin.end();
  }
  const url = new URL(stack.pgAdminUrl);
  url.pathname = `/${dbName}`;
  // node-postgres takes a `host` parameter naming a directory as the socket there, on the URL's port.
  if (o.pgSocket) url.searchParams.set('host', stack.pgSocketDir);
  const databaseUrl = url.toString();
  const env: Record<string, string> = {
    PORT: '0',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: o.temporalAddress ?? stack.temporalAddress,
    TEMPORAL_TASK_QUEUE: `bench-${o.name}`,
    SUPERAPP_BASE_URL: stack.superappUrl,
    SUPERAPP_SECRET: stack.secret,
    ADMIN_TOKEN: stack.adminToken,
    DELIVERY_ALLOW_PRIVATE: 'true', // the fake developer listens on 127.0.0.1
    LOG_LEVEL: 'info',
    DATA_DIR: path.join(stack.dir, 'data'),
    ...o.env,
  };
  const config = loadConfig(env);
  // vpay logs as in production (info, JSON), into a file of the temporary directory.
  const logger: Logger = createLogger(
    config.logLevel,
    { instance: o.name },
    pino.destination({ dest: stack.logFile(o.name), sync: false }),
  );
  const metrics = createMetrics(false);
  await prepareDatabase(databaseUrl);
  const common: ServiceContext = { config, databaseUrl, logger, metrics };

  let api: RunningApi;
  let worker: RunningWorker | undefined;
  const start = async (tuning: BenchTuning | undefined) => {
    if (o.inProcessWorker !== false) worker = await startWorker(common, { ...tuning, workflowBundle: { code: stack.vpayBundleCode } });
    api = await startApi(common, { host: '127.0.0.1', poolSize: tuning?.poolSize });
  };
  const stopServices = async () => {
    await api?.stop().catch((err: Error) => process.stderr.write(`[bench] stopping the API: ${err.message}\n`));
    await worker?.stop().catch((err: Error) => process.stderr.write(`[bench] stopping the worker: ${err.message}\n`));
  };
  const db = benchPool(databaseUrl, 2);
  const unregister = cleanup.add(`stop vpay instance ${o.name}`, async () => {
    await stopServices();
    await db.destroy();
  });
  await start(o.tuning);
  const { appId, deliveryUrl } = await stack.agent.call('setupApp', {
    instance: o.name,
    vpayUrl: api!.url,
    adminToken: stack.adminToken,
    users: o.users ?? 16,
    ownOrigin: o.ownDeveloperOrigin,
  });

  const instance: VpayInstance = {
    name: o.name,
    url: api!.url,
    config,
    env,
    databaseUrl,
    db,
    appId,
    deliveryUrl,
    cachedWorkflows: () => (worker ? worker.worker.getStatus().numCachedWorkflows : undefined),
    async restart(tuning) {
      await stopServices();
      await start(tuning);
      instance.url = api.url;
      await stack.agent.call('setVpayUrl', { instance: o.name, vpayUrl: api.url });
    },
    stop: unregister,
  };
  return instance;
}
