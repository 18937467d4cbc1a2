// Reconciliation: do the orders projection in PostgreSQL, the purchase workflows in Temporal and
// (when given) what the developer side actually received agree? The oracle of the fault and load
// tests, and an operator's tool (`npm run reconcile`, tools/ops/reconcile-cli.ts).
//
// Every order gets one verdict:
//   match               all sources agree (transient lags of in-flight purchases excused);
//   missing             a row without its workflow (within retention, or at any age while the order
//                       is not finished), a workflow without its row, a DELIVERED order the
//                       developer never acknowledged, or a delivery received for an order vpay has
//                       no row for;
//   status_mismatch     the row's status differs from the workflow's VpayOrderStatus, the workflow
//                       closed in a way or with a status it never should, the row breaks its own
//                       invariants (DELIVERED without delivered_at, PAID/DELIVERED without
//                       transaction_id), or the developer acknowledged an order that was never paid;
//   duplicate_delivery  the developer acknowledged more than one delivery of one order;
//   stuck               PAID and still undelivered stuckAfterMs after the payment was recorded.
// When one order has several problems, the most serious verdict wins (in the order
// duplicate_delivery, status_mismatch, missing, stuck) and the detail lists them all.
//
// An order closed as `workflow_lost` (application/lost-purchase.ts) matches while its workflow does
// not run. With `repair`, every order still awaiting its payment whose workflow no longer runs is
// closed so (the same as a payment callback for it would do) and then checked again; the
// report lists those under `repaired`. Nothing else is repaired: a paid order whose workflow is
// gone needs a person (its player paid; its delivery must be finished or refunded).
//
// A REFUNDED row matches a purchase that delivered (refunded afterwards) or one a full refund
// stopped before its delivery (completed with VpayOrderStatus REFUNDED): refunds never pass through
// the purchase. The refunds themselves are checked apart (tools/ops/reconcile-refunds.ts): against
// their orders' totals, their notices and their workflows, reported under `refunds`, report only.
//
// The console's data is checked too (tools/ops/reconcile-console.ts): its rows that contradict
// each other (an order against its item, an app's key against its versions, a secret in the audit
// log, a user's role against its team) are reported under `console`, by kind, and make the report
// not ok. Orders and audit entries are taken from the window, the rest whole. None is repaired.
//
// Given vpay's task queues (`queues`), it also says who polls them (tools/ops/reconcile-queues.ts),
// under `queues`: a delivery task queue no worker polls while the workflow queue is polled is a
// finding that makes the report not ok (its deliveries would wait for ever).
//
// Memory: the rows are read in keyset pages of `pageSize` (1000) by order_id and never held all
// at once. The purchase executions started in the window are listed (paged by the server) into
// one map keyed by workflow ID, about 200 bytes per execution (so ~200 MB for a million); entries
// are dropped as their rows are checked. The deliveries log, when given, is summarised into one
// counter per order. Problems are kept, matches are only counted.
import type { Knex } from 'knex';
import { Client, type WorkflowExecutionDescription, type WorkflowExecutionInfo } from '@temporalio/client';
import { SA_ORDER_STATUS, type OrderStatus } from '../../workflows/definitions';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { describePurchase, listPurchases, purchaseIsRunning } from '../../application/purchase-client';
import { awaitsPayment, closeLostPurchase, type LostPurchaseDeps } from '../../application/lost-purchase';
import { FORWARD_FROM, getOrder } from '../../lib/db/repos/orders';
import { checkConsoleData, type ConsoleReport } from './reconcile-console';
import { checkRefunds, type RefundNoticeLogEntry, type RefundReport } from './reconcile-refunds';
import { checkTaskQueues, type QueueReport } from './reconcile-queues';

export type Verdict = 'match' | 'missing' | 'duplicate_delivery' | 'status_mismatch' | 'stuck';
export const VERDICTS: readonly Verdict[] = ['match', 'missing', 'duplicate_delivery', 'status_mismatch', 'stuck'];

/** What the developer side received; ok = it acknowledged the delivery. */
export interface DeliveryLogEntry {
  orderId: string;
  ok: boolean;
}

