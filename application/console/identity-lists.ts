// The lists of 7.1's teams and users, which the contract leaves out (docs/API.md, "Console: teams
// and users"). Who sees which follows 7.1's rule for managing them: the platform roles every team
// and user, a team's mp_admin its own team's users, the other team roles no user list; every role
// sees its own team. A listed user never carries its token or the token's hash.
import { getTeam, listConsoleUsers, listTeams, type IdentityPageKey } from '../../lib/db/repos/console-identities';
import { decodeCursor, isTimestampKey, pageOf, type Page } from '../../lib/db/paging';
import { isPlatformRole, type Role } from '../../lib/domain/console/permissions';
import { managesUsers, type Principal } from '../../lib/domain/console/principal';
import type { ConsoleDeps } from './identities';
import { ConsoleRefused } from './refusals';

export interface UserView {
  userId: string;
  name: string;
  role: Role;
  teamId: string | null;
  teamName: string | null;
  createdBy: string;
  createdAt: Date;
  /** Null while the user's token works. */
  revokedAt: Date | null;
}

export interface TeamView {
  teamId: string;
  name: string;
  createdAt: Date;
  /** How many apps the team has. */
  apps: number;
  /** How many of its users are not revoked. */
  activeUsers: number;
}

/** The key of a cursor these lists gave: the row's created_at as PostgreSQL printed it, and its id. */
function pageKey(cursor: string | undefined): IdentityPageKey | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor);
  if (!key || key.length !== 2 || !isTimestampKey(key[0]) || typeof key[1] !== 'string' || key[1].length > 64)
    throw new ConsoleRefused('invalid', 'cursor is not one this list gave');
  return { createdAt: key[0], id: key[1] };
}

/** The team whose users the caller may list: any (or none: every user) for the platform roles, its own for an mp_admin. */
async function teamToList({ db }: ConsoleDeps, p: Principal, teamId: string | undefined): Promise<string | undefined> {
  if (!managesUsers(p)) throw new ConsoleRefused('forbidden', "only the platform roles and a team's mp_admin manage users");
  if (!isPlatformRole(p.role)) {
    if (teamId !== undefined && teamId !== p.teamId)
      throw new ConsoleRefused('forbidden', 'an mp_admin lists the users of its own team only');
    return p.teamId!;
  }
  if (teamId !== undefined && !(await getTeam(db, teamId))) throw new ConsoleRefused('notFound', 'unknown team');
  return teamId;
}

/** Users newest first; the built-in super admin (ADMIN_TOKEN) is no user and is not listed. */
export async function listUsers(
  deps: ConsoleDeps,
  p: Principal,
  o: { teamId?: string; limit: number; cursor?: string },
): Promise<Page<UserView>> {
  const teamId = await teamToList(deps, p, o.teamId);
  const rows = await listConsoleUsers(deps.db, { teamId, limit: o.limit + 1, after: pageKey(o.cursor) });
  const page = pageOf(rows, o.limit, (r) => [r.key.createdAt, r.key.id]);
  return {
    items: page.items.map(({ user: u }) => ({
      userId: u.userId,
      name: u.name,
      role: u.role,
      teamId: u.teamId,
      teamName: u.teamName,
      createdBy: u.createdBy,
      createdAt: u.createdAt,
      revokedAt: u.revokedAt,
    })),
    nextCursor: page.nextCursor,
  };
}

/** Teams newest first: every team for the platform roles, its own for a team role. */
export async function listVisibleTeams(deps: ConsoleDeps, p: Principal, o: { limit: number; cursor?: string }): Promise<Page<TeamView>> {
  const after = pageKey(o.cursor);
  if (!isPlatformRole(p.role) && p.teamId === null) return { items: [], nextCursor: null };
  const rows = await listTeams(deps.db, { teamId: isPlatformRole(p.role) ? undefined : p.teamId!, limit: o.limit + 1, after });
  const page = pageOf(rows, o.limit, (r) => [r.key.createdAt, r.key.id]);
  return {
    items: page.items.map(({ team: t }) => ({
      teamId: t.teamId,
      name: t.name,
      createdAt: t.createdAt,
      apps: t.apps,
      activeUsers: t.activeUsers,
    })),
    nextCursor: page.nextCursor,
  };
}
