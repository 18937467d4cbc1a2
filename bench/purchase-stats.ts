// Turns a load loop's purchase samples into the figures the report shows (and the raw samples).
import type { LoopResult } from './loops';
import type { PurchaseSample } from './purchaser';
import type { PurchaseStats } from './agent-protocol';
import { perSecond, summarize } from './stats';

const round = (v: number) => Math.round(v * 100) / 100;

/** `raw`: the samples too; 'timeline' adds each one's start (ms since the loop's start), for a latency-over-time view. */
export function purchaseStats(
  r: LoopResult<PurchaseSample>,
  raw: boolean | 'timeline',
  retried503: PurchaseStats['retried503'] = { payment: 0, callback: 0, shed: 0, shedAnswers: 0 },
): PurchaseStats {
  const reqMs = r.samples.map((s) => s.reqMs);
  const cbMs = r.samples.map((s) => s.cbMs);
  const c2dMs = r.samples.map((s) => s.c2dMs);
  const s2dMs = r.samples.map((s) => s.s2dMs);
  const wholeMs = r.samples.map((s) => s.wholeMs);
  return {
    ratePerSec: r.ratePerSec,
    completed: r.samples.length,
    launched: r.launched,
    skipped: r.skipped,
    errorCount: r.errorCount,
    errors: r.errors,
    retried503,
    windowSec: (r.stoppedAt - r.startedAt) / 1000,
    elapsedSec: (r.endedAt - r.startedAt) / 1000,
    req: summarize(reqMs),
    cb: summarize(cbMs),
    c2d: summarize(c2dMs),
    s2d: summarize(s2dMs),
    whole: summarize(wholeMs),
    perSecond: perSecond(
      r.samples.map((s) => s.doneAt),
      r.startedAt,
    ),
    ...(raw
      ? {
          raw: {
            reqMs: reqMs.map(round),
            cbMs: cbMs.map(round),
            c2dMs: c2dMs.map(round),
            s2dMs: s2dMs.map(round),
            wholeMs: wholeMs.map(round),
            ...(raw === 'timeline' ? { startMs: r.samples.map((s) => Math.round(s.startAt - r.startedAt)) } : {}),
          },
        }
      : {}),
  };
}