export interface ReconcileOptions {
  db: Knex;
  client: Client;
  /** The namespace to look in; default: the client's own. */
  namespace?: string;
  /** Only purchase workflows on this task queue (vpay's TEMPORAL_TASK_QUEUE); default: any. */
  taskQueue?: string;
  /**
   * The developer side's log; without it, nothing about deliveries is checked. It has no times,
   * so it is not windowed: give the part that belongs to the window (an entry for an order outside
   * the window is ignored, one for an order vpay has no row for at all is `missing`).
   */
  deliveries?: DeliveryLogEntry[];
  /**
   * The game backend's log of refund notices (entries with a refundId); like `deliveries`, not
   * windowed. Without it, refund notices are judged by vpay's records only.
   */
  refundNotices?: RefundNoticeLogEntry[];
  /** A SUCCEEDED refund not notified this long after it succeeded is reported. Default: stuckAfterMs. */
  refundNoticeGraceMs?: number;
  /** A PAID order undelivered this long after its payment was recorded is stuck. Default 600000. */
  stuckAfterMs?: number;
  /** Window start (inclusive) on the row's created_at and the workflow's StartTime; default: none. */
  since?: Date;
  /** Window end (exclusive); default: now. */
  until?: Date;
  now?: Date;
  /** A row older than this may have outlived its workflow (namespace retention). Default 24 h. */
  retentionMs?: number;
  /** A status difference with a running workflow is excused while the row was updated this recently. Default 5000. */
  lagMs?: number;
  /** A running workflow in CREATED without a row yet is fine while younger than this. Default 60000. */
  freshWorkflowMs?: number;
  /** Rows per keyset page. Default 1000. */
  pageSize?: number;
  /** Temporal calls (describe) in flight at once. Default 8. */
  concurrency?: number;
  /** Close (as `workflow_lost`) the orders awaiting payment whose workflow no longer runs. Default false. */
  repair?: boolean;
  /**
   * An order created less than this after its item's live version was released may have been
   * checked against the version before (the console check `order_price_mismatch`). Default 5000.
   */
  releaseLagMs?: number;
  /** vpay's KEY_ROTATION_OVERLAP_MS; without it, the console check does not judge how long a replaced key stays valid. */
  keyRotationOverlapMs?: number;
  /**
   * vpay's TEMPORAL_TASK_QUEUE and DELIVERY_TASK_QUEUE: whether workers poll them
   * (tools/ops/reconcile-queues.ts). Without them, the queues are not checked.
   */
  queues?: { taskQueue: string; deliveryTaskQueue: string };
}

export interface OrderVerdict {
  orderId: string | null;
  appId: string;
  outTradeNo: string;
  verdict: Verdict;
  detail: string;
  rowStatus: string | null;
  workflowStatus: string | null;
}

export interface ReconcileReport {
  ok: boolean;
  counts: Record<Verdict, number>;
  problems: OrderVerdict[];
  checked: number;
  /** With `repair`: the orders closed as `workflow_lost`, with the verdict they had before. */
  repaired?: OrderVerdict[];
  /** The console's rows that contradict each other (tools/ops/reconcile-console.ts). */
  console: ConsoleReport;
  /** Refunds against their orders, notices and workflows (tools/ops/reconcile-refunds.ts). */
  refunds: RefundReport;
  /** With `queues`: who polls vpay's task queues (tools/ops/reconcile-queues.ts). */
  queues?: QueueReport;
}

/** The order row's columns reconciliation reads. */
interface Row {
  order_id: string;
  app_id: string;
  out_trade_no: string;
  status: string;
  close_reason: string | null;
  transaction_id: string | null;
  created_at: Date;
  payment_recorded_at: Date | null;
  delivered_at: Date | null;
  updated_at: Date;
  delivery_attempts: number;
  last_delivery_error: string | null;
}

const ROW_COLUMNS = [
  'order_id',
  'app_id',
  'out_trade_no',
  'status',
  'close_reason',
  'transaction_id',
  'created_at',
  'payment_recorded_at',
  'delivered_at',
  'updated_at',
  'delivery_attempts',
  'last_delivery_error',
];

