// 1e. A latency lever measured on the bare workflow (issue 12): the payment callback's PAID row as
// a local activity in the recordPayment handler, so the update is answered in the workflow task
// that accepts it, against the shape before it (an activity task, then a second workflow task).
// This shows what it gives on Temporal's side only; vpay takes it with PURCHASE_LOCAL_PAID_ROW, and
// scenario 1b measures vpay's callback with and without it. Two bare-workflow drivers on their own task
// queues, differing only in BarePurchaseInput.paidLocal, and Temporal's floor; rounds of an open
// loop at a light rate on each, back to back, the order cycling as in the steps scenario.
import { Client, Connection } from '@temporalio/client';
import { newResult, type BenchContext, type Check, type ScenarioResult, type Table } from '../context';
import { bareDeliveredOnce, noErrors } from '../checks';
import { fmt, sampleDistinct, summarize, type Summary } from '../stats';
import { purchaseSteps, type PurchaseSteps } from '../history-steps';
import type { Ceiling } from '../ceiling/driver';
import { startFloor } from '../ceiling/floor';
import { startDefaultCeiling } from './ceiling';
import { pathStepsTable, roundsTable, type RoundRow } from './steps';
import { balancedOrders } from '../balanced-orders';

const SIDES = [
  {
    name: 'paid-task',
    label: 'PAID row as an activity task (PURCHASE_LOCAL_PAID_ROW=false)',
    paidLocal: false,
    taskQueue: 'bench-paid-task',
  },
  { name: 'paid-local', label: 'PAID row as a local activity', paidLocal: true, taskQueue: 'bench-paid-local' },
] as const;
const FLOOR_LABEL = "Temporal's floor (update-with-start, answered at once)";
/** The order of the two sides (0, 1) and the floor (2) in each round: the six orders of three, cycled. */
const ORDERS = balancedOrders(3);
/** As the steps scenario's open loops: far above what a light rate keeps in flight. */
const MAX_IN_FLIGHT = 64;

interface SideData {
  reqMs: number[];
  cbMs: number[];
  steps: PurchaseSteps[];
}

