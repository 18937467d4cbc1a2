// 1b. The latency levers of the payment request and callback, each alone, side by side in one run:
// the request's steps (order row, prepay call, PREPAID row) as activity tasks or local activities
// (PURCHASE_LOCAL_STEPS), and the callback's PAID row as an activity task or a local activity
// (PURCHASE_LOCAL_PAID_ROW). Three vpay instances (activity tasks; local request steps alone; both,
// as `npm start` runs), on the same Temporal server and PostgreSQL, and Temporal's floor
// (bench/ceiling/floor.ts); rounds of an open loop at a light rate on each, back to back, in a
// balanced order of the four (bench/balanced-orders.ts) so that neither drift nor what ran just
// before favours one. Latency counts from each call's intended send time (its slot in the open
// loop). A sample of purchases' histories, warm-up left out, then says where their server time
// went (bench/history-steps.ts). The issue's light-load targets are ratios to the floor, judged on
// the `npm start` instance.
import { Client, Connection } from '@temporalio/client';
import { newResult, type BenchContext, type Check, type ScenarioResult, type Table } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance, type VpayInstance } from '../stack';
import { fmt, median, sampleDistinct, summarize, type Summary } from '../stats';
import { purchaseSteps, type PathSteps, type PurchaseSteps } from '../history-steps';
import { startFloor, type Floor } from '../ceiling/floor';
import { balancedOrders } from '../balanced-orders';
import { CALLBACK_P99_OVER_FLOOR, REQUEST_P99_OVER_FLOOR } from '../latency-bound';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';

/**
 * The vpay instances, each adding one lever to the one before. `npmStart` marks the one run with
 * `npm start`'s settings (no env of its own): the lead table's and the targets'.
 */
const VARIANTS = [
  {
    name: 'steps-tasks',
    label: 'activity tasks',
    env: { PURCHASE_LOCAL_STEPS: 'false', PURCHASE_LOCAL_PAID_ROW: 'false' },
    npmStart: false,
  },
  {
    name: 'steps-local',
    label: 'local request steps, PAID row as an activity task',
    env: { PURCHASE_LOCAL_STEPS: 'true', PURCHASE_LOCAL_PAID_ROW: 'false' },
    npmStart: false,
  },
  { name: 'steps-paid-local', label: 'local request steps and PAID row (npm start)', env: {}, npmStart: true },
] as const;
/** Each lever alone: the variant without it and the one with it (indexes into VARIANTS). */
const LEVERS = [
  { label: "the request's steps as local activities (PURCHASE_LOCAL_STEPS)", without: 0, with: 1 },
  { label: "the callback's PAID row as a local activity (PURCHASE_LOCAL_PAID_ROW)", without: 1, with: 2 },
] as const;
const NPM_START = VARIANTS.findIndex((v) => v.npmStart);
/** The floor's side number in ORDERS, after the vpay instances'. */
const FLOOR = VARIANTS.length;
const FLOOR_LABEL = "Temporal's floor (update-with-start, answered at once)";
/** The order of the four sides in each round, cycled: over 4 rounds each runs once in each position and once right after each other side. */
const ORDERS = balancedOrders(VARIANTS.length + 1);

/** All of an instance's trade numbers (the agent hands out at most this many). */
const ALL = Number.MAX_SAFE_INTEGER;

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
  /** What the instance ran with (its loaded config), for the checks and the raw JSON. */
  localSteps: boolean;
  localPaidRow: boolean;
  reqMs: number[];
  cbMs: number[];
  steps: PurchaseSteps[];
}

