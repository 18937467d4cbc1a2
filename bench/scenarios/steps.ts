// 1b. The payment request's round trips: its steps (order row, prepay call, PREPAID row) as
// activity tasks against local activities (PURCHASE_LOCAL_STEPS), side by side in one run. Two
// vpay instances, one per setting, on the same Temporal server and PostgreSQL, and Temporal's
// floor (bench/ceiling/floor.ts); rounds of an open loop at a light rate on each, back to back,
// the rounds going through the six orders of the three so that neither drift nor what ran just
// before favours one. Latency counts from each call's intended send time (its slot in the open
// loop). A sample of purchases' histories, warm-up left out, then says where their server time
// went (bench/history-steps.ts). The light-load targets are ratios to the floor.
import { Client, Connection } from '@temporalio/client';
import { newResult, type BenchContext, type Check, type ScenarioResult, type Table } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance, type VpayInstance } from '../stack';
import { fmt, median, sampleDistinct, summarize, type Summary } from '../stats';
import { purchaseSteps, type PathSteps, type PurchaseSteps } from '../history-steps';
import { startFloor, type Floor } from '../ceiling/floor';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';

const VARIANTS = [
  { name: 'steps-tasks', label: 'activity tasks', localSteps: 'false' },
  { name: 'steps-local', label: 'local activities (npm start)', localSteps: 'true' },
] as const;
const FLOOR_LABEL = "Temporal's floor (update-with-start, answered at once)";

/** The light-load targets, as multiples of the floor's answer p99. */
const REQUEST_P99_OVER_FLOOR = 1.5;
const CALLBACK_P99_OVER_FLOOR = 1;

/**
 * The order of the three sides (0 and 1 the vpay instances, 2 the floor) in each round, cycled:
 * all six, so over six rounds each side runs in each position twice and right after each other
 * side twice. Each half (three rounds) has each side once in each position, and no round starts
 * with the side the one before ended with.
 */
export const ORDERS = [
  [0, 1, 2],
  [1, 2, 0],
  [2, 0, 1],
  [0, 2, 1],
  [2, 1, 0],
  [1, 0, 2],
] as const;
/** All of an instance's trade numbers (the agent hands out at most this many). */
const ALL = Number.MAX_SAFE_INTEGER;

type Position = 1 | 2 | 3;
/** One side's figures in one round of paired sides (steps, paid-local). */
export interface RoundRow {
  round: number;
  /** 1: ran first in its round. */
  position: number;
  side: string;
  ratePerSec: number;
  req: Summary;
  cb?: Summary;
}
interface VariantData {
  reqMs: number[];
  cbMs: number[];
  steps: PurchaseSteps[];
}

