// 1b. The payment request's round trips: its steps (order row, prepay call, PREPAID row) as
// activity tasks against local activities (PURCHASE_LOCAL_STEPS), side by side in one run. Two
// vpay instances, one per setting, on the same Temporal server and PostgreSQL; rounds of an open
// loop at a light rate on each, back to back with the order alternating, so drift favours neither.
// Each purchase's history then says where its server time went (bench/history-steps.ts).
import { Client, Connection } from '@temporalio/client';
import { newResult, type BenchContext, type ScenarioResult, type Table } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance, type VpayInstance } from '../stack';
import { fmt, median, summarize } from '../stats';
import { purchaseSteps, type PathSteps, type PurchaseSteps } from '../history-steps';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';

const VARIANTS = [
  { name: 'steps-tasks', label: 'activity tasks', localSteps: 'false' },
  { name: 'steps-local', label: 'local activities (npm start)', localSteps: 'true' },
] as const;

interface VariantData {
  reqMs: number[];
  cbMs: number[];
  rounds: Array<{ round: number; position: 1 | 2; ratePerSec: number; reqP50: number; reqP99: number; cbP50: number; cbP99: number }>;
  steps: PurchaseSteps[];
}

export async function steps(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs, ratePerSec, histories } = ctx.profile.steps;
  const res = newResult(
    'steps',
    "1b. The payment request's round trips: activity tasks against local activities, side by side",
    `Two vpay instances, identical but for PURCHASE_LOCAL_STEPS (false: the order row, prepay call and PREPAID row as activity tasks, as before; ` +
      `true: as local activities in the first workflow task, \`npm start\`'s default). ${rounds} rounds; in each, an open loop of ` +
      `${ratePerSec} purchases/s for ${stepMs / 1000} s on one instance, then on the other, the order alternating. ` +
      `Latencies are the client's (the load process), from each request's send. Then ${histories} random purchases of each instance: ` +
      'their histories, split into workflow-task and activity-task queue and run time (bench/history-steps.ts).',
  );
  const insts: VpayInstance[] = [];
  const connection = await Connection.connect({ address: ctx.stack.temporalAddress });
  try {
    for (const v of VARIANTS)
      insts.push(await startVpayInstance(ctx.stack, ctx.cleanup, { name: v.name, env: { PURCHASE_LOCAL_STEPS: v.localSteps } }));
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

    const data: VariantData[] = VARIANTS.map(() => ({ reqMs: [], cbMs: [], rounds: [], steps: [] }));
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 ? [0, 1] : [1, 0];
      for (const [pos, i] of order.entries()) {
        const stats = await loop(insts[i], `${insts[i].name}-${round}`, stepMs);
        noErrors(res, `steps round ${round}: ${VARIANTS[i].label}`, stats);
        data[i].reqMs.push(...(stats.raw?.reqMs ?? []));
        data[i].cbMs.push(...(stats.raw?.cbMs ?? []));
        data[i].rounds.push({
          round,
          position: (pos + 1) as 1 | 2,
          ratePerSec: stats.ratePerSec,
          reqP50: stats.req.p50,
          reqP99: stats.req.p99,
          cbP50: stats.cb.p50,
          cbP99: stats.cb.p99,
        });
        ctx.log(
          `steps round ${round} ${VARIANTS[i].label}: payment request p50/p99 ${fmt(stats.req.p50)}/${fmt(stats.req.p99)} ms, callback ${fmt(stats.cb.p50)}/${fmt(stats.cb.p99)} ms`,
        );
      }
    }

    const client = new Client({ connection });
    for (const [i, inst] of insts.entries()) {
      const tradeNos = await agent.call('tradeNos', { instance: inst.name, max: histories });
      for (const outTradeNo of tradeNos) {
        const history = await client.workflow.getHandle(purchaseWorkflowId(inst.appId, outTradeNo)).fetchHistory();
        const s = purchaseSteps(history.events ?? []);
        if (s) data[i].steps.push(s);
      }
    }
    for (const [i, v] of VARIANTS.entries()) {
      res.checks.push({
        name: `steps: ${v.label}: histories read and split`,
        ok:
          data[i].steps.length > 0 &&
          data[i].steps.every((s) => (v.localSteps === 'true' ? s.request.localActivities === 3 : s.request.activityTasks === 3)),
        detail: `${data[i].steps.length} histories; request path ${v.localSteps === 'true' ? '3 local activities' : '3 activity tasks'} in each`,
      });
    }
    for (const inst of insts) await reconcile(ctx, inst, res);

    res.tables.push(
      latencyTable(data),
      stepsTable('Payment request: server time per purchase (median over the sampled histories, ms)', data, (s) => s.request),
    );
    res.tables.push(stepsTable('Payment callback: server time per purchase (median, ms)', data, (s) => s.callback));
    res.tables.push(roundsTable(data));
    const [tasks, local] = data.map((d) => summarize(d.reqMs));
    res.findings.push(
      `Payment request p50 ${fmt(tasks.p50)} -> ${fmt(local.p50)} ms and p99 ${fmt(tasks.p99)} -> ${fmt(local.p99)} ms with the request's steps as local activities ` +
        `(${data[0].reqMs.length} and ${data[1].reqMs.length} purchases at ${ratePerSec}/s, pooled over ${rounds} rounds).`,
    );
    res.raw = {
      variants: VARIANTS.map((v, i) => ({ ...v, reqMs: data[i].reqMs, cbMs: data[i].cbMs, rounds: data[i].rounds, steps: data[i].steps })),
    };
    return res;
  } finally {
    for (const inst of insts) await inst.stop();
    await connection.close();
  }
}

