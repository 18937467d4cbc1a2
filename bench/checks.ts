// Reconciliation after a scenario, like an operator would do it: what the fake developer and the
// fake superapp received against what the load generator bought, and the orders table against both.
import type { AgentReport } from './agent-protocol';
import type { LoopError } from './loops';
import { sleep, type BenchContext, type ScenarioResult } from './context';
import type { VpayInstance } from './stack';
import type { Ceiling } from './ceiling/driver';

export interface Reconciliation {
  agent: AgentReport;
  statuses: Record<string, number>;
  okAttempts: number;
  ordersWithSeveralOkAttempts: number;
}

/** Waits (bounded) for confirmations and deliveries to settle, then adds the exactly-once checks. */
export async function reconcile(ctx: BenchContext, inst: VpayInstance, res: ScenarioResult, settleMs = 60_000): Promise<Reconciliation> {
  const deadline = Date.now() + settleMs;
  let report = await ctx.stack.agent.call('report', { instance: inst.name });
  while ((report.confirmed < report.made || report.developer.neverOk > 0) && Date.now() < deadline) {
    await sleep(250);
    report = await ctx.stack.agent.call('report', { instance: inst.name });
  }
  await sleep(1_000); // a late duplicate, if any, would land now
  report = await ctx.stack.agent.call('report', { instance: inst.name });

  // Synthetic rows (scale scenario) have order ids starting with "syn" and are left out.
  const rows = await inst
    .db('orders')
    .where({ app_id: inst.appId })
    .andWhereNot('order_id', 'like', 'syn%')
    .select('status')
    .count<{ status: string; count: string }[]>('* as count')
    .groupBy('status');
  const statuses = Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  const ok = await inst
    .db('delivery_attempts as d')
    .join('orders as o', 'o.order_id', 'd.order_id')
    .where({ 'o.app_id': inst.appId, 'd.ok': true })
    .select('d.order_id')
    .count<{ order_id: string; count: string }[]>('* as count')
    .groupBy('d.order_id');
  const okAttempts = ok.reduce((s, r) => s + Number(r.count), 0);
  const several = ok.filter((r) => Number(r.count) > 1).length;

  const d = report.developer;
  const name = inst.name;
  res.checks.push(
    {
      name: `${name}: every purchase delivered exactly once (fake developer)`,
      ok: d.orders > 0 && d.okOnce === d.orders && d.okMoreThanOnce === 0 && d.neverOk === 0,
      detail: `${d.orders} orders: ${d.okOnce} acknowledged once, ${d.okMoreThanOnce} more than once, ${d.neverOk} never`,
    },
    {
      name: `${name}: orders DELIVERED in the database == purchases made`,
      ok: (statuses.DELIVERED ?? 0) === report.made && total === report.made,
      detail: `${report.made} purchases made; rows by status ${JSON.stringify(statuses)}`,
    },
    {
      name: `${name}: one successful delivery attempt recorded per order`,
      ok: okAttempts === report.made && several === 0,
      detail: `${okAttempts} successful attempts, ${several} orders with more than one`,
    },
    {
      name: `${name}: every payment confirmed to the superapp`,
      ok: report.confirmed === report.made,
      detail: `${report.confirmed} of ${report.made} confirmed (${report.confirmedMoreThanOnce} more than once)`,
    },
    {
      name: `${name}: every signature and delivery header valid`,
      ok: d.badSignatures === 0 && d.badHeaders === 0 && report.superappBadSignatures === 0,
      detail: `PayEventSig bad ${d.badSignatures}, delivery headers bad ${d.badHeaders}, vpay->superapp signatures bad ${report.superappBadSignatures}`,
    },
  );
  return { agent: report, statuses, okAttempts, ordersWithSeveralOkAttempts: several };
}

/** The bare workflow's exactly-once check: every purchase its driver started delivered once, none twice; and on the queue its shape says. */
export function bareDeliveredOnce(res: ScenarioResult, what: string, rep: ReturnType<Ceiling['report']>): void {
  res.checks.push({
    name: `${what}: every bare purchase delivered exactly once`,
    ok: rep.made > 0 && rep.deliveredOnce === rep.made,
    detail: `${rep.made} purchases: ${rep.deliveredOnce} once, ${rep.deliveredMoreThanOnce} more than once, ${rep.neverDelivered} never`,
  });
  bareDeliveryQueue(res, what, rep);
}

/** Connections to an instance's database, besides the one asking, by how they reach PostgreSQL. */
export interface PgConnections {
  unix: number;
  tcp: number;
}

/** Counts them now (pg_stat_activity: a Unix-socket client has no address). */
export async function pgConnections(inst: VpayInstance): Promise<PgConnections> {
  const r = await inst.db.raw<{ rows: PgConnections[] }>(
    'select count(*) filter (where client_addr is null)::int as unix, count(*) filter (where client_addr is not null)::int as tcp ' +
      "from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()",
  );
  return r.rows[0];
}

/**
 * The check that an instance reached PostgreSQL as it asked: `seen`, the most connections counted
 * right after its load steps (vpay's pools, and the benchmark's own on the same URL), all over the
 * Unix socket when `socket`, else all over TCP, and some.
 */
export function pgTransport(res: ScenarioResult, name: string, socket: boolean, seen: PgConnections): void {
  res.checks.push({
    name: `${name}: its connections to PostgreSQL are over ${socket ? 'the Unix socket' : 'TCP'}`,
    ok: socket ? seen.unix > 0 && seen.tcp === 0 : seen.tcp > 0 && seen.unix === 0,
    detail: `after its steps at most ${seen.unix} over the Unix socket, ${seen.tcp} over TCP`,
  });
}

/** The bare workflow's deliveries ran where its shape says: all on the delivery queue when separate, none when shared. */
function bareDeliveryQueue(res: ScenarioResult, what: string, rep: ReturnType<Ceiling['report']>): void {
  if (rep.deliveryQueue === 'none') return;
  const delivered = rep.deliveredOnce + rep.deliveredMoreThanOnce;
  res.checks.push({
    name: `${what}: the bare deliveries ran ${rep.deliveryQueue === 'separate' ? 'on the delivery queue' : 'on the one queue'}`,
    ok:
      rep.deliveryQueue === 'separate'
        ? delivered > 0 && rep.onDeliveryQueue >= delivered && rep.onMainQueue === 0
        : rep.onDeliveryQueue === 0 && rep.onMainQueue >= delivered,
    detail: `deliverOrder calls: ${rep.onDeliveryQueue} on the delivery queue, ${rep.onMainQueue} on the one queue; ${delivered} purchases delivered`,
  });
}

/** A load step must not have failed requests (not even at saturation). */
export function noErrors(res: ScenarioResult, what: string, stats: { errorCount: number; errors: LoopError[]; skipped?: number }): void {
  const skipped = stats.skipped ?? 0;
  res.checks.push({
    name: `${what}: no failed requests${stats.skipped !== undefined ? ', none skipped' : ''}`,
    ok: stats.errorCount === 0 && skipped === 0,
    detail:
      stats.errorCount === 0 && skipped === 0
        ? 'none'
        : `${stats.errorCount} failed${skipped ? `, ${skipped} skipped` : ''}: ${stats.errors
            .slice(0, 3)
            .map((e) => `${e.count}× ${e.message}`)
            .join(' | ')}`,
  });
}
