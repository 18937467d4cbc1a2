// Reconciliation of refunds (CONTRACT.md 8), reported next to the orders' verdicts by
// `npm run reconcile` (tools/ops/reconcile.ts). The queries are lib/db/repos/refund-consistency.ts;
// this file names each finding and says what it means. Nothing here is repaired: money has moved
// (or not) at the superapp, and a person decides which side is right.
//
//   refund_totals              An order's refunded_amount is not the sum of its SUCCEEDED refunds,
//                              or its refund_pending_amount not the sum of its PENDING ones. The
//                              order row is the one writer of these (lib/db/repos/refunds.ts: the
//                              claim, the settlement and the failure each move the refund and its
//                              order in one transaction), so only a hand edit, a partial restore or
//                              a bug gets here.
//   refund_order_status        The order is REFUNDED while refunded_amount is not its total_amount,
//                              or refunded in full and not REFUNDED: the same statement that fills
//                              refunded_amount sets the status.
//   refund_not_notified        A SUCCEEDED refund the game backend has not acknowledged
//                              (no acknowledged attempt in refund_notify_attempts), noticeGraceMs
//                              after it succeeded, or at any age when its workflow no longer runs
//                              (then nothing will ever notify it); with the developer's log, also
//                              one acknowledged per vpay that the developer never received.
//   refund_notified_twice      A refund acknowledged more than once (refund_notify_attempts, or the
//                              developer's log): the game backend took the item back twice, unless
//                              it deduplicates by RefundId as the contract asks.
//   refund_failed_notified     A FAILED (or still PENDING) refund with an acknowledged notice or a
//                              notified_at: only a SUCCEEDED refund is notified (8.3).
//   refund_workflow_lost       A PENDING refund whose workflow (workflows/workflow-ids.ts
//                              refundWorkflowId: `refund:<appId>:sa:<refundId>` for the superapp's,
//                              `refund:<appId>:out:<outRefundNo>` for the game's and console's) is
//                              gone or closed: nothing will ask the superapp again or release the
//                              amount it holds on the order.
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db/db';
import {
  ordersContradictingRefunds,
  refundNoticePage,
  refundNoticeState,
  type OrderRefundBreach,
  type RefundNoticeState,
} from '../../lib/db/repos/refund-consistency';
import { describeRefund } from '../../application/refund-client';
import { refundWorkflowId } from '../../workflows/workflow-ids';

export const REFUND_KINDS = [
  'refund_totals',
  'refund_order_status',
  'refund_not_notified',
  'refund_notified_twice',
  'refund_failed_notified',
  'refund_workflow_lost',
] as const;
export type RefundKind = (typeof REFUND_KINDS)[number];

/** What the game backend received of refund notices; ok = it acknowledged the notice. */
export interface RefundNoticeLogEntry {
  refundId: string;
  ok: boolean;
}

export interface RefundFinding {
  kind: RefundKind;
  appId: string;
  ids: { orderId: string; refundId?: string };
  detail: string;
}

export interface RefundReport {
  counts: Record<RefundKind, number>;
  findings: RefundFinding[];
  /** Refunds of the window looked at. */
  checked: number;
}

export interface RefundCheckOptions {
  client: Client;
  /** Refunds and orders created in [since, until). */
  since?: Date;
  until: Date;
  now: Date;
  /** A SUCCEEDED refund not acknowledged this long after it succeeded is reported. */
  noticeGraceMs: number;
  /** The game backend's log of refund notices; without it, only vpay's own records are checked. */
  refundNotices?: RefundNoticeLogEntry[];
  pageSize: number;
  concurrency: number;
}

