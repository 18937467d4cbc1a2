// `npm run reconcile` says whether workers poll vpay's task queues (tools/ops/reconcile-queues.ts):
// clean while the worker polls both; a DELIVERY_TASK_QUEUE nobody polls (the API and the workers
// disagreeing on its name) is a finding, exit 1, since deliveries scheduled there would wait for ever.
import { temporal } from '@temporalio/proto';
import { runReconcileCli } from '../support/reconcile-cli';
import { startVpay, type Vpay } from '../support/vpay';
import { waitFor } from '../support/wait-for';
import type { ReconcileReport } from '../../tools/ops/reconcile';

const { TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY } = temporal.api.enums.v1.TaskQueueType;

let vpay: Vpay;
beforeAll(async () => {
  vpay = await startVpay();
});
afterAll(async () => {
  await vpay?.stop();
});

async function polled(taskQueue: string, taskQueueType: temporal.api.enums.v1.TaskQueueType): Promise<boolean> {
  const r = await vpay.api.client.workflowService.describeTaskQueue({
    namespace: vpay.config.temporalNamespace,
    taskQueue: { name: taskQueue },
    taskQueueType,
  });
  return (r.pollers?.length ?? 0) > 0;
}

test('with the worker polling both queues the report is clean, and lists their pollers', async () => {
  await waitFor('the main Worker polling', () => polled(vpay.config.taskQueue, TASK_QUEUE_TYPE_WORKFLOW));
  await waitFor('the delivery Worker polling', () => polled(vpay.config.deliveryTaskQueue, TASK_QUEUE_TYPE_ACTIVITY));

  const r = await runReconcileCli(vpay, ['--json']);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as ReconcileReport;
  expect(report.queues?.findings).toEqual([]);
  const delivery = report.queues?.queues.find((q) => q.role === 'delivery');
  expect(delivery).toMatchObject({ taskQueue: vpay.config.deliveryTaskQueue, type: 'activity' });
  expect(delivery!.pollers).toBeGreaterThan(0);
  expect(delivery!.lastPollAt).not.toBeNull();
});

test('a DELIVERY_TASK_QUEUE no worker polls is a finding (exit 1), in JSON and in the text report', async () => {
  await waitFor('the main Worker polling', () => polled(vpay.config.taskQueue, TASK_QUEUE_TYPE_WORKFLOW));
  const unpolled = `${vpay.config.taskQueue}-renamed`;

  const r = await runReconcileCli(vpay, ['--json'], { DELIVERY_TASK_QUEUE: unpolled });
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout) as ReconcileReport;
  expect(report.ok).toBe(false);
  expect(report.problems).toEqual([]);
  expect(report.queues?.findings).toEqual([
    { kind: 'delivery_queue_unpolled', taskQueue: unpolled, detail: expect.stringContaining(vpay.config.taskQueue) },
  ]);
  expect(report.queues?.queues.find((q) => q.role === 'delivery')).toMatchObject({ taskQueue: unpolled, pollers: 0, lastPollAt: null });

  const text = await runReconcileCli(vpay, [], { DELIVERY_TASK_QUEUE: unpolled });
  expect(text.code).toBe(1);
  expect(text.stdout).toMatch(
    new RegExp(`^delivery_queue_unpolled\\s+workers poll ${vpay.config.taskQueue} but none polled ${unpolled}`, 'm'),
  );
  expect(text.stdout).toContain('NOT OK: 1 task queue finding(s) need attention');
});
