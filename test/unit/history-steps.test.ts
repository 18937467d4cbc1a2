// The benchmark's per-step breakdown (bench/history-steps.ts) over recorded histories: the request
// steps as activity tasks (delivered.json) and as local activities (local-steps-delivered.json).
// The histories may be re-recorded: counts are asserted, times only as derived from the file.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { purchaseSteps, type PathSteps } from '../../bench/history-steps';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const load = (name: string): HistoryEvent[] =>
  historyFromJSON(JSON.parse(fs.readFileSync(path.join(__dirname, '../replay/histories', name), 'utf8'))).events ?? [];

const msOf = (t: { seconds?: unknown; nanos?: unknown } | null | undefined) => Number(t?.seconds) * 1000 + Number(t?.nanos ?? 0) / 1e6;
/** An event's time in whole ms, as the breakdown counts it. */
const at = (e: HistoryEvent) => Math.floor(msOf(e.eventTime));
const accepted = (events: HistoryEvent[], name: string) =>
  events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name);
const completionOf = (events: HistoryEvent[], acceptedEvent: HistoryEvent) =>
  events.find(
    (e) =>
      e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId ===
      acceptedEvent.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.meta!.updateId,
  )!;
/** The workflow task scheduled for an event: the last one scheduled before it. */
const taskScheduledBefore = (events: HistoryEvent[], e: HistoryEvent) =>
  [...events.slice(0, events.indexOf(e))].reverse().find((x) => x.workflowTaskScheduledEventAttributes)!;
const partsMs = (p: PathSteps) => p.workflowTaskQueueMs + p.workflowTaskRunMs + p.activityQueueMs + p.activityRunMs;

test('activity tasks: 4 workflow tasks and 3 activity tasks before the payment request is answered', () => {
  const events = load('delivered.json');
  const s = purchaseSteps(events)!;
  expect(s.request).toMatchObject({ workflowTasks: 4, activityTasks: 3, localActivities: 0, localActivityMs: 0 });
  expect(s.callback).toMatchObject({ workflowTasks: 2, activityTasks: 1, localActivities: 0, localActivityMs: 0 });
  expect(s.events).toBe(events.length);
  // From the start to the requestPayment update's completion; the tasks, one after the other,
  // fit in it (each part is rounded to whole ms on its own: a ms or so each).
  expect(s.request.totalMs).toBe(at(completionOf(events, accepted(events, 'requestPayment')[0])) - at(events[0]));
  expect(s.request.activityRunMs).toBeGreaterThan(0);
  expect(s.request.workflowTaskRunMs).toBeGreaterThan(0);
  expect(partsMs(s.request)).toBeLessThanOrEqual(s.request.totalMs + 8);
  // From the task that accepted recordPayment to that update's completion.
  const cb = accepted(events, 'recordPayment')[0];
  expect(s.callback.totalMs).toBe(at(completionOf(events, cb)) - at(taskScheduledBefore(events, cb)));
});

test('local steps: one workflow task with 3 local activities answers the payment request', () => {
  const events = load('local-steps-delivered.json');
  const s = purchaseSteps(events)!;
  expect(s.request).toMatchObject({ workflowTasks: 1, activityTasks: 0, localActivities: 3 });
  expect(s.callback).toMatchObject({ workflowTasks: 2, activityTasks: 1, localActivities: 0, localActivityMs: 0 });
  // All of the request's server time is that one task's queue and run time (the update's
  // completion is written a few ms after the task's, in the same transaction's events).
  const outside = s.request.totalMs - (s.request.workflowTaskQueueMs + s.request.workflowTaskRunMs);
  expect(outside).toBeGreaterThanOrEqual(0);
  expect(outside).toBeLessThanOrEqual(5);
  // The local activities ran one after the other in that task: together, from the task's start
  // (the workflow time they began at) to the last one's complete_time in its marker.
  const markers = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  const last = JSON.parse(Buffer.from(markers.at(-1)!.markerRecordedEventAttributes!.details!['data'].payloads![0].data!).toString());
  const taskStarted = events.find((e) => e.workflowTaskStartedEventAttributes)!;
  expect(s.request.localActivityMs).toBeGreaterThan(0);
  expect(s.request.localActivityMs).toBeCloseTo(msOf(last.complete_time) - msOf(taskStarted.eventTime), 6);
  expect(s.request.localActivityMs).toBeLessThanOrEqual(s.request.workflowTaskRunMs + 1);
});

test('the updates are told apart by name and id: duplicate callbacks end at the first one', () => {
  const events = load('duplicate-callbacks.json');
  expect(accepted(events, 'recordPayment').length).toBeGreaterThan(1);
  const s = purchaseSteps(events)!;
  const first = accepted(events, 'recordPayment')[0];
  expect(s.callback.totalMs).toBe(at(completionOf(events, first)) - at(taskScheduledBefore(events, first)));
  expect(s.callback.activityTasks).toBe(1);
});

test('a repeated payment request between the request and the callback changes nothing', () => {
  const events = load('delivered.json');
  const reqAccepted = accepted(events, 'requestPayment')[0];
  const reqCompleted = completionOf(events, reqAccepted);
  const cbIndex = events.indexOf(accepted(events, 'recordPayment')[0]);
  // A second requestPayment update (another id) accepted and completed just before the callback.
  const again = (e: HistoryEvent, eventId: number, attrs: object): HistoryEvent => ({ ...e, eventId: eventId as never, ...attrs });
  const repeated: HistoryEvent[] = [
    again(reqAccepted, 9001, {
      workflowExecutionUpdateAcceptedEventAttributes: {
        ...reqAccepted.workflowExecutionUpdateAcceptedEventAttributes,
        acceptedRequest: {
          ...reqAccepted.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest,
          meta: { updateId: 'repeated-request' },
        },
      },
    }),
    again(reqCompleted, 9002, {
      workflowExecutionUpdateCompletedEventAttributes: {
        ...reqCompleted.workflowExecutionUpdateCompletedEventAttributes,
        meta: { updateId: 'repeated-request' },
      },
    }),
  ];
  const withRepeat = [...events.slice(0, cbIndex), ...repeated, ...events.slice(cbIndex)];
  const plain = purchaseSteps(events)!;
  expect(purchaseSteps(withRepeat)).toEqual({ ...plain, events: events.length + 2 });
});

test('a purchase never paid, or a refund, has no callback path', () => {
  expect(purchaseSteps(load('closed-payment-timeout.json'))).toBeUndefined();
  expect(purchaseSteps(load('refund-game.json'))).toBeUndefined();
});