export async function steps(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs, ratePerSec, histories } = ctx.profile.steps;
  const res = newResult(
    'steps',
    "1b. The payment request's round trips: activity tasks against local activities, and Temporal's floor",
    `Two vpay instances, identical but for PURCHASE_LOCAL_STEPS (false: the order row, prepay call and PREPAID row as activity tasks, as before; ` +
      `true: as local activities in the first workflow task, \`npm start\`'s default), and Temporal's floor: a workflow started by ` +
      'update-with-start whose one update is answered at once (bench/ceiling/floor.ts; its own worker and a Temporal client in the benchmark ' +
      `process: no HTTP, no API, no PostgreSQL). ${rounds} rounds; in each, an open loop of ${ratePerSec} purchases/s for ${stepMs / 1000} s on ` +
      'each of the three, back to back, the rounds cycling through the six orders of the three. ' +
      "Latencies are the clients' (vpay's from the load process, over HTTP): the payment request's and the floor's answer from the intended send time " +
      "(the call's slot in the open loop, so a late start counts), the callback, sent right after the request's answer, from its send. " +
      `Then ${histories} distinct random purchases of each instance, warm-up left out: their histories, split into workflow-task and activity-task queue ` +
      "and run time, and the local activities' share of the workflow tasks' run time (bench/history-steps.ts). " +
      'Everything else is as `npm start` runs it (info logs to a file, metrics off).',
  );
  const insts: VpayInstance[] = [];
  const connection = await Connection.connect({ address: ctx.stack.temporalAddress });
  let floor: Floor | undefined;
  try {
    for (const v of VARIANTS) {
      insts.push(await startVpayInstance(ctx.stack, ctx.cleanup, { name: v.name, env: { PURCHASE_LOCAL_STEPS: v.localSteps } }));
    }
    floor = await startFloor({
      address: ctx.stack.temporalAddress,
      taskQueue: 'bench-floor',
      workflowBundleCode: ctx.stack.ceilingBundleCode,
    });
    const agent = ctx.stack.agent;
    const loop = (inst: VpayInstance, tag: string, durationMs: number) =>
      agent.call('openLoop', {
        instance: inst.name,
        ratePerSec,
        durationMs,
        maxInFlight: 64,
        tag,
        deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
        raw: true,
      });
    for (const inst of insts) noErrors(res, `steps: ${inst.name} warm-up`, await loop(inst, `${inst.name}-warm`, ctx.profile.warmupMs));
    await floor.run({ ratePerSec, durationMs: ctx.profile.warmupMs, tag: 'warm' });
    // The warm-up's purchases (cold caches, first workflow tasks) stay out of the history sample.
    const warm = await Promise.all(insts.map(async (inst) => new Set(await agent.call('tradeNos', { instance: inst.name, max: ALL }))));

    const data: VariantData[] = VARIANTS.map(() => ({ reqMs: [], cbMs: [], steps: [] }));
    const floorMs: number[] = [];
    const roundRows: RoundRow[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const [pos, side] of ORDERS[(round - 1) % ORDERS.length].entries()) {
        const position = (pos + 1) as Position;
        if (side === 2) {
          const f = await floor.run({ ratePerSec, durationMs: stepMs, tag: `r${round}` });
          res.checks.push({
            name: `steps round ${round}: the floor without errors`,
            ok: f.errorCount === 0,
            detail: `${f.errorCount} errors`,
          });
          res.checks.push(noneSkipped(`steps round ${round}: the floor`, f.skipped));
          floorMs.push(...f.answerMs);
          roundRows.push({ round, position, side: 'floor', ratePerSec: f.ratePerSec, req: f.answer });
          ctx.log(`steps round ${round} floor: answer p50/p99 ${fmt(f.answer.p50)}/${fmt(f.answer.p99)} ms`);
          continue;
        }
        const stats = await loop(insts[side], `${insts[side].name}-${round}`, stepMs);
        noErrors(res, `steps round ${round}: ${VARIANTS[side].label}`, stats);
        res.checks.push(noneSkipped(`steps round ${round}: ${VARIANTS[side].label}`, stats.skipped));
        data[side].reqMs.push(...(stats.raw?.reqMs ?? []));
        data[side].cbMs.push(...(stats.raw?.cbMs ?? []));
        roundRows.push({ round, position, side: VARIANTS[side].label, ratePerSec: stats.ratePerSec, req: stats.req, cb: stats.cb });
        ctx.log(
          `steps round ${round} ${VARIANTS[side].label}: payment request p50/p99 ${fmt(stats.req.p50)}/${fmt(stats.req.p99)} ms, ` +
            `callback ${fmt(stats.cb.p50)}/${fmt(stats.cb.p99)} ms`,
        );
      }
    }

    const client = new Client({ connection });
    for (const [i, inst] of insts.entries()) {
      const measured = (await agent.call('tradeNos', { instance: inst.name, max: ALL })).filter((t) => !warm[i].has(t));
      for (const outTradeNo of sampleDistinct(measured, histories)) {
        const history = await client.workflow.getHandle(purchaseWorkflowId(inst.appId, outTradeNo)).fetchHistory();
        const s = purchaseSteps(history.events ?? []);
        if (s) data[i].steps.push(s);
      }
      const local = VARIANTS[i].localSteps === 'true';
      res.checks.push({
        name: `steps: ${VARIANTS[i].label}: histories read and split`,
        ok:
          data[i].steps.length > 0 && data[i].steps.every((s) => (local ? s.request.localActivities === 3 : s.request.activityTasks === 3)),
        detail: `${data[i].steps.length} histories; request path ${local ? '3 local activities' : '3 activity tasks'} in each`,
      });
    }
    for (const inst of insts) await reconcile(ctx, inst, res);

    const floorAnswer = summarize(floorMs);
    const [tasksReq, localReq] = data.map((d) => summarize(d.reqMs));
    const localCb = summarize(data[1].cbMs);
    res.tables.push(
      latencyTable(data, floorAnswer),
      stepsTable('Payment request: server time per purchase (median over the sampled histories, ms)', data, (s) => s.request),
      stepsTable('Payment callback: server time per purchase (median, ms)', data, (s) => s.callback),
      roundsTable(roundRows, {
        rate: 'calls/s',
        request: 'payment request (floor: answer)',
        floorNote: "the floor's column is its answer",
      }),
    );
    res.targets.push(
      {
        name: 'payment request p99 at light load, against the floor',
        goal: `at most ${REQUEST_P99_OVER_FLOOR}x the floor's answer p99 (${fmt(floorAnswer.p99 * REQUEST_P99_OVER_FLOOR)} ms in this run)`,
        value: `${fmt(localReq.p99)} ms = ${fmt(localReq.p99 / floorAnswer.p99, 2)}x (floor ${fmt(floorAnswer.p99)} ms)`,
        met: localReq.p99 <= floorAnswer.p99 * REQUEST_P99_OVER_FLOOR,
      },
      {
        name: 'payment callback p99 at light load, against the floor',
        goal: `at most ${CALLBACK_P99_OVER_FLOOR}x the floor's answer p99`,
        value: `${fmt(localCb.p99)} ms = ${fmt(localCb.p99 / floorAnswer.p99, 2)}x`,
        met: localCb.p99 <= floorAnswer.p99 * CALLBACK_P99_OVER_FLOOR,
      },
    );
    res.findings.push(
      `Payment request p50 ${fmt(tasksReq.p50)} -> ${fmt(localReq.p50)} ms and p99 ${fmt(tasksReq.p99)} -> ${fmt(localReq.p99)} ms with the request's ` +
        `steps as local activities (${tasksReq.n} and ${localReq.n} purchases at ${ratePerSec}/s, pooled over ${rounds} rounds); ` +
        `the floor answered at p50 ${fmt(floorAnswer.p50)} and p99 ${fmt(floorAnswer.p99)} ms.`,
    );
    res.raw = {
      floor: { answerMs: floorMs },
      rounds: roundRows,
      variants: VARIANTS.map((v, i) => ({ ...v, reqMs: data[i].reqMs, cbMs: data[i].cbMs, steps: data[i].steps })),
    };
    return res;
  } finally {
    await floor?.stop();
    for (const inst of insts) await inst.stop();
    await connection.close();
  }
}

