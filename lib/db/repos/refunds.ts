// The refunds projection (CONTRACT.md 8): one row per refund, written by its refund workflow's
// activities, read by the refund query, the console's order detail and after-sales records.
// Schema: migrations/009_refunds.ts.
//
// The order row is the one writer of what an order has given back (docs/ARCHITECTURE.md,
// *Refunds: the one writer of the refunded total*): claimRefund takes a refund's amount with one
// conditional UPDATE of the order in the transaction that inserts the refund; settleRefund and
// failRefund move it on, each once (only from PENDING).
import type { Db } from '../db';
import type { OrderStatus } from '../../domain/order';
import { recordAudit } from './audit-log';
import { sameRefund, type RefundDraft, type RefundRefusal, type RefundSource, type RefundStatus } from '../../domain/refund';

export type { RefundSource, RefundStatus } from '../../domain/refund';

/** A refund as its row keeps it. */
export interface RefundRow {
  refundId: string;
  source: RefundSource;
  appId: string;
  orderId: string;
  outTradeNo: string;
  /** The game's or console's own number; null when the superapp made the refund. */
  outRefundNo: string | null;
  openId: string;
  transactionId: string;
  refundAmount: number;
  currencyType: string;
  reason: string;
  status: RefundStatus;
  failReason: string | null;
  env: number;
  /** When the refund was initiated. */
  createdAt: Date;
  refundedAt: Date | null;
  notifiedAt: Date | null;
  notifyAttempts: number;
  lastNotifyError: string | null;
  notifyAlertedAt: Date | null;
}

/** A row of `refunds` as a RefundRow. */
export const toRefund = (r: any): RefundRow => ({
  refundId: r.refund_id,
  source: r.source,
  appId: r.app_id,
  orderId: r.order_id,
  outTradeNo: r.out_trade_no,
  outRefundNo: r.out_refund_no,
  openId: r.open_id,
  transactionId: r.transaction_id,
  refundAmount: Number(r.refund_amount),
  currencyType: r.currency_type,
  reason: r.reason,
  status: r.status,
  failReason: r.fail_reason,
  env: r.env,
  createdAt: r.created_at,
  refundedAt: r.refunded_at,
  notifiedAt: r.notified_at,
  notifyAttempts: r.notify_attempts,
  lastNotifyError: r.last_notify_error,
  notifyAlertedAt: r.notify_alerted_at,
});

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A refund as CONTRACT.md 8.2 shows it (the refund query, the console, after-sales records). */
export function refundView(r: RefundRow) {
  return {
    refundId: r.refundId,
    outRefundNo: r.outRefundNo,
    source: r.source,
    orderId: r.orderId,
    appId: r.appId,
    outTradeNo: r.outTradeNo,
    openId: r.openId,
    refundAmount: r.refundAmount,
    currencyType: r.currencyType,
    reason: r.reason,
    status: r.status,
    failReason: r.failReason,
    createdAt: iso(r.createdAt),
    refundedAt: iso(r.refundedAt),
    notifiedAt: iso(r.notifiedAt),
    notifyAttempts: r.notifyAttempts,
  };
}
export type RefundView = ReturnType<typeof refundView>;

/** The refund of `refundId`, or (for a refund asked through vpay) the one holding its outRefundNo. */
async function findSameKey(db: Db, d: Pick<RefundDraft, 'refundId' | 'appId' | 'outRefundNo'>): Promise<RefundRow | undefined> {
  const q = db('refunds').where({ refund_id: d.refundId });
  if (d.outRefundNo !== null) void q.orWhere({ app_id: d.appId, out_refund_no: d.outRefundNo });
  const row = await q.first();
  return row ? toRefund(row) : undefined;
}

export async function getRefund(db: Db, refundId: string): Promise<RefundRow | undefined> {
  const row = await db('refunds').where({ refund_id: refundId }).first();
  return row ? toRefund(row) : undefined;
}

export async function getRefundByOutRefundNo(db: Db, appId: string, outRefundNo: string): Promise<RefundRow | undefined> {
  const row = await db('refunds').where({ app_id: appId, out_refund_no: outRefundNo }).first();
  return row ? toRefund(row) : undefined;
}

/** The order's refunds, oldest first (the console's order detail). */
export async function listOrderRefunds(db: Db, orderId: string): Promise<RefundRow[]> {
  const rows = await db('refunds')
    .where({ order_id: orderId })
    .orderBy([{ column: 'created_at' }, { column: 'refund_id' }]);
  return rows.map(toRefund);
}

