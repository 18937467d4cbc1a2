// Load shapes: a closed loop (N workers, each starting its next iteration when the last one is
// done, for a fixed time) and an open loop (iterations started at a fixed rate, whatever the
// answers). Both are bounded in time and wait for what they started before they return. The open
// loop hands each iteration the time it was meant to start, so latency can be measured from it:
// a call that starts late (the load process busy, or too many in flight) counts its delay, where
// a clock started at the send would hide it (coordinated omission).
import { performance } from 'node:perf_hooks';

/** What one iteration reports; `doneAt` is performance.now() when it completed. */
export interface Done {
  doneAt: number;
}

export interface LoopError {
  message: string;
  count: number;
}

export interface LoopResult<S extends Done> {
  samples: S[];
  /** performance.now() at the start. */
  startedAt: number;
  /** When the loop stopped starting iterations. */
  stoppedAt: number;
  /** When the last iteration had finished. */
  endedAt: number;
  /** Iterations that completed inside [startedAt, stoppedAt], per second of that window. */
  ratePerSec: number;
  errorCount: number;
  /** Distinct error messages (first 20) with their counts. */
  errors: LoopError[];
  /** Open loop only: slots not started because maxInFlight iterations were still running. */
  skipped: number;
  launched: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class ErrorLog {
  count = 0;
  private byMessage = new Map<string, number>();
  add(err: unknown): void {
    this.count++;
    const message = (err instanceof Error ? err.message : String(err)).slice(0, 300);
    if (this.byMessage.has(message) || this.byMessage.size < 20) {
      this.byMessage.set(message, (this.byMessage.get(message) ?? 0) + 1);
    }
  }
  list(): LoopError[] {
    return [...this.byMessage].map(([message, count]) => ({ message, count }));
  }
}

function result<S extends Done>(
  samples: S[],
  startedAt: number,
  stoppedAt: number,
  errors: ErrorLog,
  extra: { skipped: number; launched: number },
): LoopResult<S> {
  const inWindow = samples.filter((s) => s.doneAt <= stoppedAt).length;
  return {
    samples,
    startedAt,
    stoppedAt,
    endedAt: performance.now(),
    ratePerSec: inWindow / ((stoppedAt - startedAt) / 1000),
    errorCount: errors.count,
    errors: errors.list(),
    ...extra,
  };
}

export async function closedLoop<S extends Done>(o: {
  concurrency: number;
  durationMs: number;
  iterate: (worker: number, seq: number) => Promise<S>;
  /** Pause after a failed iteration, so a broken system is not hammered in a tight loop. */
  errorBackoffMs?: number;
}): Promise<LoopResult<S>> {
  const samples: S[] = [];
  const errors = new ErrorLog();
  const startedAt = performance.now();
  const stoppedAt = startedAt + o.durationMs;
  let launched = 0;
  await Promise.all(
    Array.from({ length: o.concurrency }, async (_, worker) => {
      let seq = 0;
      while (performance.now() < stoppedAt) {
        launched++;
        try {
          samples.push(await o.iterate(worker, seq++));
        } catch (err) {
          errors.add(err);
          await sleep(o.errorBackoffMs ?? 100);
        }
      }
    }),
  );
  return result(samples, startedAt, stoppedAt, errors, { skipped: 0, launched });
}

export async function openLoop<S extends Done>(o: {
  ratePerSec: number;
  durationMs: number;
  /** Never more than this many iterations at once; a slot due while they run is skipped (counted). */
  maxInFlight: number;
  /**
   * `seq` is the iteration's slot in the schedule (skipped slots included); `intendedAt` is
   * performance.now() of the slot, startedAt + seq * 1000 / ratePerSec, when it was meant to start.
   */
  iterate: (seq: number, intendedAt: number) => Promise<S>;
}): Promise<LoopResult<S>> {
  const samples: S[] = [];
  const errors = new ErrorLog();
  const running = new Set<Promise<void>>();
  const startedAt = performance.now();
  const stoppedAt = startedAt + o.durationMs;
  const intervalMs = 1000 / o.ratePerSec;
  let launched = 0;
  let skipped = 0;
  for (let seq = 0; startedAt + seq * intervalMs < stoppedAt; seq++) {
    const intendedAt = startedAt + seq * intervalMs;
    // Sleep to the slot (a timer may fire a little early: sleep again).
    for (let wait = intendedAt - performance.now(); wait > 0; wait = intendedAt - performance.now()) await sleep(wait);
    if (running.size >= o.maxInFlight) {
      skipped++;
      continue;
    }
    launched++;
    const p: Promise<void> = o
      .iterate(seq, intendedAt)
      .then(
        (s) => void samples.push(s),
        (err) => errors.add(err),
      )
      .finally(() => running.delete(p));
    running.add(p);
  }
  // The window ends at the stop time, not at the last slot.
  const wait = stoppedAt - performance.now();
  if (wait > 0) await sleep(wait);
  await Promise.all(running);
  return result(samples, startedAt, stoppedAt, errors, { skipped, launched });
}