export async function checkRefunds(db: Db, o: RefundCheckOptions): Promise<RefundReport> {
  const window = { since: o.since, until: o.until };
  const findings: RefundFinding[] = (await ordersContradictingRefunds(db, window)).flatMap(orderFindings);
  const log = o.refundNotices ? summarise(o.refundNotices) : undefined;

  /** The refund's workflow status (`RUNNING`, `COMPLETED`, …), or null when Temporal has none. */
  const workflowOf = async (r: RefundNoticeState): Promise<string | null> => {
    const d = await describeRefund(o.client, r);
    return d ? d.status.name : null;
  };
  const idsOf = (r: RefundNoticeState) => ({ orderId: r.orderId, refundId: r.refundId });

  const checkRefund = async (first: RefundNoticeState): Promise<RefundFinding[]> => {
    let r = first;
    const out: RefundFinding[] = [];
    const add = (kind: RefundKind, detail: string) => out.push({ kind, appId: r.appId, ids: idsOf(r), detail });
    const acked = log?.get(r.refundId) ?? 0;
    if (r.status === 'SUCCEEDED') {
      if (r.okAttempts > 1) add('refund_notified_twice', `${r.okAttempts} acknowledged notice attempts in refund_notify_attempts`);
      if (acked > 1) add('refund_notified_twice', `the game backend acknowledged ${acked} notices of it`);
      if (r.okAttempts === 0) {
        const since = r.refundedAt ?? r.updatedAt;
        const ageMs = o.now.getTime() - since.getTime();
        let workflow: string | null | undefined;
        if (ageMs < o.noticeGraceMs) {
          // Young: fine while its workflow still runs to notify it.
          workflow = await workflowOf(r);
          if (workflow !== 'RUNNING') r = (await refundNoticeState(db, r.refundId)) ?? r;
        }
        if (r.okAttempts === 0 && (ageMs >= o.noticeGraceMs || workflow !== 'RUNNING')) {
          workflow ??= await workflowOf(r);
          add(
            'refund_not_notified',
            `SUCCEEDED ${Math.round(ageMs / 1000)} s ago, never acknowledged (${r.notifyAttempts} attempts` +
              `${r.lastNotifyError ? `, last error: ${r.lastNotifyError}` : ''}); its workflow ${refundWorkflowId(r)} is ` +
              `${workflow ?? 'gone'}${workflow === 'RUNNING' ? '' : ': nothing will notify it'}`,
          );
        }
      } else if (r.notifiedAt === null) {
        add('refund_not_notified', `${r.okAttempts} acknowledged attempt(s) but notified_at is null`);
      }
      if (log && r.okAttempts >= 1 && acked === 0) add('refund_not_notified', 'notified per vpay, never acknowledged by the game backend');
    } else {
      if (r.okAttempts > 0 || r.notifiedAt !== null || acked > 0) {
        add(
          'refund_failed_notified',
          `${r.status} refund notified (${r.okAttempts} acknowledged attempts, notified_at ${r.notifiedAt?.toISOString() ?? 'null'}` +
            `${log ? `, ${acked} acknowledged by the game backend` : ''}): only a SUCCEEDED refund is notified`,
        );
      }
      if (r.status === 'PENDING') {
        const workflow = await workflowOf(r);
        if (workflow !== 'RUNNING') {
          // It may have settled (and closed) since the page was read.
          const now = await refundNoticeState(db, r.refundId);
          if (now?.status === 'PENDING') {
            add(
              'refund_workflow_lost',
              `PENDING (${r.refundAmount} held on the order) while its workflow ${refundWorkflowId(r)} is ${workflow ?? 'gone'}: ` +
                'nothing will ask the superapp again or release the amount',
            );
          }
        }
      }
    }
    return out;
  };

  let checked = 0;
  let after = '';
  for (;;) {
    const page = await refundNoticePage(db, window, after, o.pageSize);
    if (page.length === 0) break;
    after = page[page.length - 1].refundId;
    checked += page.length;
    findings.push(...(await mapLimit(page, o.concurrency, checkRefund)).flat());
    if (page.length < o.pageSize) break;
  }

  const counts = Object.fromEntries(REFUND_KINDS.map((k) => [k, 0])) as Record<RefundKind, number>;
  for (const f of findings) counts[f.kind]++;
  return { counts, findings, checked };
}

function orderFindings(b: OrderRefundBreach): RefundFinding[] {
  const out: RefundFinding[] = [];
  const base = { appId: b.appId, ids: { orderId: b.orderId } };
  if (b.refundedAmount !== b.succeededSum || b.refundPendingAmount !== b.pendingSum) {
    out.push({
      ...base,
      kind: 'refund_totals',
      detail:
        `order ${b.outTradeNo}: refunded_amount ${b.refundedAmount} (its SUCCEEDED refunds sum to ${b.succeededSum}), ` +
        `refund_pending_amount ${b.refundPendingAmount} (its PENDING refunds sum to ${b.pendingSum})`,
    });
  }
  const full = b.refundedAmount > 0 && b.refundedAmount === b.totalAmount;
  if ((b.status === 'REFUNDED') !== full) {
    out.push({
      ...base,
      kind: 'refund_order_status',
      detail: `order ${b.outTradeNo} is ${b.status} with refunded_amount ${b.refundedAmount} of total_amount ${b.totalAmount}`,
    });
  }
  return out;
}

function summarise(log: RefundNoticeLogEntry[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of log) if (e.ok) m.set(e.refundId, (m.get(e.refundId) ?? 0) + 1);
  for (const e of log) if (!m.has(e.refundId)) m.set(e.refundId, 0);
  return m;
}

/** Like Promise.all(items.map(fn)), with at most `limit` calls in flight; results in order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}