/** One purchase execution as reconciliation sees it (the latest run of its workflow ID). */
interface Exec {
  workflowId: string;
  status: string;
  startTime: Date;
  saStatus: string | null;
  /** Set when the execution was described (fresh mutable state, not the visibility store). */
  described?: { pendingActivities: string[]; pendingWorkflowTask: boolean };
}

interface Issue {
  verdict: Exclude<Verdict, 'match'>;
  detail: string;
  /** From comparing the row with the workflow: worth a second, fresh look if the workflow runs. */
  vsWorkflow?: boolean;
}

const PRIORITY: Array<Issue['verdict']> = ['duplicate_delivery', 'status_mismatch', 'missing', 'stuck'];

/** Activities that write the order row. */
const ROW_WRITERS = new Set(['saveNewOrder', 'projectOrder', 'deliverOrder']);
/** Statuses after which an order needs nothing more from its workflow. */
const FINAL_ROW_STATUSES = new Set(['DELIVERED', 'CLOSED', 'REFUNDED']);
const ABNORMAL_CLOSES = new Set(['FAILED', 'TERMINATED', 'CANCELLED', 'TIMED_OUT']);
/** The VpayOrderStatus a purchase may complete with: delivered, closed, or stopped by a full refund (CONTRACT.md 8.3). */
const PURCHASE_ENDS = new Set(['DELIVERED', 'CLOSED', 'REFUNDED']);

/**
 * Whether the row's status goes with the purchase's VpayOrderStatus. A refund never passes through
 * the purchase (it has usually closed long before): a REFUNDED row goes with a purchase that
 * delivered, or one a full refund stopped before its delivery (VpayOrderStatus REFUNDED).
 */
const statusAgrees = (rowStatus: string, sa: string | null): boolean =>
  sa === rowStatus || (rowStatus === 'REFUNDED' && sa === 'DELIVERED');

