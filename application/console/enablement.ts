// Payment enablement (CONTRACT.md 7.3): a team's mp_admin asks for payment on an app, the
// platform approves (the app's paymentEnabled turns on) or rejects. Who may ask or decide is
// checked by the route (7.2); which requests a caller sees is decided here: the platform roles
// see every app's, team roles their team's, and a request of an app the caller cannot see is
// answered as unknown.
import type { App } from '../../lib/db/repos/apps';
import { recordAudit } from '../../lib/db/repos/audit-log';
import {
  decidePaymentRequest,
  enableAppPayment,
  getPaymentRequest,
  hasPendingPaymentRequest,
  insertPaymentRequest,
  listPaymentRequests as listRequestRows,
  lockAppPayment,
  type PaymentRequest,
  type PaymentRequestStatus,
} from '../../lib/db/repos/payment-requests';
import { decodeCursor, pageOf, type Page } from '../../lib/db/paging';
import { isPlatformRole } from '../../lib/domain/console/permissions';
import { canSeeApp, type Principal } from '../../lib/domain/console/principal';
import type { ConsoleDeps } from './identities';
import { ConsoleRefused } from './refusals';

/** A payment request as the console shows it. */
export interface PaymentRequestView {
  requestId: string;
  appId: string;
  appName: string;
  status: PaymentRequestStatus;
  message: string;
  reason: string | null;
  requestedBy: string;
  reviewedBy: string | null;
  createdAt: Date;
  reviewedAt: Date | null;
}

const view = (r: PaymentRequest): PaymentRequestView => ({
  requestId: r.requestId,
  appId: r.appId,
  appName: r.appName,
  status: r.status,
  message: r.message,
  reason: r.reason,
  requestedBy: r.requestedBy,
  reviewedBy: r.reviewedBy,
  createdAt: r.createdAt,
  reviewedAt: r.reviewedAt,
});

const quote = (s: string, max = 200) => JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);

/** Files a request for `app` (already visible to the caller); 409 while one is pending or payment is on. */
export async function requestPaymentEnablement({ db }: ConsoleDeps, p: Principal, app: App, message: string): Promise<PaymentRequestView> {
  return db.transaction(async (trx) => {
    // The app's row lock orders concurrent requests for one app: the second sees the first.
    const current = await lockAppPayment(trx, app.appId);
    if (!current) throw new ConsoleRefused('appNotFound', 'unknown app');
    if (current.paymentEnabled) throw new ConsoleRefused('wrongState', 'payment is already enabled for this app');
    if (await hasPendingPaymentRequest(trx, app.appId))
      throw new ConsoleRefused('wrongState', 'a payment request for this app is already pending');
    const request = await insertPaymentRequest(trx, { appId: app.appId, message, requestedBy: p.userId });
    await recordAudit(trx, p, {
      action: 'payment.request',
      appId: app.appId,
      teamId: app.teamId,
      target: request.requestId,
      summary: `payment enablement requested: ${quote(message)}`,
    });
    return view(request);
  });
}

/** The request, when the caller may see its app; else 404/40405, the same as an unknown one. */
export async function getVisiblePaymentRequest({ db }: ConsoleDeps, p: Principal, requestId: string): Promise<PaymentRequestView> {
  const request = /^[A-Za-z0-9_-]{1,64}$/.test(requestId) ? await getPaymentRequest(db, requestId) : undefined;
  if (!request || !canSeeApp(p, request)) throw new ConsoleRefused('notFound', 'unknown payment request');
  return view(request);
}

/** Approves (turning the app's payment on) or rejects a pending request; else 409/40906. */
export async function reviewPaymentRequest(
  { db }: ConsoleDeps,
  p: Principal,
  requestId: string,
  decision: 'approve' | 'reject',
  reason: string | null,
): Promise<PaymentRequestView> {
  return db.transaction(async (trx) => {
    const status = decision === 'approve' ? 'APPROVED' : 'REJECTED';
    const decided = await decidePaymentRequest(trx, requestId, { status, reason, reviewedBy: p.userId });
    if (!decided) {
      const request = await getPaymentRequest(trx, requestId);
      if (!request || !canSeeApp(p, request)) throw new ConsoleRefused('notFound', 'unknown payment request');
      throw new ConsoleRefused('wrongState', `the payment request is ${request.status}, not PENDING`);
    }
    if (decision === 'approve') await enableAppPayment(trx, decided.appId);
    await recordAudit(trx, p, {
      action: decision === 'approve' ? 'payment.approve' : 'payment.reject',
      appId: decided.appId,
      teamId: decided.teamId,
      target: decided.requestId,
      summary: `payment enablement ${status.toLowerCase()}${decision === 'approve' ? ' (payment enabled)' : ''}${reason ? `: ${quote(reason)}` : ''}`,
    });
    return view(decided);
  });
}

/** Newest first: every app's for the platform roles, the own team's apps' for team roles. */
export async function listPaymentRequests(
  { db }: ConsoleDeps,
  p: Principal,
  o: { status?: PaymentRequestStatus; limit: number; cursor?: string },
): Promise<Page<PaymentRequestView>> {
  if (!isPlatformRole(p.role) && p.teamId === null) return { items: [], nextCursor: null };
  const key = o.cursor ? decodeCursor(o.cursor) : undefined;
  const beforeSeq = key && Number.isSafeInteger(key[0]) ? (key[0] as number) : undefined;
  if (key && beforeSeq === undefined) throw new ConsoleRefused('invalid', 'cursor is not one this list gave');
  const rows = await listRequestRows(db, {
    teamId: isPlatformRole(p.role) ? undefined : p.teamId!,
    status: o.status,
    beforeSeq,
    limit: o.limit + 1,
  });
  const page = pageOf(rows, o.limit, (r) => [r.seq]);
  return { items: page.items.map(view), nextCursor: page.nextCursor };
}
