// Are vpay's task queues polled? A purchase whose delivery is scheduled on a task queue no worker
// polls waits for ever without an error anywhere (the API and the workers disagreeing on
// DELIVERY_TASK_QUEUE, or the name changed while purchases were open). Temporal's
// describeTaskQueue lists the pollers it saw on a queue in the last few minutes; reconciliation
// (`npm run reconcile`) reports them, and a finding when workers poll the workflow task queue but
// none polls the delivery task queue for activities. No worker on either queue is not a finding:
// reconciliation may run while the workers are down (an outage shows as stuck orders instead).
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = temporal.api.enums.v1.TaskQueueType;

export interface QueuePollers {
  /** `workflow`: TEMPORAL_TASK_QUEUE; `delivery`: DELIVERY_TASK_QUEUE. */
  role: 'workflow' | 'delivery';
  taskQueue: string;
  type: 'workflow' | 'activity';
  /** Pollers Temporal saw in the last few minutes. */
  pollers: number;
  /** The latest of their polls, if any. */
  lastPollAt: string | null;
}

export interface QueueFinding {
  kind: 'delivery_queue_unpolled';
  taskQueue: string;
  detail: string;
}

export interface QueueReport {
  queues: QueuePollers[];
  findings: QueueFinding[];
}

export async function checkTaskQueues(
  client: Client,
  o: { namespace: string; taskQueue: string; deliveryTaskQueue: string },
): Promise<QueueReport> {
  const describe = async (role: QueuePollers['role'], taskQueue: string, type: QueuePollers['type']): Promise<QueuePollers> => {
    const r = await client.workflowService.describeTaskQueue({
      namespace: o.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: type === 'workflow' ? TASK_QUEUE_TYPE_WORKFLOW : TASK_QUEUE_TYPE_ACTIVITY,
    });
    const polls = (r.pollers ?? []).map((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000).filter((ms) => ms > 0);
    const lastPollAt = polls.length ? new Date(Math.max(...polls)).toISOString() : null;
    return { role, taskQueue, type, pollers: r.pollers?.length ?? 0, lastPollAt };
  };
  const queues = await Promise.all([
    describe('workflow', o.taskQueue, 'workflow'),
    describe('workflow', o.taskQueue, 'activity'),
    describe('delivery', o.deliveryTaskQueue, 'activity'),
  ]);
  const [workflows, , deliveries] = queues;
  const findings: QueueFinding[] = [];
  if (workflows!.pollers > 0 && deliveries!.pollers === 0) {
    findings.push({
      kind: 'delivery_queue_unpolled',
      taskQueue: o.deliveryTaskQueue,
      detail:
        `workers poll ${o.taskQueue} but none polled ${o.deliveryTaskQueue} for activities in the last few minutes: ` +
        'deliveries, redeliveries and refund notices scheduled there wait until a worker with that DELIVERY_TASK_QUEUE runs',
    });
  }
  return { queues, findings };
}
