// vpay's API and worker built with the knobs lib/services.ts leaves at their defaults, for the
// worker-tuning sweep: the knex pool size (API and worker), and the worker's concurrency, cache
// and workflow-thread settings. Same parts as startApi/startWorker, nothing else changed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createApp } from '../api/create-app';
import { createActivities } from '../activities';
import { createDb } from '../lib/db';
import { safePostJson } from '../lib/safe-post';
import { wakePurchaseVia } from '../lib/delivery-recovery';
import type { Common } from '../lib/services';

export interface WorkerTuning {
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxCachedWorkflows?: number;
  workflowThreadPoolSize?: number;
  /** knex pool max of the API and of the worker (createDb's default is 10). */
  poolSize?: number;
}

export interface Stoppable {
  url?: string;
  stop(): Promise<void>;
}

export async function startTunedApi({ config, databaseUrl, logger, metrics }: Common, t: WorkerTuning): Promise<Stoppable & { url: string }> {
  const db = createDb(databaseUrl, t.poolSize ?? 10);
  const connection = await Connection.connect({ address: config.temporalAddress });
  const client = new Client({ connection, namespace: config.temporalNamespace });
  const server = http.createServer(createApp({ db, client, config, logger, metrics, post: safePostJson }));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      await db.destroy();
    },
  };
}

export async function startTunedWorker({ config, databaseUrl, logger, metrics }: Common, t: WorkerTuning, workflowBundleCode: string): Promise<Stoppable> {
  const db = createDb(databaseUrl, t.poolSize ?? 10);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowBundle: { code: workflowBundleCode },
    activities: createActivities({ db, config, post: safePostJson, logger, metrics, wakePurchase: wakePurchaseVia(new Client({ connection, namespace: config.temporalNamespace })) }),
    maxConcurrentActivityTaskExecutions: t.maxConcurrentActivityTaskExecutions ?? 100,
    maxConcurrentWorkflowTaskExecutions: t.maxConcurrentWorkflowTaskExecutions ?? 100,
    ...(t.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: t.maxCachedWorkflows } : {}),
    ...(t.workflowThreadPoolSize !== undefined ? { workflowThreadPoolSize: t.workflowThreadPoolSize } : {}),
  });
  const done = worker.run().finally(async () => {
    await connection.close();
    await db.destroy();
  });
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
