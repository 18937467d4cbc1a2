// The audit log's listing (CONTRACT.md 7.8): the platform roles read every entry; an mp_admin (the
// one team role with audit.view) reads its team's, those whose team_id is its team, which every
// change to the team's apps and users records. An appId the caller cannot see is 404/40403.
import { listAudit, type AuditEntry } from '../../lib/db/repos/audit-log';
import { decodeCursor, isBigintKey, pageOf, type Page } from '../../lib/db/paging';
import { isPlatformRole } from '../../lib/domain/console/permissions';
import type { Principal } from '../../lib/domain/console/principal';
import { getVisibleApp, type ConsoleDeps } from './identities';
import { ConsoleRefused } from './refusals';

export type AuditEntryView = Omit<AuditEntry, 'id'>;

export async function listAuditLog(
  deps: ConsoleDeps,
  p: Principal,
  o: { appId?: string; limit: number; cursor?: string },
): Promise<Page<AuditEntryView>> {
  if (o.appId !== undefined) await getVisibleApp(deps, p, o.appId);
  if (!isPlatformRole(p.role) && p.teamId === null) return { items: [], nextCursor: null };
  const key = o.cursor ? decodeCursor(o.cursor) : undefined;
  const before = key && key.length === 1 && isBigintKey(key[0]) ? key[0] : undefined;
  if (key && before === undefined) throw new ConsoleRefused('invalid', 'cursor is not one this list gave');
  const rows = await listAudit(deps.db, {
    appId: o.appId,
    teamId: isPlatformRole(p.role) ? undefined : p.teamId!,
    before,
    limit: o.limit + 1,
  });
  const page = pageOf(rows, o.limit, (r) => [r.id]);
  return { items: page.items.map(({ id: _id, ...entry }) => entry), nextCursor: page.nextCursor };
}
