// The task queues a purchase's, refund's and redelivery's activities run on. Calls to the game
// developer's endpoint (a delivery attempt, a redelivery, a refund notice) run on their own queue,
// served by a Worker with its own activity slots (worker/create-worker.ts): an endpoint that hangs
// for its 10 s timeout then fills those slots only, and the payment path's activities (the PAID
// row of a callback, the confirmation) keep theirs. Keep it free of Node-only imports: it is
// bundled into the workflow sandbox.
import { patched, workflowInfo, type ActivityOptions } from '@temporalio/workflow';

/**
 * patched() ID of the developer-facing activities on the delivery task queue. A scheduled
 * activity's task queue is in the workflow's command, so runs recorded before it keep the
 * workflow's own queue when they replay.
 */
export const DELIVERY_TASK_QUEUE_PATCH = 'delivery-task-queue';

/** The delivery task queue of a workflow task queue: derived, so workflows need no config for it. */
export function deliveryTaskQueue(workflowTaskQueue: string): string {
  return `${workflowTaskQueue}-delivery`;
}

/**
 * `options` for an activity that calls the developer's endpoint: on the delivery task queue in
 * runs that have the patch, on the workflow's own queue in runs recorded before it. Call once per
 * run, where the first such activity is about to be scheduled, and keep the result: patched()
 * answers false for the whole replayed part of an older run, true in its new part.
 */
export function developerFacing(options: ActivityOptions): ActivityOptions {
  if (!patched(DELIVERY_TASK_QUEUE_PATCH)) return options;
  return { ...options, taskQueue: deliveryTaskQueue(workflowInfo().taskQueue) };
}
