// The crash scenario's arithmetic: from an open loop's samples (each purchase's start and
// latencies) and the kill times, how each kill showed up for the purchases started after it, and
// a coarse timeline of the whole run.
import { summarize, type Summary } from './stats';

export interface TimedSample {
  /** Intended start, ms after the loop's start. */
  startMs: number;
  reqMs: number;
  wholeMs: number;
}

/** The samples of a loop's raw 'timeline' data. */
export function timedSamples(raw: { startMs?: number[]; reqMs: number[]; wholeMs: number[] } | undefined): TimedSample[] {
  if (!raw?.startMs) return [];
  return raw.startMs.map((startMs, i) => ({ startMs, reqMs: raw.reqMs[i], wholeMs: raw.wholeMs[i] })).sort((a, b) => a.startMs - b.startMs);
}

export interface KillImpact {
  what: string;
  /** ms after the loop's start. */
  atMs: number;
  /** The whole-purchase latency above which a purchase counts as slowed: 2 × the p99 before the first kill, at least that p99 + 1 s. */
  thresholdMs: number;
  /** Purchases delivered from this kill to the next one (or the end): in flight at the kill or started after it. */
  purchases: number;
  slowed: number;
  /** The last slowed purchase started this long after the kill (0: none slowed, or only ones in flight at the kill). */
  slowWindowMs: number;
  /** The last slowed purchase was delivered this long after the kill: when the backlog the kill made was gone. */
  caughtUpMs: number;
  whole: Summary;
  req: Summary;
}

/**
 * A purchase belongs to the last kill before its delivery: one in flight at a kill is hit by it,
 * and one started just before the next kill and delivered after it is that kill's.
 */
export function killImpact(samples: TimedSample[], what: string, atMs: number, untilMs: number, baselineP99: number): KillImpact {
  const thresholdMs = Math.max(2 * baselineP99, baselineP99 + 1_000);
  const end = (s: TimedSample) => s.startMs + s.wholeMs;
  const mine = samples.filter((s) => end(s) >= atMs && end(s) < untilMs);
  const slow = mine.filter((s) => s.wholeMs > thresholdMs);
  return {
    what,
    atMs,
    thresholdMs,
    purchases: mine.length,
    slowed: slow.length,
    slowWindowMs: slow.length ? Math.max(0, Math.max(...slow.map((s) => s.startMs)) - atMs) : 0,
    caughtUpMs: slow.length ? Math.max(...slow.map(end)) - atMs : 0,
    whole: summarize(mine.map((s) => s.wholeMs)),
    req: summarize(mine.map((s) => s.reqMs)),
  };
}

export interface Bucket {
  fromMs: number;
  started: number;
  whole: Summary;
  req: Summary;
}

/** Purchases by start time in buckets of `bucketMs`. */
export function timeline(samples: TimedSample[], bucketMs: number, durationMs: number): Bucket[] {
  const out: Bucket[] = [];
  for (let from = 0; from < durationMs; from += bucketMs) {
    const inside = samples.filter((s) => s.startMs >= from && s.startMs < from + bucketMs);
    out.push({
      fromMs: from,
      started: inside.length,
      whole: summarize(inside.map((s) => s.wholeMs)),
      req: summarize(inside.map((s) => s.reqMs)),
    });
  }
  return out;
}
