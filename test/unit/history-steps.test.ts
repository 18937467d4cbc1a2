// The benchmark's per-step breakdown (bench/history-steps.ts) over two recorded histories: the
// request steps as activity tasks (delivered.json) and as local activities (local-steps-delivered.json).
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { purchaseSteps } from '../../bench/history-steps';

const load = (name: string) =>
  historyFromJSON(JSON.parse(fs.readFileSync(path.join(__dirname, '../replay/histories', name), 'utf8'))).events ?? [];

test('activity tasks: 4 workflow tasks and 3 activity tasks before the payment request is answered', () => {
  const s = purchaseSteps(load('delivered.json'))!;
  expect(s.request).toMatchObject({ workflowTasks: 4, activityTasks: 3, localActivities: 0 });
  expect(s.callback).toMatchObject({ workflowTasks: 2, activityTasks: 1, localActivities: 0 });
  // delivered.json: 181 ms from the start to the answer, 91 ms of it the first (cold) workflow task.
  expect(s.request.totalMs).toBe(181);
  expect(s.request.workflowTaskQueueMs + s.request.workflowTaskRunMs).toBeGreaterThanOrEqual(86 + 10 + 10 + 11);
  expect(s.request.activityRunMs).toBe(26 + 10 + 9);
  expect(s.events).toBe(55);
});

test('local steps: one workflow task with 3 local activities answers the payment request', () => {
  const s = purchaseSteps(load('local-steps-delivered.json'))!;
  expect(s.request).toMatchObject({ workflowTasks: 1, activityTasks: 0, localActivities: 3 });
  expect(s.callback).toMatchObject({ workflowTasks: 2, activityTasks: 1, localActivities: 0 });
  // All of the request's server time is that one task's queue and run time (the update's
  // completion is written a few ms after the task's, in the same transaction's events).
  const outside = s.request.totalMs - (s.request.workflowTaskQueueMs + s.request.workflowTaskRunMs);
  expect(outside).toBeGreaterThanOrEqual(0);
  expect(outside).toBeLessThanOrEqual(5);
});

test('a purchase never paid has no callback path', () => {
  expect(purchaseSteps(load('closed-payment-timeout.json'))).toBeUndefined();
});