/** A row's fields as a draft's, to compare a repeated request with the refund it repeats. */
export const draftOf = (r: RefundRow): Omit<RefundDraft, 'refundId' | 'createdAt'> => ({
  source: r.source,
  appId: r.appId,
  orderId: r.orderId,
  outTradeNo: r.outTradeNo,
  outRefundNo: r.outRefundNo,
  openId: r.openId,
  transactionId: r.transactionId,
  refundAmount: r.refundAmount,
  currencyType: r.currencyType,
  reason: r.reason,
  env: r.env as 0 | 1,
  refundedAt: r.refundedAt ? r.refundedAt.toISOString() : null,
});

/** True when `r` is the refund `d` asks for (same key and fields), whatever refundId `d` was given. */
export const rowMatches = (r: RefundRow, d: RefundDraft): boolean =>
  sameRefund(
    { ...d, refundedAt: d.source === 'superapp' && d.refundedAt ? new Date(d.refundedAt).toISOString() : d.refundedAt },
    draftOf(r),
  );

export type ClaimOutcome =
  { claimed: true; refund: RefundRow; orderStatus: OrderStatus | null } | { claimed: false; refusal: RefundRefusal };

/**
 * Records a refund and takes its amount from what the order has left to give back, atomically:
 * one conditional UPDATE of the order (paid, this payment's transaction and currency, and
 * refunded + pending + amount <= total; for a refund the superapp made, refunded + amount <= total)
 * in the transaction that inserts the refund. Concurrent
 * refunds of one order queue on its row, so together they can never refund more than was paid (and
 * the check constraint orders_refunds_within_payment says so again; pending amounts may exceed
 * what is left once the superapp's own refund overtook them, and settleRefund fails those). A refund the superapp already
 * made (8.1) is SUCCEEDED at once: its amount goes straight to refunded_amount, and an order
 * refunded in full becomes REFUNDED in the same statement. One asked through vpay (8.2) is PENDING
 * and holds its amount in refund_pending_amount until the superapp answers.
 *
 * Idempotent: a refund already recorded under the draft's refundId (or outRefundNo) is answered
 * as it is, or refused as `refundConflict` when its fields differ.
 */
export async function claimRefund(db: Db, d: RefundDraft): Promise<ClaimOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (trx): Promise<ClaimOutcome> => {
        const existing = await findSameKey(trx, d);
        if (existing) {
          return rowMatches(existing, d)
            ? { claimed: true, refund: existing, orderStatus: null }
            : { claimed: false, refusal: 'refundConflict' };
        }
        const now = d.source === 'superapp';
        // A refund the superapp made (8.1) reports money that already moved: it is checked against
        // what is left to refund (total - refunded) only, never refused for amounts vpay has merely
        // asked for and not yet been answered (docs/ARCHITECTURE.md, *Refunds: the superapp's refund
        // overtakes pending ones*). One asked through vpay also counts the pending amounts.
        const take = now
          ? `refunded_amount = refunded_amount + :amount,
             status = case when refunded_amount + :amount = total_amount then 'REFUNDED' else status end`
          : 'refund_pending_amount = refund_pending_amount + :amount';
        const fits = now
          ? 'refunded_amount + :amount <= total_amount'
          : 'refunded_amount + refund_pending_amount + :amount <= total_amount';
        if (d.refundAmount <= 0) return { claimed: false, refusal: await whyNotRefundable(trx, d) };
        const { rows } = await trx.raw(
          `update orders set ${take}, updated_at = now()
           where order_id = :orderId and status in ('PAID', 'DELIVERED') and transaction_id = :transactionId
             and currency_type = :currencyType
             and ${fits}
           returning status`,
          { amount: d.refundAmount, orderId: d.orderId, transactionId: d.transactionId, currencyType: d.currencyType },
        );
        if (rows.length === 0) return { claimed: false, refusal: await whyNotRefundable(trx, d) };
        const [row] = await trx('refunds')
          .insert({
            refund_id: d.refundId,
            source: d.source,
            app_id: d.appId,
            order_id: d.orderId,
            out_trade_no: d.outTradeNo,
            out_refund_no: d.outRefundNo,
            open_id: d.openId,
            transaction_id: d.transactionId,
            refund_amount: d.refundAmount,
            currency_type: d.currencyType,
            reason: d.reason,
            status: now ? 'SUCCEEDED' : 'PENDING',
            env: d.env,
            created_at: d.createdAt,
            refunded_at: now ? (d.refundedAt ?? trx.fn.now()) : null,
          })
          .returning('*');
        const refund = toRefund(row);
        if (d.audit) {
          // A console refund's audit entry (7.8), with the refund it records: never one without the other.
          await recordAudit(trx, d.audit, {
            action: 'order.refund',
            appId: d.appId,
            teamId: d.audit.teamId,
            target: d.orderId,
            summary: `refund ${refund.refundId} (outRefundNo ${refund.outRefundNo}) of ${refund.refundAmount} ${refund.currencyType} for order ${d.orderId}, reason ${JSON.stringify(refund.reason)}`,
          });
        }
        return { claimed: true, refund, orderStatus: rows[0].status as OrderStatus };
      });
    } catch (err) {
      // Two claims of one refund at once (a workflow's rerun, or two workflows for one superapp
      // refundId): the loser's insert hits the key; its transaction is gone, so look again.
      if ((err as { code?: string }).code === '23505' && attempt < 3) continue;
      throw err;
    }
  }
}

