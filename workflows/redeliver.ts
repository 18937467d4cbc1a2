// One more notification for a DELIVERED order, asked for in the console (CONTRACT.md 7.7) by a
// developer that lost the first: its own small workflow, so the request is durable the moment
// the console answers 202 (a worker restart or a database outage delays it, nothing loses it)
// and shows in the Temporal Web UI beside the purchase. Its ID comes from the purchase's business
// keys (workflows/workflow-ids.ts): two clicks while one runs are one redelivery.
// Keep it free of Node-only imports: it is bundled into the workflow sandbox.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { activityOptions } from './retry-policies';
import { developerFacing } from './task-queues';
import type { RedeliverInput, RedeliveryResult } from './definitions';

export type { RedeliverInput, RedeliveryResult } from './definitions';

export async function redeliver(input: RedeliverInput): Promise<RedeliveryResult> {
  // On the delivery task queue, with the deliveries (workflows/task-queues.ts); runs recorded
  // before the 'delivery-task-queue' patch keep this workflow's queue.
  const { redeliverOrder } = proxyActivities<Activities>(developerFacing(activityOptions.redelivery, input.deliveryTaskQueue));
  return redeliverOrder({ orderId: input.orderId });
}
