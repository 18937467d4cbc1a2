// The audit log (CONTRACT.md 7.8): one entry per console change that succeeded, written in the
// same transaction as the change, never with a secret in it (callers write summaries, not bodies).
import type { Db } from '../db';
import type { Principal } from '../../domain/console/principal';

export interface AuditEntry {
  id: string;
  at: Date;
  userId: string;
  role: string;
  action: string;
  appId: string | null;
  target: string | null;
  summary: string;
}

export interface AuditRecord {
  action: string;
  appId?: string | null;
  teamId?: string | null;
  target?: string | null;
  summary: string;
}

/** Who made the change: a console Principal, or the part of it a refund draft carries. */
export type Auditor = Pick<Principal, 'userId' | 'teamId'> & { role: string };

export async function recordAudit(db: Db, p: Auditor, e: AuditRecord): Promise<void> {
  await db('audit_log').insert({
    user_id: p.userId,
    role: p.role,
    action: e.action,
    app_id: e.appId ?? null,
    team_id: e.teamId ?? p.teamId,
    target: e.target ?? null,
    summary: e.summary.slice(0, 2000),
  });
}

/** Newest first; `before` is the id of the last entry of the previous page. */
export async function listAudit(db: Db, o: { appId?: string; teamId?: string; before?: string; limit: number }): Promise<AuditEntry[]> {
  const q = db('audit_log').orderBy('id', 'desc').limit(o.limit);
  if (o.appId) void q.where({ app_id: o.appId });
  if (o.teamId) void q.where({ team_id: o.teamId });
  if (o.before) void q.where('id', '<', o.before);
  const rows = await q;
  return rows.map((r: any) => ({
    id: String(r.id),
    at: r.at,
    userId: r.user_id,
    role: r.role,
    action: r.action,
    appId: r.app_id,
    target: r.target,
    summary: r.summary,
  }));
}
