// The task queue of the calls to a game developer's endpoint (a delivery attempt, a redelivery, a
// refund notice): their own (DELIVERY_TASK_QUEUE), served by a Worker with its own activity slots
// (worker/create-worker.ts). An endpoint that hangs for its 10 s timeout then fills those slots
// only, and the payment path's activities (the PAID row of a callback, the confirmation) keep
// theirs. Keep it free of Node-only imports: it is bundled into the workflow sandbox.
import { patched, type ActivityOptions } from '@temporalio/workflow';

/**
 * patched() ID of the developer-facing activities on the delivery task queue. A scheduled
 * activity's task queue is in the workflow's command, so runs recorded before it keep the
 * workflow's own queue when they replay.
 */
export const DELIVERY_TASK_QUEUE_PATCH = 'delivery-task-queue';

/**
 * `options` for an activity that calls the developer's endpoint: on `deliveryTaskQueue` (from the
 * workflow's input: the API's SEPARATE_DELIVERY_QUEUE and DELIVERY_TASK_QUEUE when it started)
 * behind the patch; on the workflow's own queue for inputs without one (started before, or with
 * the setting off) and for runs recorded before the patch. Call once per run, where the first
 * such activity is about to be scheduled, and keep the result: patched() answers false for the
 * whole replayed part of an older run, true in its new part. `applies` is patched() unless the
 * workflow type asks no patches (purchaseV2, workflows/purchase.ts).
 */
export function developerFacing(
  options: ActivityOptions,
  deliveryTaskQueue: string | undefined,
  applies: (patchId: string) => boolean = patched,
): ActivityOptions {
  if (deliveryTaskQueue === undefined || !applies(DELIVERY_TASK_QUEUE_PATCH)) return options;
  return { ...options, taskQueue: deliveryTaskQueue };
}
