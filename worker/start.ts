// Starts one Temporal worker from a validated config: its database pool, its connection, the
// client it signals purchases with (delivery recovery), and the worker itself. `npm run worker`
// runs one; `npm start`, the tests and the benchmark start it in-process with the API.
import { Client } from '@temporalio/client';
import { NativeConnection, type Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createDb } from '../lib/db/db';
import { safePostJson } from '../lib/outbound/safe-post';
import type { ServiceContext } from '../lib/platform/service-context';
import { wakePurchaseVia } from '../application/purchase-client';
import { wakeRefundVia } from '../application/refund-client';
import { createWorker, type WorkerTuning } from './create-worker';

export interface StartWorkerOptions extends WorkerTuning {
  /** A prebuilt bundle (`npm run build`'s for `npm run worker`; tests and benchmarks build one once); otherwise bundled at start. */
  workflowBundle?: WorkflowBundleOption;
  /** knex pool max (default 10). */
  poolSize?: number;
}

export interface RunningWorker {
  worker: Worker;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startWorker(
  { config, databaseUrl, logger, metrics }: ServiceContext,
  o: StartWorkerOptions = {},
): Promise<RunningWorker> {
  const { poolSize, ...tuning } = o;
  const db = createDb(databaseUrl, poolSize ?? 10, logger);
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const client = new Client({ connection, namespace: config.temporalNamespace });
  const worker = await createWorker({
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
