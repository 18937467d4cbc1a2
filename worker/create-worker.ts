// Builds the Temporal worker that runs purchases: the workflows bundle plus the activities,
// wired to their dependencies, with its tuning (defaults in docs/OPERATIONS.md).
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';

/** The worker's knobs; unset ones keep vpay's defaults (slots) or the SDK's (cache, threads). */
export interface WorkerTuning {
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxCachedWorkflows?: number;
  workflowThreadPoolSize?: number;
}

export interface WorkerOptions extends ActivityDeps, WorkerTuning {
  connection: NativeConnection;
  /** A prebuilt bundle (tests and benchmarks build it once); otherwise bundled at start. */
  workflowBundle?: WorkflowBundleOption;
}

export const workflowsPath = require.resolve('../workflows');

export async function createWorker(o: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.config.temporalNamespace,
    taskQueue: o.config.taskQueue,
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath }),
    activities: createActivities(o),
    maxConcurrentActivityTaskExecutions: o.maxConcurrentActivityTaskExecutions ?? 100,
    maxConcurrentWorkflowTaskExecutions: o.maxConcurrentWorkflowTaskExecutions ?? 100,
    ...(o.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: o.maxCachedWorkflows } : {}),
    ...(o.workflowThreadPoolSize !== undefined ? { workflowThreadPoolSize: o.workflowThreadPoolSize } : {}),
  });
}