export async function reconcile(o: ReconcileOptions): Promise<ReconcileReport> {
  const now = o.now ?? new Date();
  const until = o.until ?? now;
  const since = o.since;
  const stuckAfterMs = o.stuckAfterMs ?? 600_000;
  const retentionMs = o.retentionMs ?? 24 * 3_600_000;
  const lagMs = o.lagMs ?? 5_000;
  const freshWorkflowMs = o.freshWorkflowMs ?? 60_000;
  const pageSize = o.pageSize ?? 1_000;
  const concurrency = o.concurrency ?? 8;
  const db = o.db;
  const client =
    o.namespace && o.namespace !== o.client.options.namespace
      ? new Client({ connection: o.client.connection, namespace: o.namespace })
      : o.client;

  const counts: Record<Verdict, number> = { match: 0, missing: 0, duplicate_delivery: 0, status_mismatch: 0, stuck: 0 };
  const problems: OrderVerdict[] = [];
  const repaired: OrderVerdict[] | undefined = o.repair ? [] : undefined;
  const lostDeps: LostPurchaseDeps = { db, purchases: { isRunning: (keys) => purchaseIsRunning(client, keys) } };
  const record = (v: OrderVerdict) => {
    counts[v.verdict]++;
    if (v.verdict !== 'match') problems.push(v);
  };

  // Acknowledged and total deliveries per order; entries are removed as their rows are checked,
  // so what remains at the end names orders outside the window or unknown to vpay.
  const deliveries = o.deliveries ? summariseDeliveries(o.deliveries) : undefined;

  const execs = await listExecutions(client, { since, until, taskQueue: o.taskQueue });

  // A wrong TEMPORAL_ADDRESS, namespace or task queue makes every workflow look gone, and repair
  // would then close every unpaid order of the window: refuse when the window has orders but not
  // one of their workflows is found.
  if (o.repair && execs.size === 0) {
    const { n } = (await db('orders')
      .where('created_at', '<', until)
      .modify((q) => {
        if (since) q.where('created_at', '>=', since);
      })
      .count({ n: '*' })
      .first()) as { n: string | number };
    if (Number(n) > 0) {
      throw new Error(
        `refusing to repair: the window holds ${n} orders but no purchase workflow of it was found in namespace ` +
          `${client.options.namespace}${o.taskQueue ? ` on task queue ${o.taskQueue}` : ''}; check TEMPORAL_ADDRESS, ` +
          'TEMPORAL_NAMESPACE and TEMPORAL_TASK_QUEUE (or narrow --since to a window whose workflows are within retention)',
      );
    }
  }

  const describe = async (row: Row): Promise<Exec | null> => {
    const d = await describePurchase(client, { appId: row.app_id, outTradeNo: row.out_trade_no });
    return d && fromDescription(d);
  };
  const reread = async (orderId: string): Promise<Row | undefined> => db('orders').where({ order_id: orderId }).first(ROW_COLUMNS);

  const checkOrder = (row: Row, exec: Exec | null | undefined): Issue[] => {
    const issues: Issue[] = [];
    // The row on its own.
    if (row.status === 'DELIVERED' && !row.delivered_at) {
      issues.push({ verdict: 'status_mismatch', detail: 'row is DELIVERED without delivered_at' });
    }
    if ((row.status === 'PAID' || row.status === 'DELIVERED') && !row.transaction_id) {
      issues.push({ verdict: 'status_mismatch', detail: `row is ${row.status} without transaction_id` });
    }
    // The row against its workflow.
    const closedAsLost = row.status === 'CLOSED' && row.close_reason === 'workflow_lost';
    if (exec === null) {
      const young = now.getTime() - row.created_at.getTime() < retentionMs;
      // Gone past retention is fine for a finished order; one that is not finished never will be.
      if (!closedAsLost && (young || !FINAL_ROW_STATUSES.has(row.status))) {
        issues.push({
          verdict: 'missing',
          detail:
            `no workflow execution ${safeWorkflowId(row.app_id, row.out_trade_no)} for a row created ${row.created_at.toISOString()}` +
            (young ? ` (within the ${retentionMs} ms retention)` : '') +
            (FINAL_ROW_STATUSES.has(row.status) ? '' : `, still ${row.status}: nothing will finish this order`),
          vsWorkflow: true,
        });
      }
    } else if (exec && closedAsLost) {
      // Closed because its workflow stopped running; a workflow running again (a reset) would take
      // a payment the row refuses.
      if (exec.status === 'RUNNING') {
        issues.push({ verdict: 'status_mismatch', detail: 'row CLOSED as workflow_lost while its workflow runs', vsWorkflow: true });
      }
    } else if (exec) {
      const sa = exec.saStatus;
      if (exec.status === 'COMPLETED' && !PURCHASE_ENDS.has(sa ?? '')) {
        issues.push({ verdict: 'status_mismatch', detail: `workflow COMPLETED with VpayOrderStatus ${sa}`, vsWorkflow: true });
      } else if (ABNORMAL_CLOSES.has(exec.status) && !FINAL_ROW_STATUSES.has(row.status)) {
        issues.push({
          verdict: 'status_mismatch',
          detail: `workflow ${exec.status} while the row is ${row.status}: nothing will finish this order`,
          vsWorkflow: true,
        });
      }
      if (!statusAgrees(row.status, sa) && !(exec.status === 'RUNNING' && lagExplains(row, exec))) {
        issues.push({
          verdict: 'status_mismatch',
          detail: `row is ${row.status}, workflow (${exec.status}) VpayOrderStatus is ${sa}`,
          vsWorkflow: true,
        });
      }
    }
    // The row against what the developer received.
    if (deliveries) {
      const d = deliveries.get(row.order_id);
      const acked = d?.ok ?? 0;
      if (acked > 1) issues.push({ verdict: 'duplicate_delivery', detail: `${acked} acknowledged deliveries` });
      if (acked >= 1 && !row.transaction_id) {
        issues.push({ verdict: 'status_mismatch', detail: `delivered but never paid (row ${row.status}, no transaction_id)` });
      }
      if ((row.status === 'DELIVERED' || (row.status === 'REFUNDED' && row.delivered_at)) && acked === 0) {
        issues.push({
          verdict: 'missing',
          detail: `delivered per vpay, not received (${d?.total ?? 0} deliveries in the log, none acknowledged)`,
        });
      }
    }
    // Paid, not delivered, for too long.
    if (row.status === 'PAID') {
      const since = row.payment_recorded_at ?? row.updated_at;
      const ageMs = now.getTime() - since.getTime();
      if (ageMs >= stuckAfterMs) {
        issues.push({
          verdict: 'stuck',
          detail:
            `PAID for ${Math.round(ageMs / 1000)} s without delivery (${row.delivery_attempts} attempts` +
            `${row.last_delivery_error ? `, last error: ${row.last_delivery_error}` : ''})`,
        });
      }
    }
    return issues;
  };

  /**
   * The workflow writes the search attribute and then the row (through an activity), except for
   * DELIVERED, which the delivery activity writes to the row first. A difference with a running
   * workflow is therefore fine while it is that write in flight.
   */
  const lagExplains = (row: Row, exec: Exec): boolean => {
    if (now.getTime() - row.updated_at.getTime() <= lagMs) return true;
    if (!exec.described) return false;
    const sa = exec.saStatus as OrderStatus | null;
    const rowBehind = sa !== null && (FORWARD_FROM[sa] ?? []).includes(row.status as OrderStatus);
    if (rowBehind && exec.described.pendingActivities.some((a) => ROW_WRITERS.has(a))) return true;
    // The request's steps as local activities (PURCHASE_LOCAL_STEPS) are never pending activities:
    // a workflow task kept open by a slow local row write can carry the PREPAID status ahead of it.
    if (rowBehind && sa === 'PREPAID' && exec.described.pendingWorkflowTask) return true;
    // The payment timeout's close of a purchase with PURCHASE_LOCAL_PAID_ROW writes the CLOSED row
    // before the status (it adopts a payment it finds instead); a worker lost after its local PAID
    // write leaves the row PAID until its retried workflow task takes the callback again.
    if (sa === 'PREPAID' && row.status === 'CLOSED' && exec.described.pendingActivities.includes('projectOrder')) return true;
    if (sa === 'PREPAID' && row.status === 'PAID' && exec.described.pendingWorkflowTask) return true;
    const rowAhead = row.status === 'DELIVERED' && sa === 'PAID';
    if (rowAhead && (exec.described.pendingWorkflowTask || exec.described.pendingActivities.includes('deliverOrder'))) return true;
    // Refunded in full while the purchase still tries to deliver: it learns so from the refund's
    // signal or, if that was lost, at its next attempt, and ends REFUNDED (workflows/purchase.ts).
    return row.status === 'REFUNDED' && sa === 'PAID';
  };

  /** Checks one order that has a row; a suspicious running workflow gets a second, fresh look. */
  const checkRow = async (row: Row, exec: Exec | null | undefined): Promise<OrderVerdict> => {
    const workflowId = safeWorkflowId(row.app_id, row.out_trade_no);
    if (exec?.status === 'CONTINUED_AS_NEW' && workflowId) exec = await describe(row);
    let issues = checkOrder(row, exec);
    if (exec && !exec.described && exec.status === 'RUNNING' && issues.some((i) => i.vsWorkflow) && workflowId) {
      exec = await describe(row);
      row = (await reread(row.order_id)) ?? row;
      issues = checkOrder(row, exec);
    }
    const verdictNow = () =>
      verdictOf(
        { orderId: row.order_id, appId: row.app_id, outTradeNo: row.out_trade_no, rowStatus: row.status, workflowStatus: execLabel(exec) },
        issues,
      );
    if (
      repaired &&
      issues.length &&
      exec?.status !== 'RUNNING' &&
      awaitsPayment({ status: row.status as OrderStatus, transactionId: row.transaction_id })
    ) {
      const before = verdictNow();
      const order = await getOrder(db, row.order_id);
      // closeLostPurchase asks Temporal afresh whether the workflow runs before it closes anything.
      const closed = order && (await closeLostPurchase(lostDeps, order));
      if (closed?.status === 'CLOSED' && closed.closeReason === 'workflow_lost') {
        repaired.push(before);
        row = (await reread(row.order_id)) ?? row;
        issues = checkOrder(row, exec);
      }
    }
    deliveries?.delete(row.order_id);
    return verdictNow();
  };

  // 1. Every row in the window, in keyset pages by order_id.
  let after = '';
  for (;;) {
    const page: Row[] = await db('orders')
      .select(ROW_COLUMNS)
      .where('created_at', '<', until)
      .modify((q) => {
        if (since) q.where('created_at', '>=', since);
      })
      .andWhere('order_id', '>', after)
      .orderBy('order_id')
      .limit(pageSize);
    if (page.length === 0) break;
    after = page[page.length - 1].order_id;
    const verdicts = await mapLimit(page, concurrency, async (row) => {
      const workflowId = safeWorkflowId(row.app_id, row.out_trade_no);
      if (!workflowId) {
        return verdictOf(
          { orderId: row.order_id, appId: row.app_id, outTradeNo: row.out_trade_no, rowStatus: row.status, workflowStatus: null },
          [{ verdict: 'missing', detail: 'appId or outTradeNo cannot form a workflow ID' }],
        );
      }
      let exec: Exec | null | undefined = execs.get(workflowId);
      execs.delete(workflowId);
      // Not listed: started outside the window, not yet visible, or gone after retention. Only
      // rows young enough to still have their workflow, or not finished (they need one), are
      // worth the lookup.
      if (!exec && (now.getTime() - row.created_at.getTime() < retentionMs || !FINAL_ROW_STATUSES.has(row.status))) {
        exec = await describe(row);
      }
      return checkRow(row, exec);
    });
    verdicts.forEach(record);
    if (page.length < pageSize) break;
  }

  // 2. Workflows in the window whose row was not: look the row up wherever its created_at is.
  const orphans = [...execs.values()];
  execs.clear();
  for (let i = 0; i < orphans.length; i += pageSize) {
    const batch = orphans.slice(i, i + pageSize);
    const keys = batch.map((e) => parseWorkflowId(e.workflowId));
    const pairs = keys.filter((k): k is [string, string] => k !== undefined);
    const rows: Row[] = pairs.length ? await db('orders').select(ROW_COLUMNS).whereIn(['app_id', 'out_trade_no'], pairs) : [];
    const byWorkflowId = new Map(rows.map((r) => [safeWorkflowId(r.app_id, r.out_trade_no), r]));
    const verdicts = await mapLimit(batch, concurrency, async (exec, j) => {
      const row = byWorkflowId.get(exec.workflowId);
      if (row) return checkRow(row, exec);
      const [appId, outTradeNo] = keys[j] ?? ['', ''];
      const base = { orderId: null, appId, outTradeNo, rowStatus: null, workflowStatus: execLabel(exec) };
      const fresh = exec.status === 'RUNNING' && exec.saStatus === 'CREATED' && now.getTime() - exec.startTime.getTime() < freshWorkflowMs;
      if (fresh) return verdictOf(base, []);
      return verdictOf(base, [
        {
          verdict: 'missing',
          detail: `workflow execution ${exec.workflowId} (started ${exec.startTime.toISOString()}) without an order row`,
        },
      ]);
    });
    verdicts.forEach(record);
  }

  // 3. Deliveries the developer received for orders not checked above: fine when the order is
  // outside the window, a problem when vpay has no such order at all.
  if (deliveries && deliveries.size > 0) {
    const ids = [...deliveries.keys()];
    for (let i = 0; i < ids.length; i += pageSize) {
      const batch = ids.slice(i, i + pageSize);
      const known = new Set<string>((await db('orders').whereIn('order_id', batch).pluck('order_id')) as string[]);
      for (const orderId of batch) {
        if (known.has(orderId)) continue;
        const d = deliveries.get(orderId)!;
        record({
          orderId,
          appId: '',
          outTradeNo: '',
          verdict: 'missing',
          detail: `the developer received ${d.total} deliveries (${d.ok} acknowledged) for an order vpay has no row for`,
          rowStatus: null,
          workflowStatus: null,
        });
      }
    }
  }

  // 4. The console's data (report only).
  const consoleReport = await checkConsoleData(db, {
    since,
    until,
    releaseLagMs: o.releaseLagMs ?? 5_000,
    keyRotationOverlapMs: o.keyRotationOverlapMs,
  });

  // 5. Refunds against their orders, notices and workflows (report only).
  const refundReport = await checkRefunds(db, {
    client,
    since,
    until,
    now,
    noticeGraceMs: o.refundNoticeGraceMs ?? stuckAfterMs,
    refundNotices: o.refundNotices,
    pageSize,
    concurrency,
  });

  // 6. The task queues: a delivery queue nobody polls leaves paid orders waiting (report only).
  const queueReport = o.queues ? await checkTaskQueues(client, { namespace: client.options.namespace, ...o.queues }) : undefined;

  const checked = VERDICTS.reduce((n, v) => n + counts[v], 0);
  const ok =
    problems.length === 0 &&
    consoleReport.findings.length === 0 &&
    refundReport.findings.length === 0 &&
    (queueReport?.findings.length ?? 0) === 0;
  return {
    ok,
    counts,
    problems,
    checked,
    ...(repaired && { repaired }),
    console: consoleReport,
    refunds: refundReport,
    ...(queueReport && { queues: queueReport }),
  };
}