export async function paidLocal(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs, ratePerSec, histories } = ctx.profile.paidLocal;
  const res = newResult(
    'paidlocal',
    "1e. A lever measured on the bare workflow: the callback's PAID row as a local activity",
    'The bare purchase-shaped workflow (bench/ceiling/, activities doing no I/O, the request steps as local activities as `npm start` runs vpay) ' +
      'on two task queues with a worker each, identical but for where the recordPayment handler writes the PAID row: as an activity task, ' +
      "vpay's shape with PURCHASE_LOCAL_PAID_ROW=false (the callback answered after two workflow tasks and one activity task), or as a local activity " +
      "(answered in one workflow task, vpay's `npm start` default); " +
      "and Temporal's floor (bench/ceiling/floor.ts). " +
      `${rounds} rounds; in each, an open loop of ${ratePerSec} purchases/s for ${stepMs / 1000} s on each of the three, back to back, ` +
      'the rounds cycling through the six orders of the three. Driven by a Temporal client in the benchmark process: the request (update-with-start) ' +
      "and the floor's answer count from the intended send time, the callback (update) from its send right after the request's answer. " +
      `Then ${histories} purchases of each side, warm-up left out: the callback's workflow tasks, activity tasks and local activities from their histories. ` +
      'What it shows: the Temporal-side gain of the lever (one activity task and one workflow task fewer per callback) on this machine. ' +
      "What it does not: vpay's callback (no HTTP, no API, no PostgreSQL write of the PAID row, no signature checks here; scenario 1b measures it), " +
      "nor whether the lever is safe at the payment deadline's edge (docs/ARCHITECTURE.md).",
  );
  const connection = await Connection.connect({ address: ctx.stack.temporalAddress });
  const stops: Array<() => Promise<void>> = [];
  try {
    const drivers: Ceiling[] = [];
    for (const s of SIDES) {
      const c = await startDefaultCeiling(ctx, ctx.stack.temporalAddress, s.taskQueue, { paidLocal: s.paidLocal });
      stops.push(ctx.cleanup.add(`stop the ${s.name} worker`, () => c.stop()));
      drivers.push(c);
    }
    const floor = await startFloor({
      address: ctx.stack.temporalAddress,
      taskQueue: 'bench-floor-paidlocal',
      workflowBundleCode: ctx.stack.ceilingBundleCode,
    });
    stops.push(ctx.cleanup.add('stop the floor worker (paidlocal)', () => floor.stop()));

    const open = (i: number, tag: string, durationMs: number) =>
      drivers[i].runOpen({ ratePerSec, durationMs, maxInFlight: MAX_IN_FLIGHT, tag, raw: true });
    for (const [i, s] of SIDES.entries())
      noErrors(res, `paidlocal: ${s.name} warm-up`, await open(i, `${s.name}-warm`, ctx.profile.warmupMs));
    const fw = await floor.run({ ratePerSec, durationMs: ctx.profile.warmupMs, tag: 'warm' });
    res.checks.push(floorCheck('paidlocal: the floor warm-up', fw.errorCount, fw.skipped));
    // The warm-up's purchases (cold caches, first workflow tasks) stay out of the history sample.
    const warmCount = drivers.map((d) => d.workflowIds().length);

    const data: SideData[] = SIDES.map(() => ({ reqMs: [], cbMs: [], steps: [] }));
    const floorMs: number[] = [];
    const roundRows: RoundRow[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const [pos, side] of ORDERS[(round - 1) % ORDERS.length].entries()) {
        if (side === 2) {
          const f = await floor.run({ ratePerSec, durationMs: stepMs, tag: `pl${round}` });
          res.checks.push(floorCheck(`paidlocal round ${round}: the floor`, f.errorCount, f.skipped));
          floorMs.push(...f.answerMs);
          roundRows.push({ round, position: pos + 1, side: 'floor', ratePerSec: f.ratePerSec, req: f.answer });
          ctx.log(`paidlocal round ${round} floor: answer p50/p99 ${fmt(f.answer.p50)}/${fmt(f.answer.p99)} ms`);
          continue;
        }
        const stats = await open(side, `${SIDES[side].name}-${round}`, stepMs);
        noErrors(res, `paidlocal round ${round}: ${SIDES[side].label}`, stats);
        data[side].reqMs.push(...(stats.raw?.reqMs ?? []));
        data[side].cbMs.push(...(stats.raw?.cbMs ?? []));
        roundRows.push({ round, position: pos + 1, side: SIDES[side].label, ratePerSec: stats.ratePerSec, req: stats.req, cb: stats.cb });
        ctx.log(
          `paidlocal round ${round} ${SIDES[side].name}: request p99 ${fmt(stats.req.p99)} ms, callback p50/p99 ${fmt(stats.cb.p50)}/${fmt(stats.cb.p99)} ms`,
        );
      }
    }

    const client = new Client({ connection });
    const reports = drivers.map((d) => d.report());
    for (const [i, s] of SIDES.entries()) {
      bareDeliveredOnce(res, `paidlocal: ${s.name}`, reports[i]);
      for (const id of sampleDistinct(drivers[i].workflowIds().slice(warmCount[i]), histories)) {
        const steps = purchaseSteps((await client.workflow.getHandle(id).fetchHistory()).events ?? []);
        if (steps) data[i].steps.push(steps);
      }
      // The lever really took: the callback's PAID row ran where this side says, and nowhere else.
      const want = s.paidLocal ? { activityTasks: 0, localActivities: 1 } : { activityTasks: 1, localActivities: 0 };
      res.checks.push({
        name: `paidlocal: ${s.name}: the callback's histories have the PAID row as ${s.paidLocal ? 'a local activity' : 'an activity task'}`,
        ok:
          data[i].steps.length > 0 &&
          data[i].steps.every(
            (p) => p.callback.activityTasks === want.activityTasks && p.callback.localActivities === want.localActivities,
          ),
        detail: `${data[i].steps.length} histories; ${want.activityTasks} activity task and ${want.localActivities} local activity on the callback's path in each`,
      });
    }

    const floorAnswer = summarize(floorMs);
    const [taskCb, localCb] = data.map((d) => summarize(d.cbMs));
    const [taskReq, localReq] = data.map((d) => summarize(d.reqMs));
    res.tables.push(
      latencyTable(data, floorAnswer),
      callbackStepsTable(data),
      roundsTable(roundRows, {
        rate: 'purchases/s',
        request: 'request (floor: answer)',
        floorNote: "the floor's request column is its answer",
      }),
    );
    res.findings.push(
      `Bare workflow, callback p50 ${fmt(taskCb.p50)} -> ${fmt(localCb.p50)} ms and p99 ${fmt(taskCb.p99)} -> ${fmt(localCb.p99)} ms with the PAID row ` +
        `as a local activity (${taskCb.n} and ${localCb.n} purchases at ${ratePerSec}/s, pooled over ${rounds} rounds); callback p99 / floor p99 ` +
        `${fmt(taskCb.p99 / floorAnswer.p99, 2)} -> ${fmt(localCb.p99 / floorAnswer.p99, 2)} (floor p99 ${fmt(floorAnswer.p99)} ms). ` +
        `The request, which the lever does not touch, p99 ${fmt(taskReq.p99)} and ${fmt(localReq.p99)} ms. Temporal's side only: vpay's callback adds HTTP, its API and PostgreSQL.`,
    );
    res.raw = {
      floor: { answerMs: floorMs },
      rounds: roundRows,
      sides: SIDES.map((s, i) => ({ ...s, reqMs: data[i].reqMs, cbMs: data[i].cbMs, steps: data[i].steps, report: reports[i] })),
    };
    return res;
  } finally {
    for (const stop of stops.reverse()) await stop();
    await connection.close();
  }
}

function floorCheck(what: string, errorCount: number, skipped: number): Check {
  return {
    name: `${what}: no failed calls, none skipped`,
    ok: errorCount === 0 && skipped === 0,
    detail: `${errorCount} failed, ${skipped} skipped`,
  };
}

const cell = (s: Summary) => `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)} / ${fmt(s.max)}`;

function latencyTable(data: SideData[], floor: Summary): Table {
  return {
    title:
      "Latency seen by the client, pooled over the rounds (ms): the request's and the floor's answer from the intended send time, the callback from its send",
    columns: ['side', 'purchases', 'request p50 / p95 / p99 / max', 'callback p50 / p95 / p99 / max', 'callback p99 / floor p99'],
    rows: [
      ...data.map((d, i) => {
        const cb = summarize(d.cbMs);
        return [SIDES[i].label, String(cb.n), cell(summarize(d.reqMs)), cell(cb), fmt(cb.p99 / floor.p99, 2)];
      }),
      [FLOOR_LABEL, String(floor.n), cell(floor), '–', '–'],
    ],
  };
}

/** Where the callback's server time went, from the sampled histories (bench/history-steps.ts). */
function callbackStepsTable(data: SideData[]): Table {
  return pathStepsTable(
    'The callback on the server, per purchase (median over the sampled histories; times in ms)',
    'side',
    data.map((d, i) => ({ label: SIDES[i].label, paths: d.steps.map((s) => s.callback) })),
  );
}
