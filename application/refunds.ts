// The three doors of a refund (CONTRACT.md 8.1, 8.2): the superapp's refund, a game backend's
// request and the console's. Each checks what the rows can say, in the contract's order, answers a
// repeat from the refund's row, and otherwise runs the refund's workflow (./refund-client.ts),
// whose first step claims the amount on the order row atomically (lib/db/repos/refunds.ts): the
// checks here only spare a workflow for what is already refused; the claim decides.
import { randomBytes } from 'node:crypto';
import type { Db } from '../lib/db/db';
import type { App } from '../lib/db/repos/apps';
import { getOrder, getOrderByTradeNo, type OrderRow } from '../lib/db/repos/orders';
import { draftOf, getRefund, getRefundByOutRefundNo, reviveFailedRefund, rowMatches, type RefundRow } from '../lib/db/repos/refunds';
import { REFUNDABLE_ORDER_STATUSES, type RefundDraft, type RefundRefusal, type RefundSource } from '../lib/domain/refund';
import type { SuperappRefund } from '../lib/domain/schemas';
import { REFUND_REFUSAL_FAILURES } from '../workflows/definitions';
import { isAnswerTimeout, refundRefusalType, type RefundClient } from './refund-client';
import { RefundRefused } from './refusals';

export interface RefundDeps {
  db: Db;
  refunds: RefundClient;
}

export interface RefundAnswer {
  refund: RefundRow;
  /** True when this request repeated a refund already recorded (answered from its row). */
  duplicate: boolean;
}

/** vpay's id of a refund asked through vpay. */
export const newRefundId = (): string => `rfd_${randomBytes(12).toString('hex')}`;

const REFUSAL_OF_FAILURE = new Map<string, RefundRefusal>(
  Object.entries(REFUND_REFUSAL_FAILURES).map(([refusal, type]) => [type, refusal as RefundRefusal]),
);

/** The contract's checks after the refund key's (8.1: 40905, 40903, 42202, 42203), from the order row. */
function refusalFromOrder(o: OrderRow, d: RefundDraft): RefundRefusal | undefined {
  if (!(REFUNDABLE_ORDER_STATUSES as readonly string[]).includes(o.status)) return 'orderNotPaid';
  if (o.transactionId !== d.transactionId) return 'transactionMismatch';
  if (o.currencyType !== d.currencyType) return 'currencyMismatch';
  // Pending refunds are the claim's to count: it decides atomically on the row.
  if (d.refundAmount <= 0 || d.refundAmount > o.totalAmount - o.refundedAmount) return 'amountNotRefundable';
  return undefined;
}

/**
 * The refund, recorded (and for one asked through vpay, answered by the superapp) or still PENDING
 * when the answer took longer than WORKFLOW_ANSWER_TIMEOUT_MS; RefundRefused when refused.
 */
async function run(deps: RefundDeps, order: OrderRow, draft: RefundDraft, existing: RefundRow | undefined): Promise<RefundAnswer> {
  if (existing) {
    if (!rowMatches(existing, draft)) throw new RefundRefused('refundConflict', order);
    // Decided: the row is the answer. Still PENDING: wait on its workflow like the first request.
    if (existing.status !== 'PENDING') return { refund: existing, duplicate: true };
  } else {
    const refusal = refusalFromOrder(order, draft);
    if (refusal) throw new RefundRefused(refusal, order);
  }
  const key = existing ? { ...draft, refundId: existing.refundId } : draft;
  try {
    const r = await deps.refunds.requestRefund(key);
    const row = await getRefund(deps.db, r.refundId);
    if (!row) throw new Error(`refund ${r.refundId} answered but not in its table`);
    return { refund: row, duplicate: existing !== undefined };
  } catch (err) {
    const type = refundRefusalType(err);
    const refusal = type === undefined ? undefined : REFUSAL_OF_FAILURE.get(type);
    if (refusal) throw new RefundRefused(refusal, order);
    if (!isAnswerTimeout(err)) throw err;
    // Out of time: a recorded refund is answered as it is (PENDING while the superapp has not
    // answered), if it is this request's; another request's under the same key is a conflict.
    const row = await findByKey(deps.db, draft);
    if (!row) throw err;
    if (!rowMatches(row, draft)) throw new RefundRefused('refundConflict', order);
    return { refund: row, duplicate: existing !== undefined };
  }
}

const findByKey = (db: Db, d: RefundDraft): Promise<RefundRow | undefined> =>
  d.outRefundNo !== null ? getRefundByOutRefundNo(db, d.appId, d.outRefundNo) : getRefund(db, d.refundId);