/** Lists the latest run of every purchase workflow started in the window, keyed by workflow ID. */
async function listExecutions(client: Client, w: { since?: Date; until: Date; taskQueue?: string }): Promise<Map<string, Exec>> {
  const execs = new Map<string, Exec>();
  for await (const info of listPurchases(client, w)) {
    const exec = fromInfo(info);
    const seen = execs.get(exec.workflowId);
    // Continue-as-new makes several runs of one ID; the latest one tells the state.
    if (!seen || exec.startTime > seen.startTime || (exec.startTime.getTime() === seen.startTime.getTime() && exec.status === 'RUNNING')) {
      execs.set(exec.workflowId, exec);
    }
  }
  return execs;
}

function fromInfo(info: WorkflowExecutionInfo): Exec {
  return {
    workflowId: info.workflowId,
    status: info.status.name,
    startTime: info.startTime,
    saStatus: statusAttribute(info),
  };
}

function fromDescription(d: WorkflowExecutionDescription): Exec {
  return {
    ...fromInfo(d as unknown as WorkflowExecutionInfo),
    described: {
      pendingActivities: (d.raw.pendingActivities ?? []).map((a) => a.activityType?.name ?? ''),
      pendingWorkflowTask: Boolean(d.raw.pendingWorkflowTask),
    },
  };
}

