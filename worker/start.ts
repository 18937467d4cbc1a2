// Starts one Temporal worker from a validated config: its database pool, its connection, the
// client it signals purchases with (delivery recovery), and its two Workers (the main one and the
// delivery one, worker/create-worker.ts), which start and stop together. `npm run worker`
// runs one; `npm start`, the tests and the benchmark start it in-process with the API.
import { Client } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createDb, type Db } from '../lib/db/db';
import { safePostJson } from '../lib/outbound/safe-post';
import type { ServiceContext } from '../lib/platform/service-context';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../lib/platform/temporal-connection';
import { wakePurchaseVia } from '../application/purchase-client';
import { wakeRefundVia } from '../application/refund-client';
import { createWorkers, type WorkerTuning, type Workers } from './create-worker';

export interface StartWorkerOptions extends WorkerTuning {
  /** A prebuilt bundle (`npm run build`'s for `npm run worker`; tests and benchmarks build one once); otherwise bundled at start. */
  workflowBundle?: WorkflowBundleOption;
  /** knex pool max (default 10). */
  poolSize?: number;
  /** Built (certificate files read) by the caller already; otherwise built here from the config. */
  temporal?: TemporalConnectionOptions;
}

export interface RunningWorker {
  /** The main Worker: workflows and the payment path's activities. */
  worker: Worker;
  /** The delivery Worker: calls to developer endpoints, on the delivery task queue. */
  deliveryWorker: Worker;
  /** The process's database pool (tests count the statements a purchase makes). */
  db: Db;
  /** Resolves when both Workers have stopped; rejects with the first one's failure. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(
  { config, databaseUrl, logger, metrics }: ServiceContext,
  o: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const { poolSize, temporal, ...tuning } = o;
  // First: a certificate file that cannot be read stops the start before anything is opened.
  const temporalOptions = temporal ?? temporalConnectionOptions(config);
  const db = createDb(databaseUrl, poolSize ?? 10, logger);
  let connection: NativeConnection | undefined;
  let created: Workers;
  try {
    connection = await NativeConnection.connect(temporalOptions);
    const client = new Client({ connection, namespace: config.temporalNamespace });
    created = await createWorkers({
      // The bench's tuning sweep overrides the setting; unset in both, the SDK's default applies.
      ...(config.workerMaxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.workerMaxCachedWorkflows } : {}),
      ...tuning,
      connection,
      db,
      config,
      logger,
      metrics,
      post: safePostJson,
      wakePurchase: wakePurchaseVia(client),
      wakeRefund: wakeRefundVia(client),
    });
  } catch (err) {
    // A failed start (no Temporal, a Worker refused) closes what it opened: a caller that retries or
    // carries on (`npm start`, tests) would otherwise keep a pool and a connection nobody closes.
    await connection?.close().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    throw err;
  }
  const { main, delivery } = created;
  const openConnection = connection;
  const workers = [main, delivery];
  // Either Worker stopping (a shutdown, or a fatal error) stops the other: one without the other
  // would leave purchases waiting on a queue nobody polls in this process.
  const stopAll = (): void => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  const done = Promise.allSettled(workers.map((w) => w.run().finally(stopAll))).then(async (results) => {
    await openConnection.close();
    await db.destroy();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  return {
    worker: main,
    deliveryWorker: delivery,
    db,
    done,
    async stop() {
      stopAll();
      await done;
    },
  };
}
