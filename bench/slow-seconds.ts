// Scenario 1d second by second: what slows the payment path while one developer's endpoint is
// slow? Each slow step records, per second, the stack's cores and how many of the slow app's
// attempts ended (timed out), and each of the measured app's purchases' intended start and
// latencies; this sets beside them, per second, the requests meant to be sent in it and the
// measured app's deliveries received in it. Pure, so a test can feed it numbers.
import { summarize, type Summary } from './stats';
import { timedSamples } from './crash-timeline';
import { SOCKETS_PER_ORIGIN } from '../lib/outbound/safe-post';

/** What one step kept (bench/scenarios/slow-developer.ts's Step, the fields used here). */
export interface SecondsOfStep {
  coresPerSecond?: number[];
  slowEndedPerSecond?: number[];
  stats: { raw?: { startMs?: number[]; reqMs: number[]; wholeMs: number[] } };
}

export interface Second {
  /** Seconds since the step began. */
  second: number;
  /** The slow app's attempts that ended (timed out) in this second. */
  slowEnded: number;
  cores: number;
  /** How long each payment request meant to be sent in this second took (ms, from that intent). */
  reqMs: number[];
  /** The measured app's purchases (of this step) whose delivery arrived in this second. */
  delivered: number;
}

/**
 * A second follows a wave of timeouts when at least this many slow attempts ended in it or in the
 * second before (a failure's workflow task and timer come just after it): a quarter of the
 * sockets one origin gets (lib/outbound/safe-post.ts SOCKETS_PER_ORIGIN, 64).
 */
export const WAVE_ENDED = SOCKETS_PER_ORIGIN / 4;
/**
 * A second follows a drain when, in it or one of the two seconds before, the measured app got more
 * than this many times its offered rate of deliveries: deliveries held back (waiting for a
 * delivery slot) arriving together, each with its workflow's last tasks.
 */
export const DRAIN_FACTOR = 1.5;

/**
 * The step's seconds; [] for runs that did not record them. Only whole seconds are sampled, so the
 * last deliveries of a step, arriving in the part second before its end, are not counted.
 */
export function secondsOf(step: SecondsOfStep): Second[] {
  const cores = step.coresPerSecond;
  const ended = step.slowEndedPerSecond;
  const samples = timedSamples(step.stats.raw);
  if (!cores?.length || !ended?.length || samples.length === 0) return [];
  const within = (ms: number, i: number) => ms >= i * 1000 && ms < (i + 1) * 1000;
  return Array.from({ length: Math.min(cores.length, ended.length) }, (_, i) => ({
    second: i,
    slowEnded: ended[i],
    cores: cores[i],
    reqMs: samples.filter((s) => within(s.startMs, i)).map((s) => s.reqMs),
    delivered: samples.filter((s) => within(s.startMs + s.wholeMs, i)).length,
  }));
}

export type SecondKind = 'drain and wave' | 'drain' | 'wave' | 'other';
export const SECOND_KINDS: readonly SecondKind[] = ['drain and wave', 'drain', 'wave', 'other'];

/**
 * What came just before second i: a drain of held-back deliveries (in it or the two seconds
 * before), a wave of timeouts (in it or the second before), both, or neither.
 */
export function kindOf(seconds: Second[], i: number, offeredPerSec: number): SecondKind {
  const back = (n: number) => seconds.slice(Math.max(0, i - n), i + 1);
  const drain = back(2).some((s) => s.delivered > DRAIN_FACTOR * offeredPerSec);
  const wave = back(1).some((s) => s.slowEnded >= WAVE_ENDED);
  return drain && wave ? 'drain and wave' : drain ? 'drain' : wave ? 'wave' : 'other';
}

export interface SecondsPooled {
  seconds: number;
  meanCores: number;
  req: Summary;
}

/**
 * The slow steps' seconds by kind, pooled over the steps: their mean cores and the requests meant
 * to be sent in them. Undefined for runs that did not record seconds.
 */
export function byKind(steps: SecondsOfStep[], offeredPerSec: number): Record<SecondKind, SecondsPooled> | undefined {
  const tagged = steps.flatMap((st) => {
    const seconds = secondsOf(st);
    return seconds.map((sec, i) => ({ sec, kind: kindOf(seconds, i, offeredPerSec) }));
  });
  if (tagged.length === 0) return undefined;
  const pool = (kind: SecondKind): SecondsPooled => {
    const chosen = tagged.filter((t) => t.kind === kind).map((t) => t.sec);
    return {
      seconds: chosen.length,
      meanCores: chosen.reduce((sum, c) => sum + c.cores, 0) / Math.max(1, chosen.length),
      req: summarize(chosen.flatMap((c) => c.reqMs)),
    };
  };
  return Object.fromEntries(SECOND_KINDS.map((k) => [k, pool(k)])) as Record<SecondKind, SecondsPooled>;
}
