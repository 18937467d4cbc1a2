// "What bounds the payment request at light load", for the report's analysis: scenario 1b's
// `npm start` instance against Temporal's floor, from the clients' latencies and the sampled
// histories (bench/history-steps.ts). It splits the request's median into the server's part (the
// workflow task's queue and run, the local activities inside it) and what lies outside the
// history (HTTP, the API's own work, gRPC). The floor's histories are not sampled, so the split
// is vpay's alone. Raw JSON of older runs lacks some fields: undefined then.
import type { PurchaseSteps } from './history-steps';
import { fmt, median, roundsMedian, summarize } from './stats';

/** The light-load targets, as multiples of the floor's answer p99 (scenario 1b judges them). */
export const REQUEST_P99_OVER_FLOOR = 1.5;
export const CALLBACK_P99_OVER_FLOOR = 1;

interface StepsVariant {
  label?: string;
  npmStart?: boolean;
  localSteps?: string;
  reqMs?: number[];
  cbMs?: number[];
  steps?: PurchaseSteps[];
}

/** What scenario 1b (bench/scenarios/steps.ts) records, as far as this reads it. */
export interface StepsRaw {
  floor?: { answerMs?: number[] };
  variants?: StepsVariant[];
  /** One row per side and round (bench/scenarios/steps.ts RoundRow); the floor's side is 'floor'. */
  rounds?: Array<{ round: number; side: string; req?: { p99?: number }; cb?: { p99?: number } }>;
}

/**
 * The light-load ratios round by round: each round's p99 against the floor's p99 in the same
 * round. A round has some 60 calls, so its p99 is about its slowest call; the targets are judged on
 * the pooled p99, and this says how far single rounds stray from it.
 */
export function roundRatios(raw: StepsRaw | undefined, label: string | undefined): { req: number[]; cb: number[] } {
  const out = { req: [] as number[], cb: [] as number[] };
  for (const floor of raw?.rounds?.filter((r) => r.side === 'floor') ?? []) {
    const side = raw!.rounds!.find((r) => r.round === floor.round && r.side === label);
    const f = floor.req?.p99;
    if (!side || !f || !Number.isFinite(f)) continue;
    if (Number.isFinite(side.req?.p99)) out.req.push(side.req!.p99! / f);
    if (Number.isFinite(side.cb?.p99)) out.cb.push(side.cb!.p99! / f);
  }
  return out;
}

/**
 * The instance run with `npm start`'s settings. Runs before the `npmStart` flag had two instances,
 * `npm start`'s the one with local steps.
 */
export function npmStartVariant<V extends { npmStart?: boolean; localSteps?: string }>(variants: V[] | undefined): V | undefined {
  return (
    variants?.find((v) => v.npmStart === true) ??
    (variants?.some((v) => 'npmStart' in v) ? undefined : variants?.find((v) => v.localSteps === 'true'))
  );
}