/** Why the order refused the claim, in the contract's order (8.1). */
async function whyNotRefundable(db: Db, d: RefundDraft): Promise<RefundRefusal> {
  const o = await db('orders').where({ order_id: d.orderId }).first('status', 'transaction_id', 'currency_type');
  if (!o || !['PAID', 'DELIVERED', 'REFUNDED'].includes(o.status)) return 'orderNotPaid';
  if (o.transaction_id !== d.transactionId) return 'transactionMismatch';
  if (o.currency_type !== d.currencyType) return 'currencyMismatch';
  return 'amountNotRefundable';
}

export interface RefundOutcome {
  refund: RefundRow;
  /** The order's status after this refund (REFUNDED once all of it is given back). */
  orderStatus: OrderStatus;
  /**
   * True when the superapp answered that it refunded this PENDING refund but a refund the superapp
   * made itself (8.1) had meanwhile taken what was left: the refund is FAILED instead (settling it
   * would give back more than was paid), and the superapp may have paid the player twice.
   */
  overtaken?: boolean;
}

/** failReason of a PENDING refund overtaken by a refund the superapp made itself (see settleRefund). */
export const OVERTAKEN_BY_SUPERAPP = 'the order was refunded by the superapp meanwhile';

/**
 * The superapp refunded a PENDING refund: SUCCEEDED, its amount moved from pending to
 * refunded_amount, the order REFUNDED when all of it is refunded. Once only (from PENDING);
 * a repeat answers the refund as it is. When refunds the superapp made itself (8.1) have meanwhile
 * taken so much that this one no longer fits (refunded + amount > total), it is FAILED with
 * OVERTAKEN_BY_SUPERAPP and `overtaken` is set: the refunded total never exceeds the payment.
 */
export async function settleRefund(db: Db, refundId: string): Promise<RefundOutcome> {
  return db.transaction(async (trx) => {
    const pending = await trx('refunds').where({ refund_id: refundId, status: 'PENDING' }).forUpdate().first('order_id', 'refund_amount');
    if (pending) {
      const o = await trx('orders').where({ order_id: pending.order_id }).forUpdate().first('refunded_amount', 'total_amount');
      if (Number(o.refunded_amount) + Number(pending.refund_amount) > Number(o.total_amount)) {
        const out = await moveOn(trx, refundId, { status: 'FAILED', fail_reason: OVERTAKEN_BY_SUPERAPP }, false);
        return { ...out, overtaken: true };
      }
    }
    return moveOn(trx, refundId, { status: 'SUCCEEDED', refunded_at: trx.raw('coalesce(refunded_at, now())') }, true);
  });
}

/**
 * The superapp reports (8.1, under vpay's refundId) that it did refund a refund vpay asked for and
 * recorded as FAILED (a refusal, or overtaken): the money moved, so the refund becomes SUCCEEDED
 * with the superapp's refundedAt and its amount is added to the order's refunded total, when it
 * still fits (refunded + amount <= total). Undefined when it does not fit (nothing changes) or the
 * refund is not FAILED any more.
 */
export async function reviveFailedRefund(db: Db, refundId: string, refundedAt: string): Promise<RefundOutcome | undefined> {
  return db.transaction(async (trx) => {
    const failed = await trx('refunds').where({ refund_id: refundId, status: 'FAILED' }).forUpdate().first('order_id', 'refund_amount');
    if (!failed) return undefined;
    const { rows } = await trx.raw(
      `update orders set refunded_amount = refunded_amount + :amount,
         status = case when refunded_amount + :amount = total_amount then 'REFUNDED' else status end, updated_at = now()
       where order_id = :orderId and refunded_amount + :amount <= total_amount returning status`,
      { amount: failed.refund_amount, orderId: failed.order_id },
    );
    if (rows.length === 0) return undefined;
    const [row] = await trx('refunds')
      .where({ refund_id: refundId })
      .update({ status: 'SUCCEEDED', fail_reason: null, refunded_at: refundedAt, updated_at: trx.fn.now() })
      .returning('*');
    return { refund: toRefund(row), orderStatus: rows[0].status as OrderStatus };
  });
}

