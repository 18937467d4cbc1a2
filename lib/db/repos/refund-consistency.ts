// The refunds' rows that contradict each other or their orders, for `npm run reconcile`
// (tools/ops/reconcile-refunds.ts says why each rule holds and what breaking it means). Each query
// is one statement, so it sees one snapshot: a refund's claim, settlement and failure each write
// the refund and its order in one transaction, and a snapshot never sees half of one.
import type { Db } from '../db';
import type { TimeWindow } from './console-consistency';
import type { RefundSource } from '../../domain/refund';

/** An order of the window whose refund columns disagree with its refunds' rows or its status. */
export interface OrderRefundBreach {
  orderId: string;
  appId: string;
  outTradeNo: string;
  status: string;
  totalAmount: number;
  refundedAmount: number;
  refundPendingAmount: number;
  /** Sums of the order's refunds by status. */
  succeededSum: number;
  pendingSum: number;
}

/**
 * Orders created in the window where refunded_amount is not the sum of their SUCCEEDED refunds,
 * refund_pending_amount not the sum of their PENDING ones, or the status REFUNDED does not go with
 * refunded_amount = total_amount (either way).
 */
export async function ordersContradictingRefunds(db: Db, w: TimeWindow): Promise<OrderRefundBreach[]> {
  const since = w.since ? 'and o.created_at >= :since' : '';
  const { rows } = await db.raw(
    `with o as (
       select order_id, app_id, out_trade_no, status, total_amount, refunded_amount, refund_pending_amount
       from orders o where o.created_at < :until ${since}
     ), s as (
       select r.order_id,
              coalesce(sum(r.refund_amount) filter (where r.status = 'SUCCEEDED'), 0) as succeeded_sum,
              coalesce(sum(r.refund_amount) filter (where r.status = 'PENDING'), 0) as pending_sum
       from refunds r join o using (order_id) group by r.order_id
     )
     select o.*, coalesce(s.succeeded_sum, 0) as succeeded_sum, coalesce(s.pending_sum, 0) as pending_sum
     from o left join s using (order_id)
     where o.refunded_amount <> coalesce(s.succeeded_sum, 0)
        or o.refund_pending_amount <> coalesce(s.pending_sum, 0)
        or (o.status = 'REFUNDED') <> (o.refunded_amount > 0 and o.refunded_amount = o.total_amount)
     order by o.order_id`,
    { until: w.until, ...(w.since && { since: w.since }) },
  );
  return rows.map((r: any) => ({
    orderId: r.order_id,
    appId: r.app_id,
    outTradeNo: r.out_trade_no,
    status: r.status,
    totalAmount: Number(r.total_amount),
    refundedAmount: Number(r.refunded_amount),
    refundPendingAmount: Number(r.refund_pending_amount),
    succeededSum: Number(r.succeeded_sum),
    pendingSum: Number(r.pending_sum),
  }));
}

/** A refund with what its notices came to, as reconciliation reads it. */
export interface RefundNoticeState {
  refundId: string;
  source: RefundSource;
  appId: string;
  orderId: string;
  outTradeNo: string;
  outRefundNo: string | null;
  status: string;
  refundAmount: number;
  createdAt: Date;
  refundedAt: Date | null;
  updatedAt: Date;
  notifiedAt: Date | null;
  notifyAttempts: number;
  lastNotifyError: string | null;
  /** Attempts recorded as acknowledged (refund_notify_attempts.ok). */
  okAttempts: number;
}

const NOTICE_SELECT = `select r.refund_id, r.source, r.app_id, r.order_id, r.out_trade_no, r.out_refund_no, r.status, r.refund_amount,
         r.created_at, r.refunded_at, r.updated_at, r.notified_at, r.notify_attempts, r.last_notify_error,
         (select count(*) from refund_notify_attempts a where a.refund_id = r.refund_id and a.ok) as ok_attempts
  from refunds r`;

const toState = (r: any): RefundNoticeState => ({
  refundId: r.refund_id,
  source: r.source,
  appId: r.app_id,
  orderId: r.order_id,
  outTradeNo: r.out_trade_no,
  outRefundNo: r.out_refund_no,
  status: r.status,
  refundAmount: Number(r.refund_amount),
  createdAt: r.created_at,
  refundedAt: r.refunded_at,
  updatedAt: r.updated_at,
  notifiedAt: r.notified_at,
  notifyAttempts: r.notify_attempts,
  lastNotifyError: r.last_notify_error,
  okAttempts: Number(r.ok_attempts),
});

/**
 * One keyset page (by refund_id, after `after`) of the refunds created in the window, with the
 * count of their acknowledged notice attempts.
 */
export async function refundNoticePage(db: Db, w: TimeWindow, after: string, limit: number): Promise<RefundNoticeState[]> {
  const since = w.since ? 'and r.created_at >= :since' : '';
  const { rows } = await db.raw(
    `${NOTICE_SELECT} where r.created_at < :until ${since} and r.refund_id > :after order by r.refund_id limit :limit`,
    { until: w.until, after, limit, ...(w.since && { since: w.since }) },
  );
  return rows.map(toState);
}

/** One refund's notice state now (a second look after asking Temporal). */
export async function refundNoticeState(db: Db, refundId: string): Promise<RefundNoticeState | undefined> {
  const { rows } = await db.raw(`${NOTICE_SELECT} where r.refund_id = ?`, [refundId]);
  return rows[0] ? toState(rows[0]) : undefined;
}
