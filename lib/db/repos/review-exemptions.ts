// Each app's review exemption (CONTRACT.md 7.5): one row per app holding its current state; an
// app without a row has none (NONE). Every change is a single conditional statement, so two
// callers acting at once cannot both move the same state.
import type { Db } from '../db';

export const EXEMPTION_STATUSES = ['NONE', 'PENDING', 'APPROVED', 'REJECTED', 'REVOKED'] as const;
export type ExemptionStatus = (typeof EXEMPTION_STATUSES)[number];

export interface ReviewExemption {
  appId: string;
  status: ExemptionStatus;
  message: string | null;
  reason: string | null;
  requestedBy: string | null;
  reviewedBy: string | null;
  updatedAt: Date | null;
}

const none = (appId: string): ReviewExemption => ({
  appId,
  status: 'NONE',
  message: null,
  reason: null,
  requestedBy: null,
  reviewedBy: null,
  updatedAt: null,
});

const toExemption = (r: any): ReviewExemption => ({
  appId: r.app_id,
  status: r.status,
  message: r.message,
  reason: r.reason,
  requestedBy: r.requested_by,
  reviewedBy: r.reviewed_by,
  updatedAt: r.updated_at,
});

export async function getReviewExemption(db: Db, appId: string): Promise<ReviewExemption> {
  const row = await db('review_exemptions').where({ app_id: appId }).first();
  return row ? toExemption(row) : none(appId);
}

/**
 * Files a request: from NONE, REJECTED or REVOKED to PENDING. Undefined while one is pending or
 * approved (the row is left as it was).
 */
export async function requestReviewExemption(
  db: Db,
  r: { appId: string; message: string; requestedBy: string },
): Promise<ReviewExemption | undefined> {
  const fields = {
    status: 'PENDING',
    message: r.message,
    reason: null,
    requested_by: r.requestedBy,
    reviewed_by: null,
    updated_at: db.fn.now(),
  };
  const [row] = await db('review_exemptions')
    .insert({ app_id: r.appId, ...fields })
    .onConflict('app_id')
    .merge(fields)
    .whereNotIn('review_exemptions.status', ['PENDING', 'APPROVED'])
    .returning('*');
  return row ? toExemption(row) : undefined;
}

/** Moves the exemption from `from` to `to`; undefined when it is not in `from`. */
export async function moveReviewExemption(
  db: Db,
  appId: string,
  m: { from: ExemptionStatus; to: ExemptionStatus; reason: string | null; reviewedBy: string },
): Promise<ReviewExemption | undefined> {
  const [row] = await db('review_exemptions')
    .where({ app_id: appId, status: m.from })
    .update({ status: m.to, reason: m.reason, reviewed_by: m.reviewedBy, updated_at: db.fn.now() })
    .returning('*');
  return row ? toExemption(row) : undefined;
}