export async function steps(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs, ratePerSec, histories } = ctx.profile.steps;
  const res = newResult(
    'steps',
    "1b. The payment request's and callback's round trips: each latency lever alone, and Temporal's floor",
    `Three vpay instances, identical but for two settings: PURCHASE_LOCAL_STEPS (false: the order row, prepay call and PREPAID row as activity tasks; ` +
      "true: as local activities in the first workflow task) and PURCHASE_LOCAL_PAID_ROW (false: the callback's PAID row as an activity task; " +
      'true: as a local activity in the workflow task that accepts the callback). ' +
      `${VARIANTS.map((v) => `"${v.label}": ${envText(v.env, ctx.stack.defaults)}`).join('; ')}. ` +
      "So the first two differ by the request's lever alone and the last two by the callback's. " +
      "And Temporal's floor: a workflow started by " +
      'update-with-start whose one update is answered at once (bench/ceiling/floor.ts; its own worker and a Temporal client in the benchmark ' +
      `process: no HTTP, no API, no PostgreSQL). ${rounds} rounds; in each, an open loop of ${ratePerSec} purchases/s for ${stepMs / 1000} s on ` +
      `each of the four, back to back, the rounds cycling through ${ORDERS.length} orders of the four in which each runs once in each position ` +
      'and once right after each other (bench/balanced-orders.ts). ' +
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
    for (const v of VARIANTS) insts.push(await startVpayInstance(ctx.stack, ctx.cleanup, { name: v.name, env: { ...v.env } }));
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

    const data: VariantData[] = insts.map((inst) => ({
      localSteps: inst.config.purchaseLocalSteps,
      localPaidRow: inst.config.purchaseLocalPaidRow,
      reqMs: [],
      cbMs: [],
      steps: [],
    }));
    const floorMs: number[] = [];
    const roundRows: RoundRow[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const [pos, side] of ORDERS[(round - 1) % ORDERS.length].entries()) {
        const position = pos + 1;
        if (side === FLOOR) {
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
      res.checks.push(...leverChecks(VARIANTS[i].label, data[i]));
    }
    for (const inst of insts) await reconcile(ctx, inst, res);

    const floorAnswer = summarize(floorMs);
    const npm = { req: summarize(data[NPM_START].reqMs), cb: summarize(data[NPM_START].cbMs) };
    res.tables.push(
      latencyTable(data, floorAnswer),
      leversTable(data),
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
        value: `${fmt(npm.req.p99)} ms = ${fmt(npm.req.p99 / floorAnswer.p99, 2)}x (floor ${fmt(floorAnswer.p99)} ms)`,
        met: npm.req.p99 <= floorAnswer.p99 * REQUEST_P99_OVER_FLOOR,
      },
      {
        name: 'payment callback p99 at light load, against the floor',
        goal: `at most ${CALLBACK_P99_OVER_FLOOR}x the floor's answer p99`,
        value: `${fmt(npm.cb.p99)} ms = ${fmt(npm.cb.p99 / floorAnswer.p99, 2)}x`,
        met: npm.cb.p99 <= floorAnswer.p99 * CALLBACK_P99_OVER_FLOOR,
      },
    );
    for (const l of LEVERS) {
      const [a, b] = [data[l.without], data[l.with]].map((d) => ({ req: summarize(d.reqMs), cb: summarize(d.cbMs) }));
      res.findings.push(
        `${l.label[0].toUpperCase()}${l.label.slice(1)}, alone ("${VARIANTS[l.without].label}" → "${VARIANTS[l.with].label}"): ` +
          `payment request p50 ${fmt(a.req.p50)} → ${fmt(b.req.p50)} ms and p99 ${fmt(a.req.p99)} → ${fmt(b.req.p99)} ms; ` +
          `callback p50 ${fmt(a.cb.p50)} → ${fmt(b.cb.p50)} ms and p99 ${fmt(a.cb.p99)} → ${fmt(b.cb.p99)} ms ` +
          `(${a.req.n} and ${b.req.n} purchases at ${ratePerSec}/s, pooled over ${rounds} rounds).`,
      );
    }
    res.findings.push(
      `With both (\`npm start\`), request p99 ${fmt(npm.req.p99)} ms = ${fmt(npm.req.p99 / floorAnswer.p99, 2)}× and callback p99 ${fmt(npm.cb.p99)} ms = ` +
        `${fmt(npm.cb.p99 / floorAnswer.p99, 2)}× the floor's, which answered at p50 ${fmt(floorAnswer.p50)} and p99 ${fmt(floorAnswer.p99)} ms.`,
    );
    res.raw = {
      floor: { answerMs: floorMs },
      rounds: roundRows,
      variants: VARIANTS.map((v, i) => ({
        name: v.name,
        label: v.label,
        npmStart: v.npmStart,
        localSteps: String(data[i].localSteps),
        localPaidRow: String(data[i].localPaidRow),
        reqMs: data[i].reqMs,
        cbMs: data[i].cbMs,
        steps: data[i].steps,
      })),
    };
    return res;
  } finally {
    await floor?.stop();
    for (const inst of insts) await inst.stop();
    await connection.close();
  }
}

