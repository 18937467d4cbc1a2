// Who is calling the console: a user with one role and, for team roles, one team. ADMIN_TOKEN is
// the built-in super admin, who is no row of the users table.
import type { Role } from './permissions';
import { isPlatformRole } from './permissions';

export interface Principal {
  userId: string;
  name: string;
  role: Role;
  teamId: string | null;
}

export const BUILTIN_SUPER_ADMIN: Principal = {
  userId: 'super_admin',
  name: 'super admin (ADMIN_TOKEN)',
  role: 'super_admin',
  teamId: null,
};

/** An app is visible to the platform roles, and to the members of its team. */
export const canSeeApp = (p: Principal, app: { teamId: string | null }): boolean =>
  isPlatformRole(p.role) || (p.teamId !== null && app.teamId === p.teamId);

/** What a principal may act on as a team's admin: any team for the platform roles, its own for mp_admin. */
export const administersTeam = (p: Principal, teamId: string): boolean =>
  isPlatformRole(p.role) || (p.role === 'mp_admin' && p.teamId === teamId);

/** Who manages users (7.1, a rule of its own rather than a row of 7.2): the platform roles, and a team's mp_admin. */
export const managesUsers = (p: Principal): boolean => isPlatformRole(p.role) || p.role === 'mp_admin';
