// Builds the two Temporal Workers of a vpay worker process, wired to their dependencies, with
// their tuning (defaults in docs/OPERATIONS.md): the main Worker runs the workflows bundle and the
// activities on the workflows' task queue; the delivery Worker runs only the calls to developer
// endpoints, on their own task queue (DELIVERY_TASK_QUEUE, workflows/task-queues.ts) with their
// own activity slots. Every worker process runs both, whatever SEPARATE_DELIVERY_QUEUE says: the
// workflows started while it was on still need the delivery Worker.
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';

/** The worker's knobs; unset ones keep vpay's defaults (slots) or the SDK's (cache, threads). */
export interface WorkerTuning {
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxCachedWorkflows?: number;
  workflowThreadPoolSize?: number;
  /** The delivery Worker's activity slots (default: WORKER_MAX_CONCURRENT_DELIVERIES). */
  maxConcurrentDeliveries?: number;
}

export interface WorkerOptions extends ActivityDeps, WorkerTuning {
  connection: NativeConnection;
  /** A prebuilt bundle (tests and benchmarks build it once); otherwise bundled at start. */
  workflowBundle?: WorkflowBundleOption;
}

export interface Workers {
  /** Workflows, and every activity on the workflows' task queue. */
  main: Worker;
  /** The developer-facing activities, on the delivery task queue. */
  delivery: Worker;
}

export const workflowsPath = require.resolve('../workflows');

/** The activities that call a developer's endpoint: what the delivery Worker registers. */
const DEVELOPER_FACING = ['deliverOrder', 'redeliverOrder', 'notifyRefund'] as const;

export async function createWorkers(o: WorkerOptions): Promise<Workers> {
  // One set of activities for both Workers: deliveries and refund notices share what they learn
  // of an endpoint's health (activities/index.ts).
  const activities = createActivities(o);
  const main = await Worker.create({
    connection: o.connection,
    namespace: o.config.temporalNamespace,
    taskQueue: o.config.taskQueue,
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath }),
    // The developer-facing ones too: workflows started without a delivery task queue (before it
    // existed, or with SEPARATE_DELIVERY_QUEUE off) schedule them on this queue.
    activities,
    maxConcurrentActivityTaskExecutions: o.maxConcurrentActivityTaskExecutions ?? 100,
    maxConcurrentWorkflowTaskExecutions: o.maxConcurrentWorkflowTaskExecutions ?? 100,
    ...(o.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: o.maxCachedWorkflows } : {}),
    ...(o.workflowThreadPoolSize !== undefined ? { workflowThreadPoolSize: o.workflowThreadPoolSize } : {}),
  });
  try {
    const delivery = await Worker.create({
      connection: o.connection,
      namespace: o.config.temporalNamespace,
      taskQueue: o.config.deliveryTaskQueue,
      activities: Object.fromEntries(DEVELOPER_FACING.map((name) => [name, activities[name]])),
      maxConcurrentActivityTaskExecutions: o.maxConcurrentDeliveries ?? o.config.workerMaxConcurrentDeliveries,
    });
    return { main, delivery };
  } catch (err) {
    await disposeUnstarted(main);
    throw err;
  }
}

/**
 * Releases a Worker that was created but will never run: its workflow threads, its native worker and
 * its hold on the connection (which refuses to close while a Worker holds it). The SDK frees them
 * only at the end of run(), so it is run and shut down at once.
 */
async function disposeUnstarted(worker: Worker): Promise<void> {
  await worker.runUntil(Promise.resolve());
}
