// What a new workflow's input says about the delivery task queue (workflows/task-queues.ts): its
// name while SEPARATE_DELIVERY_QUEUE is on, nothing (the workflow's own queue) while it is off.
// Copied into the input, like the timings, so a running workflow keeps what it started with.
import type { Config } from '../lib/platform/config';

export function deliveryQueueInput(config: Pick<Config, 'deliveryTaskQueue' | 'separateDeliveryQueue'>): { deliveryTaskQueue?: string } {
  return config.separateDeliveryQueue ? { deliveryTaskQueue: config.deliveryTaskQueue } : {};
}
