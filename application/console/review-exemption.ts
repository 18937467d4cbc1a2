// The review exemption (CONTRACT.md 7.5): a team asks that its items be released without the
// platform's review; the platform approves, rejects, or later revokes it, and may then take every
// live item of the app off sale. States: NONE -> PENDING -> APPROVED | REJECTED; APPROVED ->
// REVOKED; a new request is possible from NONE, REJECTED and REVOKED. The route has checked the
// app's visibility and the role's permission (7.2).
import type { App } from '../../lib/db/repos/apps';
import { recordAudit } from '../../lib/db/repos/audit-log';
import { removeLiveItems } from '../../lib/db/repos/items';
import {
  getReviewExemption as getExemptionRow,
  moveReviewExemption,
  requestReviewExemption as requestExemptionRow,
  type ExemptionStatus,
  type ReviewExemption,
} from '../../lib/db/repos/review-exemptions';
import type { Principal } from '../../lib/domain/console/principal';
import type { ConsoleDeps } from './identities';
import { ConsoleRefused } from './refusals';

export interface ReviewExemptionView {
  status: ExemptionStatus;
  message: string | null;
  reason: string | null;
  updatedAt: Date | null;
}

const view = (e: ReviewExemption): ReviewExemptionView => ({
  status: e.status,
  message: e.message,
  reason: e.reason,
  updatedAt: e.updatedAt,
});

const quote = (s: string, max = 200) => JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
const because = (reason: string | null) => (reason ? `: ${quote(reason)}` : '');

export async function getReviewExemption({ db }: ConsoleDeps, appId: string): Promise<ReviewExemptionView> {
  return view(await getExemptionRow(db, appId));
}

/** Just the status, for the app's own view (GET /v1/console/apps/{appId}). */
export async function reviewExemptionStatus({ db }: ConsoleDeps, appId: string): Promise<ExemptionStatus> {
  return (await getExemptionRow(db, appId)).status;
}

/** NONE, REJECTED or REVOKED -> PENDING; 409/40906 while pending or approved. */
export async function requestReviewExemption({ db }: ConsoleDeps, p: Principal, app: App, message: string): Promise<ReviewExemptionView> {
  return db.transaction(async (trx) => {
    const filed = await requestExemptionRow(trx, { appId: app.appId, message, requestedBy: p.userId });
    if (!filed) {
      const { status } = await getExemptionRow(trx, app.appId);
      throw new ConsoleRefused('wrongState', `the review exemption is already ${status}`);
    }
    await recordAudit(trx, p, {
      action: 'exemption.request',
      appId: app.appId,
      teamId: app.teamId,
      target: app.appId,
      summary: `review exemption requested: ${quote(message)}`,
    });
    return view(filed);
  });
}

/** Moves the exemption `from` -> `to` in `trx` with its audit entry, or 409/40906. */
async function move(
  trx: ConsoleDeps['db'],
  p: Principal,
  app: App,
  m: { from: ExemptionStatus; to: ExemptionStatus; reason: string | null; action: string; summary: string },
): Promise<ReviewExemption> {
  const moved = await moveReviewExemption(trx, app.appId, { from: m.from, to: m.to, reason: m.reason, reviewedBy: p.userId });
  if (!moved) {
    const { status } = await getExemptionRow(trx, app.appId);
    throw new ConsoleRefused('wrongState', `the review exemption is ${status}, not ${m.from}`);
  }
  await recordAudit(trx, p, { action: m.action, appId: app.appId, teamId: app.teamId, target: app.appId, summary: m.summary });
  return moved;
}

/** PENDING -> APPROVED or REJECTED. */
export async function reviewReviewExemption(
  { db }: ConsoleDeps,
  p: Principal,
  app: App,
  decision: 'approve' | 'reject',
  reason: string | null,
): Promise<ReviewExemptionView> {
  const to = decision === 'approve' ? 'APPROVED' : 'REJECTED';
  return db.transaction(async (trx) =>
    view(
      await move(trx, p, app, {
        from: 'PENDING',
        to,
        reason,
        action: `exemption.${decision}`,
        summary: `review exemption ${to.toLowerCase()}${because(reason)}`,
      }),
    ),
  );
}

/**
 * APPROVED -> REVOKED; with removeItems, every live item of the app is taken off sale in the same
 * transaction (a revocation that happened removed them, one that failed removed none).
 */
export async function revokeReviewExemption(
  { db }: ConsoleDeps,
  p: Principal,
  app: App,
  o: { reason: string | null; removeItems: boolean },
): Promise<ReviewExemptionView & { removedItems: number }> {
  return db.transaction(async (trx) => {
    // The state moves first: a refused revocation (409) must not have touched the items.
    const moved = await move(trx, p, app, {
      from: 'APPROVED',
      to: 'REVOKED',
      reason: o.reason,
      action: 'exemption.revoke',
      summary: `review exemption revoked${because(o.reason)}`,
    });
    let removedItems = 0;
    if (o.removeItems) {
      removedItems = (await removeLiveItems(trx, app.appId)).length;
      await recordAudit(trx, p, {
        action: 'items.remove',
        appId: app.appId,
        teamId: app.teamId,
        target: app.appId,
        summary: `${removedItems} live item(s) removed with the revocation of the review exemption`,
      });
    }
    return { ...view(moved), removedItems };
  });
}
