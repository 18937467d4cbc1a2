// Where a purchase's time goes on the server, from its workflow history: the payment request
// (start to the requestPayment update's completion) and the payment callback (the workflow task
// that accepts recordPayment to that update's completion), each split into workflow-task queue
// and run time, activity-task queue and run time. The updates are found by name and their
// completions by update id, not by position (a duplicate request or callback adds updates of its
// own). A local activity runs inside its workflow task, so its time counts as that task's run
// time; localActivityMs says how much of it the local activities took (from their markers).
// Event times are the server's; what a client sees on top of this is the API, the HTTP hop and
// the gRPC calls.
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Timestamp = { seconds?: unknown; nanos?: unknown } | null | undefined;
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
  /** The part of workflowTaskRunMs the local activities ran (see localActivityRunMs). */
  localActivityMs: number;
  activityQueueMs: number;
  activityRunMs: number;
}

export interface PurchaseSteps {
  request: PathSteps;
  callback: PathSteps;
  events: number;
}

/** Milliseconds of a protobuf timestamp (Long or number seconds), with the fraction. */
const tsMs = (t: Timestamp): number => (t ? Number(t.seconds ?? 0) * 1000 + Number(t.nanos ?? 0) / 1e6 : Number.NaN);
const ms = (e: HistoryEvent): number => Math.floor(tsMs(e.eventTime));
const idOf = (v: unknown) => Number(v);
const has = (e: HistoryEvent, k: (typeof E)[keyof typeof E]) => e[k] !== undefined && e[k] !== null;

/** The JSON in a core_local_activity marker's `data` detail (sdk-core's LocalActivityMarkerData). */
interface LocalActivityMarkerData {
  seq?: number;
  activity_type?: string;
  complete_time?: Timestamp;
  original_schedule_time?: Timestamp;
}

function markerData(e: HistoryEvent): LocalActivityMarkerData | undefined {
  const bytes = e.markerRecordedEventAttributes?.details?.['data']?.payloads?.[0]?.data;
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as LocalActivityMarkerData;
  } catch {
    return undefined;
  }
}

/**
 * How long each local activity of the path ran, from its marker. The marker has no duration and
 * its two times are on different clocks: original_schedule_time is the worker's wall clock when
 * the workflow first scheduled it, while complete_time is the workflow time at that moment plus
 * the activity's run time (sdk-core: from its dispatch to the worker's activity executor to its
 * result, last attempt only). Workflow time is the workflow task's started event time, moved up
 * to each local activity's complete_time as it resolves; so for local activities run one after
 * the other in one task (vpay's request steps) each one's run time is its complete_time minus the
 * later of the task's start and the previous marker's complete_time. For local activities run side
 * by side this under-counts (each is measured from the previous one's end).
 */
function localActivityRunMs(events: HistoryEvent[], from: number, to: number, byId: Map<number, HistoryEvent>): number {
  let total = 0;
  const lastByTask = new Map<number, number>();
  for (let i = from; i <= to; i++) {
    const e = events[i];
    if (!has(e, E.marker) || e.markerRecordedEventAttributes!.markerName !== 'core_local_activity') continue;
    const completedAt = tsMs(markerData(e)?.complete_time);
    const taskId = idOf(e.markerRecordedEventAttributes!.workflowTaskCompletedEventId);
    const taskStarted = byId.get(idOf(byId.get(taskId)?.workflowTaskCompletedEventAttributes?.startedEventId));
    const since = Math.max(lastByTask.get(taskId) ?? Number.NEGATIVE_INFINITY, taskStarted ? tsMs(taskStarted.eventTime) : Number.NaN);
    if (!Number.isFinite(completedAt) || !Number.isFinite(since)) continue;
    total += Math.max(0, completedAt - since);
    lastByTask.set(taskId, completedAt);
  }
  return total;
}

/** The breakdown of events [from, to] (indexes into the history, `to` the update's completion). */
function pathSteps(events: HistoryEvent[], from: number, to: number, byId: Map<number, HistoryEvent>): PathSteps {
  const steps: PathSteps = {
    totalMs: ms(events[to]) - ms(events[from]),
    workflowTasks: 0,
    activityTasks: 0,
    localActivities: 0,
    workflowTaskQueueMs: 0,
    workflowTaskRunMs: 0,
    localActivityMs: localActivityRunMs(events, from, to, byId),
    activityQueueMs: 0,
    activityRunMs: 0,
  };
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

/** The first accepted update named `name`: its acceptance's index and its completion's (-1 if none). */
function update(events: HistoryEvent[], name: string): { accepted: number; completed: number } | undefined {
  const accepted = events.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name);
  if (accepted < 0) return undefined;
  const id = events[accepted].workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest?.meta?.updateId;
  const completed = events.findIndex(
    (e) => has(e, E.updateCompleted) && e.workflowExecutionUpdateCompletedEventAttributes!.meta?.updateId === id,
  );
  return { accepted, completed };
}

/** The request and callback paths of a purchase's history (undefined if it never got paid). */
export function purchaseSteps(events: HistoryEvent[]): PurchaseSteps | undefined {
  const request = update(events, 'requestPayment');
  const callback = update(events, 'recordPayment');
  if (!request || !callback || request.completed < 0 || callback.completed < 0) return undefined;
  // The callback's path starts at the workflow task that accepted it (the task scheduled for it).
  let cbFrom = callback.accepted;
  while (cbFrom > 0 && !has(events[cbFrom], E.wftScheduled)) cbFrom--;
  const byId = new Map<number, HistoryEvent>(events.map((e) => [idOf(e.eventId), e]));
  return {
    request: pathSteps(events, 0, request.completed, byId),
    callback: pathSteps(events, cbFrom, callback.completed, byId),
    events: events.length,
  };
}