/** CONTRACT.md 8.1: a refund the superapp made. Answers once it is recorded (SUCCEEDED). */
export async function recordSuperappRefund(deps: RefundDeps, r: SuperappRefund): Promise<RefundAnswer> {
  const order = await getOrder(deps.db, r.orderId);
  if (!order) throw new RefundRefused('unknownOrder');
  const draft: RefundDraft = {
    refundId: r.refundId,
    source: 'superapp',
    appId: order.appId,
    orderId: order.orderId,
    outTradeNo: order.outTradeNo,
    outRefundNo: null,
    openId: order.openId,
    transactionId: r.transactionId,
    refundAmount: r.refundAmount,
    currencyType: r.currencyType,
    reason: r.reason ?? '',
    env: order.env,
    createdAt: new Date().toISOString(),
    refundedAt: r.refundedAt,
  };
  const existing = await getRefund(deps.db, r.refundId);
  // The superapp telling vpay of a refund vpay asked it for (8.2, under vpay's refundId), naming
  // the same order, payment, amount and currency. PENDING or SUCCEEDED: that refund is settled by
  // the superapp's answer to vpay's call, so this changes nothing and is answered as a duplicate.
  // FAILED (vpay took an answer for a refusal, or the refund was overtaken): the superapp says the
  // money moved, so the refund is recorded after all (reviveEcho).
  if (existing && existing.source !== 'superapp' && isEchoOf(existing, draft)) {
    if (existing.status === 'FAILED') return reviveEcho(deps, order, existing, draft);
    if (existing.status === 'SUCCEEDED' && existing.notifiedAt === null && existing.notifyAttempts === 0) {
      // A revived refund whose notice workflow did not start (see reviveEcho): start it now.
      await ensureNotice(deps, existing);
    }
    return { refund: existing, duplicate: true };
  }
  return run(deps, order, draft, existing);
}

/**
 * The superapp did refund a refund vpay recorded as FAILED: SUCCEEDED with the superapp's
 * refundedAt when it still fits in what is left to refund (the money is recorded, the order
 * REFUNDED if that was all of it), then notified as usual by a new run of the refund's workflow
 * (whose claim finds the row SUCCEEDED). When it does not fit (other refunds took the rest since),
 * nothing can record it: 422/42203, and RefundRefused.unrecordable tells the route to raise an alert.
 */
async function reviveEcho(deps: RefundDeps, order: OrderRow, existing: RefundRow, draft: RefundDraft): Promise<RefundAnswer> {
  const revived = await reviveFailedRefund(deps.db, existing.refundId, draft.refundedAt ?? new Date().toISOString());
  if (!revived) {
    const now = await getRefund(deps.db, existing.refundId);
    // Revived meanwhile by a concurrent repeat: answered like any duplicate.
    if (now && now.status === 'SUCCEEDED') return { refund: now, duplicate: true };
    const refused = new RefundRefused('amountNotRefundable', order);
    refused.unrecordable = true;
    throw refused;
  }
  await ensureNotice(deps, revived.refund);
  return { refund: (await getRefund(deps.db, existing.refundId)) ?? revived.refund, duplicate: false };
}

/** Runs the workflow of a SUCCEEDED refund asked through vpay, which notifies it (its claim finds the row). */
async function ensureNotice(deps: RefundDeps, r: RefundRow): Promise<void> {
  try {
    await deps.refunds.requestRefund({ ...draftOf(r), refundId: r.refundId, createdAt: r.createdAt.toISOString(), refundedAt: null });
  } catch (err) {
    // Out of time: the workflow runs on. Anything else: the superapp's repeat tries again.
    if (!isAnswerTimeout(err)) throw err;
  }
}

const isEchoOf = (r: RefundRow, d: RefundDraft): boolean =>
  r.orderId === d.orderId && r.transactionId === d.transactionId && r.refundAmount === d.refundAmount && r.currencyType === d.currencyType;

/** What a game backend or the console asks (CONTRACT.md 8.2), once the order is found. */
export interface AskedRefund {
  source: Exclude<RefundSource, 'superapp'>;
  outRefundNo: string;
  refundAmount: number;
  reason: string;
  refundId?: string;
  /** A console refund's auditor: the claim writes its audit entry (RefundDraft.audit). */
  audit?: RefundDraft['audit'];
}

/**
 * CONTRACT.md 8.2: a refund asked through vpay for `order`, idempotent per (appId, outRefundNo).
 * Answers once the superapp has answered, or PENDING after WORKFLOW_ANSWER_TIMEOUT_MS.
 */
export async function askRefund(deps: RefundDeps, order: OrderRow, a: AskedRefund): Promise<RefundAnswer> {
  const draft: RefundDraft = {
    refundId: a.refundId ?? newRefundId(),
    source: a.source,
    appId: order.appId,
    orderId: order.orderId,
    outTradeNo: order.outTradeNo,
    outRefundNo: a.outRefundNo,
    openId: order.openId,
    // The order's own payment and currency: a refund asked through vpay names neither.
    transactionId: order.transactionId ?? '',
    refundAmount: a.refundAmount,
    currencyType: order.currencyType,
    reason: a.reason,
    env: order.env,
    createdAt: new Date().toISOString(),
    refundedAt: null,
    ...(a.audit ? { audit: a.audit } : {}),
  };
  return run(deps, order, draft, await getRefundByOutRefundNo(deps.db, order.appId, a.outRefundNo));
}

/** A game backend's refund (8.2): the app's order by outTradeNo (404/40402 when none). */
export async function requestGameRefund(
  deps: RefundDeps,
  app: App,
  r: { outTradeNo: string; outRefundNo: string; refundAmount: number; reason?: string },
): Promise<RefundAnswer> {
  const order = await getOrderByTradeNo(deps.db, app.appId, r.outTradeNo);
  if (!order) throw new RefundRefused('unknownOrder');
  return askRefund(deps, order, { source: 'game', outRefundNo: r.outRefundNo, refundAmount: r.refundAmount, reason: r.reason ?? '' });
}

/** A game backend's refund query (8.2): the app's refund by outRefundNo (404/40406 when none). */
export async function queryGameRefund(db: Db, app: App, outRefundNo: string): Promise<RefundRow> {
  const r = await getRefundByOutRefundNo(db, app.appId, outRefundNo);
  if (!r) throw new RefundRefused('unknownRefund');
  return r;
}