export function latencyBound(raw: StepsRaw | undefined, nproc: number): string | undefined {
  const npm = npmStartVariant(raw?.variants);
  const floorMs = raw?.floor?.answerMs;
  if (!npm?.reqMs?.length || !npm.cbMs?.length || !npm.steps?.length || !floorMs?.length) return undefined;
  const floor = summarize(floorMs);
  const req = summarize(npm.reqMs);
  const cb = summarize(npm.cbMs);
  const steps = npm.steps;
  const med = (pick: (s: PurchaseSteps) => number) => median(steps.map(pick));
  const server = med((s) => s.request.totalMs);
  const queue = med((s) => s.request.workflowTaskQueueMs);
  const run = med((s) => s.request.workflowTaskRunMs);
  const local = med((s) => s.request.localActivityMs);
  const localSteps = med((s) => s.request.localActivities) === 3;
  const cbServer = med((s) => s.callback.totalMs);
  const cbLocal = med((s) => s.callback.localActivityMs);
  const paidLocal = med((s) => s.callback.localActivities) >= 1;
  // The client's p50 (every call) and the histories' medians (a sample) are different samples.
  const outside = req.p50 - server;
  const gap = req.p50 - floor.p50;
  if (![server, queue, run, cbServer].every(Number.isFinite)) return undefined;
  const x = (a: number, b: number) => `${fmt(a / b, 2)}×`;
  const rounds = roundRatios(raw, npm.label);
  const roundText = (ratios: number[], goal: number, what: string) =>
    ratios.length
      ? `${what} ${fmt(roundsMedian(ratios), 2)}× at the median of ${ratios.length} rounds, ${ratios.filter((r) => r > goal).length} of them above ${goal}×`
      : '';
  const byRound = [
    roundText(rounds.req, REQUEST_P99_OVER_FLOOR, 'the request'),
    roundText(rounds.cb, CALLBACK_P99_OVER_FLOOR, 'the callback'),
  ]
    .filter(Boolean)
    .join(', ');
  return (
    "**What bounds the payment request at light load.** Temporal's floor (one update-with-start answered at once by one workflow task: no HTTP, " +
    `no API, no database) answered at p50 ${fmt(floor.p50)} and p99 ${fmt(floor.p99)} ms in scenario 1b. vpay's payment request, as \`npm start\` runs it, ` +
    `took ${fmt(req.p50)} ms at p50 and ${fmt(req.p99)} at p99 (${x(req.p99, floor.p99)} the floor's p99; goal ${REQUEST_P99_OVER_FLOOR}×), ` +
    `its callback ${fmt(cb.p50)} and ${fmt(cb.p99)} ms (${x(cb.p99, floor.p99)}; goal ${CALLBACK_P99_OVER_FLOOR}×), p99s pooled over the rounds as the targets take them. ` +
    (byRound
      ? `Round by round, each round's p99 against the floor's in the same round (some 60 calls a round, so about its slowest call): ${byRound}. `
      : '') +
    `In its histories (median of ${steps.length}) the request spent ${fmt(server)} ms on the server: ${fmt(queue)} ms waiting for the workflow task ` +
    `and ${fmt(run)} ms running it, ` +
    (localSteps && Number.isFinite(local)
      ? `${fmt(local)} ms of which were the three local activities (the order row, the superapp's prepay call, the PREPAID row; measured from their ` +
        `markers, so with some of the SDK's time) and the other ${fmt(Math.max(0, run - local))} ms the worker running the workflow's code and activating it before, between and after them, ` +
        "each time across the SDK's core and the workflow sandbox. "
      : 'its steps as activity tasks. ') +
    (outside >= 0
      ? `About ${fmt(outside)} ms of the median lie outside the history: the HTTP hop from the client, the API's own work before it calls Temporal ` +
        "(its PostgreSQL reads one after the other: the app with the player's session key, then the order if it exists with the item, two reads in runs since 2026-12-02 23:00 UTC and four in earlier ones; both signatures; the admission gate), " +
        "the update's gRPC round trip, and the answer's log line and JSON on the way back; of these the floor has only the gRPC round trip. "
      : '') +
    (localSteps && Number.isFinite(local) && gap > 0 && local <= gap
      ? `Of the ${fmt(gap)} ms between the request's median and the floor's, ${fmt(local)} ms are the three steps themselves, which no lever removes: ` +
        "the request answers with the superapp's prepay order, so the order row (which the callback must find), the prepay call and the PREPAID row " +
        'run one after the other before it can answer. The rest of the gap is software, not physics: the activations around the steps and the ' +
        "API's own work. Running the three steps as one local activity would save two of the activations; that lever is not measured here. "
      : '') +
    `The callback spent ${fmt(cbServer)} ms on the server` +
    (paidLocal && Number.isFinite(cbLocal) ? `, ${fmt(cbLocal)} ms of it the PAID row. ` : '. ') +
    `From p50 to p99 the request adds ${fmt(req.p99 - req.p50)} ms and the floor ${fmt(floor.p99 - floor.p50)} ms; on ${nproc} cores shared by Temporal, ` +
    'PostgreSQL and vpay, with deliveries of earlier purchases running beside new requests, a call that comes while the cores are busy can wait for one, ' +
    'and a vpay purchase holds them longer than the floor does.'
  );
}
