// Starts vpay for one integration test file on the shared real PostgreSQL and Temporal server:
// its own database, task queue, API (on a free port) and worker, plus a fake superapp and a
// fake developer backend. Everything is stopped by stop().
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { loadConfig, type Config } from '../../lib/platform/config';
import { createLogger } from '../../lib/platform/logger';
import { createMetrics, type Metrics } from '../../lib/platform/metrics';
import { createDb, prepareDatabase, type Db } from '../../lib/db/db';
import { startApi, type RunningApi } from '../../api/start';
import { startWorker, type RunningWorker } from '../../worker/start';
import type { WorkerTuning } from '../../worker/create-worker';
import { startFakeSuperapp, type FakeSuperapp } from '../../tools/fakes/fake-superapp';
import { startFakeDeveloper, type FakeDeveloper } from '../../tools/fakes/fake-developer';
import { testEnv } from './test-env';
import { freePort } from '../../tools/dev/free-port';
import { installTemporalLogging } from '../../lib/platform/temporal-logging';

export interface Vpay {
  url: string;
  config: Config;
  databaseUrl: string;
  api: RunningApi;
  worker: RunningWorker;
  metrics: Metrics;
  superapp: FakeSuperapp;
  developer: FakeDeveloper;
  adminToken: string;
  /** GET /metrics answers only with this bearer token (METRICS_TOKEN). */
  metricsToken: string;
  /** Starts a replacement worker after the first was stopped (durability tests). */
  restartWorker(): Promise<void>;
  stop(): Promise<void>;
}

export async function createTestDatabase(): Promise<string> {
  const { pgAdminUrl } = testEnv();
  const name = `vpay_${randomBytes(6).toString('hex')}`;
  const admin = new PgClient({ connectionString: pgAdminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A database of its own, migrated, with a pool of 2: for tests that use the repositories directly.
 * `url` is its address, for a second pool (through a proxy, say).
 */
export async function openTestDatabase(): Promise<Db & { url: string }> {
  const url = await createTestDatabase();
  await prepareDatabase(url);
  return Object.assign(createDb(url, 2), { url });
}

/**
 * `env` overrides the test defaults. With `sandbox: true` the built-in sandbox superapp answers
 * instead of the fake one (SUPERAPP_BASE_URL unset, SANDBOX=true), which needs the API port fixed up front.
 */
export async function startVpay(
  env: Record<string, string> = {},
  o: {
    sandbox?: boolean;
    logLines?: string[];
    worker?: boolean;
    /** The worker's slots, for tests that fill them. */
    workerTuning?: WorkerTuning;
    temporalAddress?: string;
    databaseUrl?: string;
  } = {},
): Promise<Vpay> {
  const { bundlePath } = testEnv();
  // Fault tests bring their own Temporal server or database, to restart or stop them.
  const temporalAddress = o.temporalAddress ?? testEnv().temporalAddress;
  const secret = randomBytes(16).toString('hex');
  const adminToken = randomBytes(16).toString('hex');
  const metricsToken = randomBytes(16).toString('hex');
  const superapp = await startFakeSuperapp(secret);
  const developer = await startFakeDeveloper();
  const databaseUrl = o.databaseUrl ?? (await createTestDatabase());
  const config = loadConfig({
    PORT: o.sandbox ? String(await freePort()) : '0',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(6).toString('hex')}`,
    SUPERAPP_BASE_URL: o.sandbox ? '' : superapp.url,
    // The sandbox is an explicit choice outside `npm start` (CONTRACT.md 1).
    SANDBOX: o.sandbox ? 'true' : '',
    SUPERAPP_SECRET: secret,
    ADMIN_TOKEN: adminToken,
    METRICS_TOKEN: metricsToken,
    DELIVERY_ALLOW_PRIVATE: 'true',
    DELIVERY_RETRY_INITIAL_MS: '200',
    DELIVERY_RETRY_MAX_MS: '1000',
    LOG_LEVEL: process.env.VPAY_TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  // With logLines, every JSON log line is kept for the test to inspect.
  const logger = o.logLines
    ? createLogger('debug', {}, { write: (line: string) => void o.logLines!.push(line) })
    : createLogger(config.logLevel);
  installTemporalLogging(logger);
  const metrics = createMetrics(false);
  await prepareDatabase(databaseUrl);
  const common = { config, databaseUrl, logger, metrics };
  const api = await startApi(common, { host: '127.0.0.1' });
  // worker: false leaves running purchases to workers the test starts itself (as processes).
  const noWorker: RunningWorker = {
    worker: undefined as never,
    deliveryWorker: undefined as never,
    db: undefined as never,
    done: Promise.resolve(),
    stop: async () => undefined,
  };
  const workerOptions = { ...o.workerTuning, workflowBundle: { codePath: bundlePath } };
  let worker = o.worker === false ? noWorker : await startWorker(common, workerOptions);
  const vpay: Vpay = {
    url: api.url,
    config,
    databaseUrl,
    api,
    worker,
    metrics,
    superapp,
    developer,
    adminToken,
    metricsToken,
    async restartWorker() {
      worker = await startWorker(common, workerOptions);
      vpay.worker = worker;
    },
    async stop() {
      await vpay.worker.stop().catch(() => undefined);
      await api.stop();
      await superapp.close();
      await developer.close();
    },
  };
  return vpay;
}