function statusAttribute(info: Pick<WorkflowExecutionInfo, 'typedSearchAttributes' | 'searchAttributes'>): string | null {
  const typed = info.typedSearchAttributes?.get(SA_ORDER_STATUS);
  if (typeof typed === 'string') return typed;
  const untyped = info.searchAttributes?.VpayOrderStatus;
  return Array.isArray(untyped) && typeof untyped[0] === 'string' ? untyped[0] : null;
}

function execLabel(exec: Exec | null | undefined): string | null {
  if (!exec) return null;
  return `${exec.status}/${exec.saStatus ?? '-'}`;
}

function verdictOf(base: Omit<OrderVerdict, 'verdict' | 'detail'>, issues: Issue[]): OrderVerdict {
  if (issues.length === 0) return { ...base, verdict: 'match', detail: 'ok' };
  const sorted = [...issues].sort((a, b) => PRIORITY.indexOf(a.verdict) - PRIORITY.indexOf(b.verdict));
  return { ...base, verdict: sorted[0].verdict, detail: sorted.map((i) => i.detail).join('; ') };
}

function summariseDeliveries(log: DeliveryLogEntry[]): Map<string, { ok: number; total: number }> {
  const m = new Map<string, { ok: number; total: number }>();
  for (const e of log) {
    const s = m.get(e.orderId) ?? { ok: 0, total: 0 };
    s.total++;
    if (e.ok) s.ok++;
    m.set(e.orderId, s);
  }
  return m;
}

function safeWorkflowId(appId: string, outTradeNo: string): string {
  try {
    return purchaseWorkflowId(appId, outTradeNo);
  } catch {
    return '';
  }
}

/** `purchase:<appId>:<outTradeNo>` back to its keys (neither contains ':'). */
function parseWorkflowId(workflowId: string): [string, string] | undefined {
  const parts = workflowId.split(':');
  return parts.length === 3 && parts[0] === 'purchase' && parts[1] && parts[2] ? [parts[1], parts[2]] : undefined;
}

/** Like Promise.all(items.map(fn)), with at most `limit` calls in flight; results in order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(lanes);
  return results;
}