const cell = (s: Summary) => `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)} / ${fmt(s.max)}`;

function latencyTable(data: VariantData[], floor: Summary): Table {
  return {
    title:
      "Latency seen by the client, pooled over the rounds (ms): the payment request's and the floor's answer from the intended send time, " +
      'the callback from its send',
    columns: ['request steps as', 'calls', 'payment request p50 / p95 / p99 / max', 'callback p50 / p95 / p99 / max'],
    rows: [
      ...data.map((d, i) => [VARIANTS[i].label, String(d.reqMs.length), cell(summarize(d.reqMs)), cell(summarize(d.cbMs))]),
      [FLOOR_LABEL, String(floor.n), cell(floor), '–'],
    ],
  };
}

function stepsTable(title: string, data: VariantData[], pick: (s: PurchaseSteps) => PathSteps): Table {
  return pathStepsTable(
    title,
    'request steps as',
    data.map((d, i) => ({ label: VARIANTS[i].label, paths: d.steps.map(pick) })),
  );
}

/** Medians of one path's server time split per step (bench/history-steps.ts), one row per side. */
export function pathStepsTable(title: string, sideColumn: string, sides: Array<{ label: string; paths: PathSteps[] }>): Table {
  const med = (paths: PathSteps[], f: (p: PathSteps) => number) => fmt(median(paths.map(f)));
  return {
    title,
    columns: [
      sideColumn,
      'histories',
      'workflow tasks',
      'activity tasks',
      'local activities',
      'workflow task queue',
      'workflow task run',
      'of it local activities',
      'activity queue',
      'activity run',
      'server total',
    ],
    rows: sides.map(({ label, paths }) => [
      label,
      String(paths.length),
      med(paths, (p) => p.workflowTasks),
      med(paths, (p) => p.activityTasks),
      med(paths, (p) => p.localActivities),
      med(paths, (p) => p.workflowTaskQueueMs),
      med(paths, (p) => p.workflowTaskRunMs),
      med(paths, (p) => p.localActivityMs),
      med(paths, (p) => p.activityQueueMs),
      med(paths, (p) => p.activityRunMs),
      med(paths, (p) => p.totalMs),
    ]),
  };
}

/** Light load must not fall behind: a skipped slot is a call the open loop could not start. */
function noneSkipped(what: string, skipped: number): Check {
  return { name: `${what}: no call skipped (too many in flight)`, ok: skipped === 0, detail: `${skipped} skipped` };
}

/**
 * The rounds of paired sides, one row per side and round. `labels` names the rate column and the
 * request column, and ends the title with what the floor's request column holds.
 */
export function roundsTable(rows: RoundRow[], labels: { rate: string; request: string; floorNote: string }): Table {
  return {
    title: `Each round (p50 / p99, ms; position: 1 ran first); ${labels.floorNote}`,
    columns: ['round', 'side', 'position', labels.rate, labels.request, 'callback'],
    rows: rows.map((r) => [
      String(r.round),
      r.side,
      String(r.position),
      fmt(r.ratePerSec),
      `${fmt(r.req.p50)} / ${fmt(r.req.p99)}`,
      r.cb ? `${fmt(r.cb.p50)} / ${fmt(r.cb.p99)}` : '–',
    ]),
  };
}