function latencyTable(data: VariantData[]): Table {
  return {
    title: 'Latency seen by the client, pooled over the rounds (ms)',
    columns: ['request steps as', 'purchases', 'payment request p50 / p95 / p99 / max', 'callback p50 / p95 / p99 / max'],
    rows: data.map((d, i) => {
      const r = summarize(d.reqMs);
      const c = summarize(d.cbMs);
      return [
        VARIANTS[i].label,
        String(r.n),
        `${fmt(r.p50)} / ${fmt(r.p95)} / ${fmt(r.p99)} / ${fmt(r.max)}`,
        `${fmt(c.p50)} / ${fmt(c.p95)} / ${fmt(c.p99)} / ${fmt(c.max)}`,
      ];
    }),
  };
}

function stepsTable(title: string, data: VariantData[], pick: (s: PurchaseSteps) => PathSteps): Table {
  const med = (d: VariantData, f: (p: PathSteps) => number) => fmt(median(d.steps.map((s) => f(pick(s)))));
  return {
    title,
    columns: [
      'request steps as',
      'histories',
      'workflow tasks',
      'activity tasks',
      'local activities',
      'workflow task queue',
      'workflow task run',
      'activity queue',
      'activity run',
      'server total',
    ],
    rows: data.map((d, i) => [
      VARIANTS[i].label,
      String(d.steps.length),
      med(d, (p) => p.workflowTasks),
      med(d, (p) => p.activityTasks),
      med(d, (p) => p.localActivities),
      med(d, (p) => p.workflowTaskQueueMs),
      med(d, (p) => p.workflowTaskRunMs),
      med(d, (p) => p.activityQueueMs),
      med(d, (p) => p.activityRunMs),
      med(d, (p) => p.totalMs),
    ]),
  };
}

function roundsTable(data: VariantData[]): Table {
  return {
    title: 'Each round (payment request and callback p50 / p99, ms; position: which ran first)',
    columns: ['round', 'request steps as', 'position', 'purchases/s', 'payment request', 'callback'],
    rows: data
      .flatMap((d, i) => d.rounds.map((r) => ({ r, i })))
      .sort((a, b) => a.r.round - b.r.round || a.r.position - b.r.position)
      .map(({ r, i }) => [
        String(r.round),
        VARIANTS[i].label,
        String(r.position),
        fmt(r.ratePerSec),
        `${fmt(r.reqP50)} / ${fmt(r.reqP99)}`,
        `${fmt(r.cbP50)} / ${fmt(r.cbP99)}`,
      ]),
  };
}
