// What a console user does against vpay in the tests: teams, users of every role, their apps.
import { call } from './minigame';
import type { Vpay } from './vpay';
import { ROLES, type Role } from '../../lib/domain/console/permissions';

export type Answer = { status: number; json: any };

/** A console call with a bearer token. */
export const consoleCall = (vpay: Pick<Vpay, 'url'>, token: string, method: string, path: string, body?: unknown): Promise<Answer> =>
  call(vpay, method, `/v1/console${path}`, body, { authorization: `Bearer ${token}` });

/** One team with one user of each team role, and one platform admin; tokens by role. */
export interface ConsoleWorld {
  teamId: string;
  /** A second team, for cross-team checks, with its own mp_admin. */
  otherTeamId: string;
  otherAdminToken: string;
  tokens: Record<Role, string>;
  /** An app of `teamId`, made through the console (no delivery URL or key yet). */
  appId: string;
  /** An app of the other team. */
  otherAppId: string;
}

export async function consoleWorld(vpay: Vpay): Promise<ConsoleWorld> {
  const su = vpay.adminToken;
  const ok = (a: Answer, what: string): any => {
    if (a.status >= 300) throw new Error(`${what}: HTTP ${a.status} ${JSON.stringify(a.json)}`);
    return a.json;
  };
  const team = ok(await consoleCall(vpay, su, 'POST', '/teams', { name: 'Team A' }), 'team A');
  const other = ok(await consoleCall(vpay, su, 'POST', '/teams', { name: 'Team B' }), 'team B');
  const tokens = { super_admin: su } as Record<Role, string>;
  for (const role of ROLES.filter((r) => r !== 'super_admin')) {
    const body = role === 'platform_admin' ? { name: role, role } : { name: role, role, teamId: team.teamId };
    tokens[role] = ok(await consoleCall(vpay, su, 'POST', '/users', body), role).token;
  }
  const otherAdmin = ok(
    await consoleCall(vpay, su, 'POST', '/users', { name: 'B admin', role: 'mp_admin', teamId: other.teamId }),
    'B admin',
  );
  const app = ok(await consoleCall(vpay, su, 'POST', `/teams/${team.teamId}/apps`, { name: 'Game A' }), 'app A');
  const otherApp = ok(await consoleCall(vpay, su, 'POST', `/teams/${other.teamId}/apps`, { name: 'Game B' }), 'app B');
  return {
    teamId: team.teamId,
    otherTeamId: other.teamId,
    otherAdminToken: otherAdmin.token,
    tokens,
    appId: app.appId,
    otherAppId: otherApp.appId,
  };
}