/** A variant's settings for the report: its own env, or `npm start`'s defaults (`defaults`, the config with nothing set). */
function envText(env: Record<string, string>, defaults: { purchaseLocalSteps: boolean; purchaseLocalPaidRow: boolean }): string {
  if (Object.keys(env).length)
    return Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  return `neither set: \`npm start\`'s defaults, PURCHASE_LOCAL_STEPS=${defaults.purchaseLocalSteps} PURCHASE_LOCAL_PAID_ROW=${defaults.purchaseLocalPaidRow}`;
}

/**
 * The levers really took: the request's path ran its three steps as this instance's
 * PURCHASE_LOCAL_STEPS says, and the callback's path wrote the PAID row as PURCHASE_LOCAL_PAID_ROW says.
 */
function leverChecks(label: string, d: VariantData): Check[] {
  return [
    {
      name: `steps: ${label}: histories read and split, the request's steps as ${d.localSteps ? 'local activities' : 'activity tasks'}`,
      ok: d.steps.length > 0 && d.steps.every((s) => (d.localSteps ? s.request.localActivities === 3 : s.request.activityTasks === 3)),
      detail: `${d.steps.length} histories; request path ${d.localSteps ? '3 local activities' : '3 activity tasks'} in each`,
    },
    {
      name: `steps: ${label}: the callback's PAID row as ${d.localPaidRow ? 'a local activity' : 'an activity task'}`,
      ok:
        d.steps.length > 0 &&
        d.steps.every((s) =>
          d.localPaidRow
            ? s.callback.activityTasks === 0 && s.callback.localActivities > 0
            : s.callback.activityTasks === 1 && s.callback.localActivities === 0,
        ),
      detail: `${d.steps.length} histories; callback path ${d.localPaidRow ? 'no activity task and a local activity' : '1 activity task and no local activity'} in each`,
    },
  ];
}

const cell = (s: Summary) => `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)} / ${fmt(s.max)}`;

function latencyTable(data: VariantData[], floor: Summary): Table {
  return {
    title:
      "Latency seen by the client, pooled over the rounds (ms): the payment request's and the floor's answer from the intended send time, " +
      'the callback from its send',
    columns: ['side', 'calls', 'payment request p50 / p95 / p99 / max', 'callback p50 / p95 / p99 / max'],
    rows: [
      ...data.map((d, i) => [VARIANTS[i].label, String(d.reqMs.length), cell(summarize(d.reqMs)), cell(summarize(d.cbMs))]),
      [FLOOR_LABEL, String(floor.n), cell(floor), '–'],
    ],
  };
}

function stepsTable(title: string, data: VariantData[], pick: (s: PurchaseSteps) => PathSteps): Table {
  return pathStepsTable(
    title,
    'side',
    data.map((d, i) => ({ label: VARIANTS[i].label, paths: d.steps.map(pick) })),
  );
}

/** Each lever alone: the latencies without it and with it, pooled over the rounds. */
function leversTable(data: VariantData[]): Table {
  const pair = (a: number, b: number) => `${fmt(a)} → ${fmt(b)}`;
  return {
    title: 'Each lever alone (ms, pooled over the rounds; without it → with it)',
    columns: ['lever', 'from → to', 'payment request p50', 'payment request p99', 'callback p50', 'callback p99'],
    rows: LEVERS.map((l) => {
      const [a, b] = [data[l.without], data[l.with]].map((d) => ({ req: summarize(d.reqMs), cb: summarize(d.cbMs) }));
      return [
        l.label,
        `${VARIANTS[l.without].label} → ${VARIANTS[l.with].label}`,
        pair(a.req.p50, b.req.p50),
        pair(a.req.p99, b.req.p99),
        pair(a.cb.p50, b.cb.p50),
        pair(a.cb.p99, b.cb.p99),
      ];
    }),
  };
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
