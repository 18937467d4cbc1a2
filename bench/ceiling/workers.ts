// The bare workflow's Workers, as vpay runs its own (worker/create-worker.ts, worker/start.ts): one
// on the workflow's task queue with the workflows and every activity, and, when asked, a second one
// on `${taskQueue}-delivery` with deliverOrder alone and vpay's delivery slots. vpay always runs its
// second Worker and routes deliveries to it only with SEPARATE_DELIVERY_QUEUE on; so does this.
import type { NativeConnection } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { CeilingActivities } from './activities';

export interface DeliveryWorkerOptions {
  maxConcurrentDeliveries: number;
  /** deliverOrder on the delivery queue (SEPARATE_DELIVERY_QUEUE); else on the one queue, the second Worker idle. */
  separate: boolean;
}

export interface CeilingWorkers {
  /** The queue the workflow schedules deliverOrder on, when not its own. */
  deliveryTaskQueue?: string;
  /** deliverOrder calls the delivery Worker ran, and the main one. */
  onDeliveryQueue(): number;
  onMainQueue(): number;
  /** Shuts both down and waits for them; rejects with the first Worker's failure, if one failed. */
  stop(): Promise<void>;
}

export async function startCeilingWorkers(o: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  workflowBundleCode: string;
  activities: CeilingActivities;
  delivery?: DeliveryWorkerOptions;
}): Promise<CeilingWorkers> {
  // deliverOrder calls each Worker ran, counted by one wrapper around the same activity.
  const calls = { main: 0, delivery: 0 };
  const deliverOrderOn =
    (worker: keyof typeof calls): CeilingActivities['deliverOrder'] =>
    (input) => {
      calls[worker]++;
      return o.activities.deliverOrder(input);
    };
  const main = await Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    workflowBundle: { code: o.workflowBundleCode },
    activities: { ...o.activities, deliverOrder: deliverOrderOn('main') },
    // The same as vpay's worker/create-worker.ts.
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentWorkflowTaskExecutions: 100,
  });
  const workers = [main];
  if (o.delivery) {
    try {
      workers.push(
        await Worker.create({
          connection: o.connection,
          namespace: o.namespace,
          taskQueue: `${o.taskQueue}-delivery`,
          activities: { deliverOrder: deliverOrderOn('delivery') },
          maxConcurrentActivityTaskExecutions: o.delivery.maxConcurrentDeliveries,
        }),
      );
    } catch (err) {
      // A created Worker holds the connection until it has run: run it out, as vpay's createWorkers does.
      await main.runUntil(Promise.resolve());
      throw err;
    }
  }
  // Either Worker stopping stops the other, so stop() never waits on a half-running pair.
  const stopAll = () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  const running = Promise.allSettled(workers.map((w) => w.run().finally(stopAll)));
  return {
    deliveryTaskQueue: o.delivery?.separate ? `${o.taskQueue}-delivery` : undefined,
    onDeliveryQueue: () => calls.delivery,
    onMainQueue: () => calls.main,
    async stop() {
      stopAll();
      const failed = (await running).find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
