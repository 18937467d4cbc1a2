// Builds the Temporal worker that runs purchases: the workflows bundle plus the activities,
// wired to their dependencies.
import { NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';

export interface WorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  /** A prebuilt bundle (tests and benchmarks build it once); otherwise bundled at start. */
  workflowBundle?: WorkflowBundleOption;
  /** Tuning, see docs/OPERATIONS.md. */
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
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
  });
}