/** The superapp refused a PENDING refund: FAILED with its reason, the amount released. Once only. */
export async function failRefund(db: Db, refundId: string, failReason: string): Promise<RefundOutcome> {
  return moveOn(db, refundId, { status: 'FAILED', fail_reason: failReason }, false);
}

async function moveOn(db: Db, refundId: string, changes: Record<string, unknown>, succeeded: boolean): Promise<RefundOutcome> {
  return db.transaction(async (trx) => {
    const [row] = await trx('refunds')
      .where({ refund_id: refundId, status: 'PENDING' })
      .update({ ...changes, updated_at: trx.fn.now() })
      .returning('*');
    if (!row) {
      const now = await getRefund(trx, refundId);
      if (!now) throw new Error(`no refund ${refundId}`);
      const o = await trx('orders').where({ order_id: now.orderId }).first('status');
      return { refund: now, orderStatus: o.status };
    }
    const refund = toRefund(row);
    const { rows } = await trx.raw(
      succeeded
        ? `update orders set refund_pending_amount = refund_pending_amount - :amount, refunded_amount = refunded_amount + :amount,
             status = case when refunded_amount + :amount = total_amount then 'REFUNDED' else status end, updated_at = now()
           where order_id = :orderId returning status`
        : `update orders set refund_pending_amount = refund_pending_amount - :amount, updated_at = now()
           where order_id = :orderId returning status`,
      { amount: refund.refundAmount, orderId: refund.orderId },
    );
    return { refund, orderStatus: rows[0].status as OrderStatus };
  });
}

/**
 * Counts a notice attempt before it is sent (its X-Vpay-Attempt is never reused) for a SUCCEEDED
 * refund not yet notified. Returns the refund as it now is; one already notified is returned
 * unchanged (the caller sends nothing). Undefined when there is no such refund.
 */
export async function beginRefundNotifyAttempt(db: Db, refundId: string): Promise<RefundRow | undefined> {
  const [row] = await db('refunds')
    .where({ refund_id: refundId, status: 'SUCCEEDED' })
    .whereNull('notified_at')
    .update({ notify_attempts: db.raw('notify_attempts + 1'), updated_at: db.fn.now() })
    .returning('*');
  return row ? toRefund(row) : getRefund(db, refundId);
}

export interface RefundNotifyAttemptRecord {
  refundId: string;
  attempt: number;
  url: string;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

/** Records a notice attempt; a success sets notified_at in the same statement (at most once). */
export async function finishRefundNotifyAttempt(db: Db, a: RefundNotifyAttemptRecord): Promise<RefundRow> {
  const notified = a.ok ? ', notified_at = coalesce(notified_at, now())' : '';
  // Once, however often it is written (see finishDeliveryAttempt in orders.ts).
  const { rows } = await db.raw(
    `with attempt as (
       insert into refund_notify_attempts (refund_id, attempt, url, ok, http_status, error, duration_ms)
       select ?::varchar, ?::int, ?::varchar, ?::boolean, ?::int, ?::text, ?::int
       where not exists (select 1 from refund_notify_attempts where refund_id = ? and attempt = ?)
     )
     update refunds set last_notify_error = ?, updated_at = now()${notified}
     where refund_id = ? returning *`,
    [a.refundId, a.attempt, a.url, a.ok, a.httpStatus, a.error, a.durationMs, a.refundId, a.attempt, a.ok ? null : a.error, a.refundId],
  );
  return toRefund(rows[0]);
}

export async function markRefundNoticeAlerted(db: Db, refundId: string): Promise<void> {
  await db('refunds')
    .where({ refund_id: refundId })
    .update({ notify_alerted_at: db.raw('coalesce(notify_alerted_at, now())') });
}

/** What wakes a refund's workflow (application/refund-client.ts derives its ID from these). */
export interface WaitingRefund {
  appId: string;
  source: RefundSource;
  refundId: string;
  outRefundNo: string | null;
}

/** SUCCEEDED refunds of the endpoint not yet notified, with at least one failed attempt, by refundId after `after`. */
export async function listRefundsWaitingNotice(
  db: Db,
  e: { appId: string; env: 0 | 1 },
  after: string,
  limit: number,
): Promise<WaitingRefund[]> {
  const rows = await db('refunds')
    .where({ app_id: e.appId, env: e.env, status: 'SUCCEEDED' })
    .whereNull('notified_at')
    .andWhere('notify_attempts', '>', 0)
    .andWhere('refund_id', '>', after)
    .orderBy('refund_id')
    .limit(limit)
    .select('app_id', 'source', 'refund_id', 'out_refund_no');
  return rows.map((r: any) => ({ appId: r.app_id, source: r.source, refundId: r.refund_id, outRefundNo: r.out_refund_no }));
}
