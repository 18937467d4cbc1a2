// Teams, users and apps in the console (CONTRACT.md 7.1). Who may create or revoke whom is a rule
// of its own (not a row of 7.2): the platform roles act on any team, a team's mp_admin on its own.
import type { Db } from '../../lib/db/db';
import {
  getTeam,
  getConsoleUser,
  insertConsoleUser,
  insertTeam,
  revokeConsoleUser,
  type Team,
} from '../../lib/db/repos/console-identities';
import { getApp, insertTeamApp, listApps, type App } from '../../lib/db/repos/apps';
import { recordAudit } from '../../lib/db/repos/audit-log';
import { decodeCursor, isIsoTimeKey, pageOf, type Page } from '../../lib/db/paging';
import { isPlatformRole, mayRevokeUser, type Role } from '../../lib/domain/console/permissions';
import { administersTeam, canSeeApp, managesUsers, type Principal } from '../../lib/domain/console/principal';
import { ConsoleRefused } from './refusals';

export interface ConsoleDeps {
  db: Db;
}

/** An app as the console shows it. */
export interface ConsoleApp {
  appId: string;
  name: string;
  teamId: string | null;
  paymentEnabled: boolean;
  deliveryConfigured: boolean;
}

export const consoleAppView = (a: App): ConsoleApp => ({
  appId: a.appId,
  name: a.name,
  teamId: a.teamId,
  paymentEnabled: a.paymentEnabled,
  deliveryConfigured: a.deliveryUrl !== null && a.appKey !== null,
});

const forbidden = (why: string) => new ConsoleRefused('forbidden', why);

export async function createTeam({ db }: ConsoleDeps, p: Principal, name: string): Promise<Team> {
  if (!isPlatformRole(p.role)) throw forbidden('only the platform roles create teams');
  return db.transaction(async (trx) => {
    const team = await insertTeam(trx, name);
    await recordAudit(trx, p, { action: 'team.create', teamId: team.teamId, target: team.teamId, summary: `team "${name}" created` });
    return team;
  });
}

/** Team roles need their team, which must exist; the platform roles have none. */
async function checkCreatorMay(db: Db, p: Principal, role: Role, teamId: string | undefined): Promise<string | null> {
  if (isPlatformRole(role)) {
    if (p.role !== 'super_admin') throw forbidden('only the super admin creates platform users');
    if (teamId !== undefined) throw new ConsoleRefused('invalid', 'a platform role belongs to no team: leave teamId out');
    return null;
  }
  if (teamId === undefined) throw new ConsoleRefused('invalid', `role ${role} needs a teamId`);
  if (!managesUsers(p)) throw forbidden("only the platform roles and a team's mp_admin manage users");
  if (!administersTeam(p, teamId)) throw forbidden('an mp_admin manages the users of its own team only');
  if (!(await getTeam(db, teamId))) throw new ConsoleRefused('notFound', 'unknown team');
  return teamId;
}

export async function createUser(
  { db }: ConsoleDeps,
  p: Principal,
  u: { name: string; role: Role; teamId?: string },
): Promise<{ userId: string; name: string; role: Role; teamId: string | null; token: string }> {
  const teamId = await checkCreatorMay(db, p, u.role, u.teamId);
  return db.transaction(async (trx) => {
    const { user, token } = await insertConsoleUser(trx, { name: u.name, role: u.role, teamId, createdBy: p.userId });
    // The token is shown once, in this answer; the audit entry names the user, never the token.
    await recordAudit(trx, p, {
      action: 'user.create',
      teamId,
      target: user.userId,
      summary: `user "${u.name}" created with role ${u.role}`,
    });
    return { userId: user.userId, name: user.name, role: user.role, teamId: user.teamId, token };
  });
}

export async function revokeUser({ db }: ConsoleDeps, p: Principal, userId: string): Promise<void> {
  const user = await getConsoleUser(db, userId);
  if (!user) throw new ConsoleRefused('notFound', 'unknown user');
  if (!mayRevokeUser(p, user)) {
    if (isPlatformRole(user.role)) throw forbidden('only the super admin revokes platform users');
    if (!managesUsers(p)) throw forbidden("only the platform roles and a team's mp_admin manage users");
    throw forbidden('an mp_admin manages the users of its own team only');
  }
  await db.transaction(async (trx) => {
    if (!(await revokeConsoleUser(trx, userId))) throw new ConsoleRefused('wrongState', 'the user is already revoked');
    await recordAudit(trx, p, { action: 'user.revoke', teamId: user.teamId, target: userId, summary: `user "${user.name}" revoked` });
  });
}

export async function createTeamApp({ db }: ConsoleDeps, p: Principal, teamId: string, name: string): Promise<ConsoleApp> {
  if (!isPlatformRole(p.role) && p.role !== 'mp_admin') throw forbidden("only the platform roles and a team's mp_admin create apps");
  if (!administersTeam(p, teamId)) throw forbidden('an mp_admin creates apps in its own team only');
  if (!(await getTeam(db, teamId))) throw new ConsoleRefused('notFound', 'unknown team');
  return db.transaction(async (trx) => {
    const app = await insertTeamApp(trx, { name, teamId });
    await recordAudit(trx, p, { action: 'app.create', appId: app.appId, teamId, target: app.appId, summary: `app "${name}" created` });
    return consoleAppView(app);
  });
}

/** The apps the caller may see: every app for the platform roles, its team's for team roles. */
export async function listVisibleApps({ db }: ConsoleDeps, p: Principal, o: { limit: number; cursor?: string }): Promise<Page<ConsoleApp>> {
  if (!isPlatformRole(p.role) && p.teamId === null) return { items: [], nextCursor: null };
  const key = o.cursor ? decodeCursor(o.cursor) : undefined;
  if (key && !(key.length === 2 && isIsoTimeKey(key[0]) && typeof key[1] === 'string'))
    throw new ConsoleRefused('invalid', 'cursor is not one this list gave');
  const rows = await listApps(db, {
    teamId: isPlatformRole(p.role) ? undefined : p.teamId!,
    limit: o.limit + 1,
    after: key ? { createdAt: new Date(key[0] as string), appId: key[1] as string } : undefined,
  });
  const page = pageOf(rows, o.limit, (r) => [r.createdAt.toISOString(), r.appId]);
  return { items: page.items.map(consoleAppView), nextCursor: page.nextCursor };
}

export async function getVisibleApp({ db }: ConsoleDeps, p: Principal, appId: string): Promise<App> {
  const app = await getApp(db, appId);
  if (!app || !canSeeApp(p, app)) throw new ConsoleRefused('appNotFound', 'unknown app');
  return app;
}
