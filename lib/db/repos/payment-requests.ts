// Payment enablement requests (CONTRACT.md 7.3): a team asks, the platform approves or rejects.
// At most one is pending per app (a partial unique index backs the application's check).
import { randomBytes } from 'node:crypto';
import type { Db } from '../db';

export const PAYMENT_REQUEST_STATUSES = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type PaymentRequestStatus = (typeof PAYMENT_REQUEST_STATUSES)[number];

export interface PaymentRequest {
  /** The list's sort key (newest first), not shown. */
  seq: number;
  requestId: string;
  appId: string;
  appName: string;
  /** The team of the request's app: who may see the request. */
  teamId: string | null;
  status: PaymentRequestStatus;
  message: string;
  reason: string | null;
  requestedBy: string;
  reviewedBy: string | null;
  createdAt: Date;
  reviewedAt: Date | null;
}

const toRequest = (r: any): PaymentRequest => ({
  seq: r.seq,
  requestId: r.request_id,
  appId: r.app_id,
  appName: r.app_name,
  teamId: r.team_id ?? null,
  status: r.status,
  message: r.message,
  reason: r.reason,
  requestedBy: r.requested_by,
  reviewedBy: r.reviewed_by,
  createdAt: r.created_at,
  reviewedAt: r.reviewed_at,
});

/** Requests with their app's name and team. */
const withApp = (db: Db) =>
  db('payment_requests as r').join('apps as a', 'a.app_id', 'r.app_id').select('r.*', 'a.name as app_name', 'a.team_id');

/**
 * Locks the app's row for the rest of the transaction and answers whether its payment is enabled:
 * two requests for one app made at once are decided one after the other.
 */
export async function lockAppPayment(trx: Db, appId: string): Promise<{ paymentEnabled: boolean } | undefined> {
  const row = await trx('apps').where({ app_id: appId }).forUpdate().first('payment_enabled');
  return row ? { paymentEnabled: row.payment_enabled } : undefined;
}

export async function hasPendingPaymentRequest(db: Db, appId: string): Promise<boolean> {
  return (await db('payment_requests').where({ app_id: appId, status: 'PENDING' }).first('seq')) !== undefined;
}

export async function insertPaymentRequest(db: Db, r: { appId: string; message: string; requestedBy: string }): Promise<PaymentRequest> {
  const requestId = `pr${randomBytes(10).toString('hex')}`;
  await db('payment_requests').insert({
    request_id: requestId,
    app_id: r.appId,
    status: 'PENDING',
    message: r.message,
    requested_by: r.requestedBy,
  });
  return (await getPaymentRequest(db, requestId))!;
}

export async function getPaymentRequest(db: Db, requestId: string): Promise<PaymentRequest | undefined> {
  const row = await withApp(db).where('r.request_id', requestId).first();
  return row ? toRequest(row) : undefined;
}

/**
 * Decides a pending request; undefined when it is not (or no longer) pending. The status test is
 * in the update itself, so of two reviewers deciding at once exactly one wins.
 */
export async function decidePaymentRequest(
  db: Db,
  requestId: string,
  d: { status: 'APPROVED' | 'REJECTED'; reason: string | null; reviewedBy: string },
): Promise<PaymentRequest | undefined> {
  const n = await db('payment_requests')
    .where({ request_id: requestId, status: 'PENDING' })
    .update({ status: d.status, reason: d.reason, reviewed_by: d.reviewedBy, reviewed_at: db.fn.now() });
  return n > 0 ? getPaymentRequest(db, requestId) : undefined;
}

export async function enableAppPayment(db: Db, appId: string): Promise<void> {
  await db('apps').where({ app_id: appId }).update({ payment_enabled: true, updated_at: db.fn.now() });
}

/** Newest first; `teamId` keeps the requests of that team's apps; `beforeSeq` pages. */
export async function listPaymentRequests(
  db: Db,
  o: { teamId?: string; status?: PaymentRequestStatus; beforeSeq?: number; limit: number },
): Promise<PaymentRequest[]> {
  const q = withApp(db).orderBy('r.seq', 'desc').limit(o.limit);
  if (o.teamId !== undefined) void q.where('a.team_id', o.teamId);
  if (o.status !== undefined) void q.where('r.status', o.status);
  if (o.beforeSeq !== undefined) void q.where('r.seq', '<', o.beforeSeq);
  return (await q).map(toRequest);
}
