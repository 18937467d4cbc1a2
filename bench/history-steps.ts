// Where a purchase's time goes on the server, from its workflow history: the payment request
// (start to the requestPayment update's completion) and the payment callback (the workflow task
// that accepts recordPayment to that update's completion), each split into workflow-task queue
// and run time, activity-task queue and run time. A local activity runs inside its workflow task,
// so its time counts as that task's run time. Event times are the server's; what a client sees
// on top of this is the API, the HTTP hop and the gRPC calls.
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const E = {
  wftScheduled: 'workflowTaskScheduledEventAttributes',
  wftStarted: 'workflowTaskStartedEventAttributes',
  wftCompleted: 'workflowTaskCompletedEventAttributes',
  atScheduled: 'activityTaskScheduledEventAttributes',
  atStarted: 'activityTaskStartedEventAttributes',
  atCompleted: 'activityTaskCompletedEventAttributes',
  updateAccepted: 'workflowExecutionUpdateAcceptedEventAttributes',
  updateCompleted: 'workflowExecutionUpdateCompletedEventAttributes',
  marker: 'markerRecordedEventAttributes',
} as const;

export interface PathSteps {
  /** Server time from the path's first event to the update's completion. */
  totalMs: number;
  workflowTasks: number;
  activityTasks: number;
  localActivities: number;
  /** Scheduled -> started, summed over the path's workflow tasks. */
  workflowTaskQueueMs: number;
  /** Started -> completed (local activities included). */
  workflowTaskRunMs: number;
  activityQueueMs: number;
  activityRunMs: number;
}

export interface PurchaseSteps {
  request: PathSteps;
  callback: PathSteps;
  events: number;
}

const ms = (e: HistoryEvent): number => {
  const t = e.eventTime;
  if (!t) return Number.NaN;
  return Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
};
const idOf = (v: unknown) => Number(v);
const has = (e: HistoryEvent, k: (typeof E)[keyof typeof E]) => e[k] !== undefined && e[k] !== null;

/** The breakdown of events [from, to] (indexes into the history, `to` the update's completion). */
function pathSteps(events: HistoryEvent[], from: number, to: number): PathSteps {
  const steps: PathSteps = {
    totalMs: ms(events[to]) - ms(events[from]),
    workflowTasks: 0,
    activityTasks: 0,
    localActivities: 0,
    workflowTaskQueueMs: 0,
    workflowTaskRunMs: 0,
    activityQueueMs: 0,
    activityRunMs: 0,
  };
  const byId = new Map<number, HistoryEvent>(events.map((e) => [idOf(e.eventId), e]));
  for (let i = from; i <= to; i++) {
    const e = events[i];
    if (has(e, E.wftCompleted)) {
      const started = byId.get(idOf(e.workflowTaskCompletedEventAttributes!.startedEventId));
      const scheduled = byId.get(idOf(e.workflowTaskCompletedEventAttributes!.scheduledEventId));
      steps.workflowTasks++;
      if (started) steps.workflowTaskRunMs += ms(e) - ms(started);
      if (started && scheduled) steps.workflowTaskQueueMs += ms(started) - ms(scheduled);
    } else if (has(e, E.atCompleted)) {
      const started = byId.get(idOf(e.activityTaskCompletedEventAttributes!.startedEventId));
      const scheduled = byId.get(idOf(e.activityTaskCompletedEventAttributes!.scheduledEventId));
      steps.activityTasks++;
      if (started) steps.activityRunMs += ms(e) - ms(started);
      if (started && scheduled) steps.activityQueueMs += ms(started) - ms(scheduled);
    } else if (has(e, E.marker) && e.markerRecordedEventAttributes!.markerName === 'core_local_activity') {
      steps.localActivities++;
    }
  }
  return steps;
}

/** The request and callback paths of a purchase's history (undefined if it never got paid). */
export function purchaseSteps(events: HistoryEvent[]): PurchaseSteps | undefined {
  const completed = events.flatMap((e, i) => (has(e, E.updateCompleted) ? [i] : []));
  const accepted = events.flatMap((e, i) => (has(e, E.updateAccepted) ? [i] : []));
  if (completed.length < 2 || accepted.length < 2) return undefined;
  // The callback's path starts at the workflow task that accepted it (the task scheduled for it).
  let cbFrom = accepted[1];
  while (cbFrom > 0 && !has(events[cbFrom], E.wftScheduled)) cbFrom--;
  return { request: pathSteps(events, 0, completed[0]), callback: pathSteps(events, cbFrom, completed[1]), events: events.length };
}
