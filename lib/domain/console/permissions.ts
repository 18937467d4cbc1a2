// Who may do what in the console: the seed's role tables (CONTRACT.md 7.2), cell by cell, in one
// table. The console's middleware enforces it per route (api/console/middlewares.ts) and the
// integration test of every capability x every role is generated from it. Also who may revoke a
// user (7.1's own rule), which the web console needs too: this module is the one it imports.

export const ROLES = ['super_admin', 'platform_admin', 'mp_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator'] as const;
export type Role = (typeof ROLES)[number];

/** The superapp's side: they see every app and approve. They belong to no team. */
export const PLATFORM_ROLES: readonly Role[] = ['super_admin', 'platform_admin'];
/** A mini program team's members: each belongs to one team and sees its apps only. */
export const TEAM_ROLES: readonly Role[] = ['mp_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator'];

export const isPlatformRole = (r: Role): boolean => PLATFORM_ROLES.includes(r);

const S = 'super_admin';
const P = 'platform_admin';
const A = 'mp_admin';
const SD = 'mp_senior_developer';
const D = 'mp_developer';
const O = 'mp_operator';

/** Capability -> the roles allowed (7.2; the rows marked * there are vpay's additions). */
export const PERMISSIONS = {
  'payment.request': [A],
  'payment.review': [S, P],
  'delivery.view': [S, P, A, SD, D, O],
  'delivery.configure': [A, SD],
  'exemption.view': [S, P, A, SD, D, O],
  'exemption.request': [A, SD],
  'exemption.review': [S, P],
  'items.view': [S, P, A, SD, D, O],
  'items.template': [A, SD, D],
  'items.edit': [A, SD, D],
  'items.release': [A, SD],
  'items.review': [S, P],
  'items.remove': [A],
  'orders.view': [S, P, A, SD, D, O],
  'orders.redeliver': [A, SD],
  'refunds.view': [S, P, A, SD, D, O],
  'refunds.create': [S, P, A],
  'audit.view': [S, P, A],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof PERMISSIONS;
export const CAPABILITIES = Object.keys(PERMISSIONS) as Capability[];

export const may = (role: Role, capability: Capability): boolean => (PERMISSIONS[capability] as readonly Role[]).includes(role);

/** Someone with a role and, for team roles, a team: the caller, or the user acted on. */
export interface RoleInTeam {
  role: Role;
  teamId: string | null;
}

/**
 * Who may revoke `user` (7.1's own rule, not a row of the table): a platform user only the super
 * admin; a team user the platform roles and its own team's mp_admin. The API enforces it
 * (application/console/identities.ts); the Team users page offers *Revoke* by it.
 */
export const mayRevokeUser = (actor: RoleInTeam, user: RoleInTeam): boolean =>
  isPlatformRole(user.role)
    ? actor.role === S
    : isPlatformRole(actor.role) || (actor.role === A && actor.teamId !== null && actor.teamId === user.teamId);
