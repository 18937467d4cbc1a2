// Starts vpay's two services, the HTTP API and the Temporal worker, from a validated config.
// `npm start` runs both in one process; `npm run api` and `npm run worker` run one each.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { Config } from './config';
import { createDb, migrateToLatest, type Db } from './db';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { safePostJson, destroySafePostAgents } from './safe-post';
import { ensureSearchAttributes } from './temporal-setup';
import { wakePurchaseVia } from './delivery-recovery';
import { createApp } from '../api/create-app';
import { createWorker } from '../worker/create-worker';

export interface Common {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  metrics: Metrics;
}

export interface RunningApi {
  url: string;
  port: number;
  db: Db;
  client: Client;
  stop(): Promise<void>;
}

/** Applies migrations (knex serialises concurrent runs with its lock table). */
export async function prepareDatabase(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, 1);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

export async function startApi({ config, databaseUrl, logger, metrics }: Common, host = '0.0.0.0'): Promise<RunningApi> {
  const db = createDb(databaseUrl, 10, logger);
  const connection = await Connection.connect({ address: config.temporalAddress });
  await ensureSearchAttributes(connection, config.temporalNamespace);
  const client = new Client({ connection, namespace: config.temporalNamespace });
  const app = createApp({ db, client, config, logger, metrics, post: safePostJson });
  const server = http.createServer(app);
  // Callbacks and payment requests may wait on a workflow for a while; keep sockets alive.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    db,
    client,
    async stop() {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      await db.destroy();
      destroySafePostAgents();
    },
  };
}

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(
  { config, databaseUrl, logger, metrics }: Common,
  opts: { workflowBundle?: WorkflowBundleOption } = {},
): Promise<RunningWorker> {
  const db = createDb(databaseUrl, 10, logger);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await createWorker({
    connection,
    db,
    config,
    logger,
    metrics,
    post: safePostJson,
    wakePurchase: wakePurchaseVia(new Client({ connection, namespace: config.temporalNamespace })),
    workflowBundle: opts.workflowBundle,
  });
  const done = worker.run().finally(async () => {
    await connection.close();
    await db.destroy();
  });
  return {
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
