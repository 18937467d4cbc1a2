// GET /v1/console/users and /teams on the real stack (docs/API.md, "Console: teams and users"): who
// sees which users and teams, another team's users never, no token or hash in an answer, revoked
// users shown as such, paging newest first by limit and cursor, bad parameters 400/40001; and the
// rule by which the Team users page offers *Revoke* (mayRevokeUser) answering as DELETE /users does.
import { createDb, type Db } from '../../../lib/db/db';
import { encodeCursor } from '../../../lib/db/paging';
import { mayRevokeUser } from '../../../lib/domain/console/permissions';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { codeOf, ok } from '../../support/console-apps';
import { startVpay, type Vpay } from '../../support/vpay';

let vpay: Vpay;
let w: ConsoleWorld;
let db: Db;
/** Every user of the world, by userId, as created. */
const created = new Map<string, any>();
let revokedId: string;

const as = (token: string, path: string) => consoleCall(vpay, token, 'GET', path);
const ids = (users: any[]) => users.map((u) => u.userId);
const FORBIDDEN = { status: 403, errCode: 40302 };
const MALFORMED = { status: 400, errCode: 40001 };

/** Every page of a list, by `limit`, following nextCursor. */
async function walk(token: string, path: string, field: 'users' | 'teams', limit: number): Promise<any[]> {
  const all: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: any = ok(await as(token, `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`));
    expect(page[field].length).toBeLessThanOrEqual(limit);
    all.push(...page[field]);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

beforeAll(async () => {
  vpay = await startVpay();
  w = await consoleWorld(vpay);
  db = createDb(vpay.databaseUrl, 2);
  for (const row of await db('console_users').select('user_id', 'name', 'role', 'team_id')) created.set(row.user_id, row);
  // One more of team A, revoked by its mp_admin.
  const leaver = ok(
    await consoleCall(vpay, w.tokens.mp_admin, 'POST', '/users', { name: 'leaver', role: 'mp_operator', teamId: w.teamId }),
  );
  ok(await consoleCall(vpay, w.tokens.mp_admin, 'DELETE', `/users/${leaver.userId}`));
  revokedId = leaver.userId;
  created.set(revokedId, { user_id: revokedId, team_id: w.teamId });
});
afterAll(async () => {
  await db?.destroy();
  await vpay?.stop();
});

const teamA = () => [...created.values()].filter((u) => u.team_id === w.teamId).map((u) => u.user_id);
const teamB = () => [...created.values()].filter((u) => u.team_id === w.otherTeamId).map((u) => u.user_id);

describe('GET /users', () => {
  it('the platform roles list every user, newest first, with role, team, creator, times; never a token or hash', async () => {
    for (const token of [vpay.adminToken, w.tokens.platform_admin]) {
      const { users, nextCursor } = ok(await as(token, '/users'));
      expect(nextCursor).toBeNull();
      expect(new Set(ids(users))).toEqual(new Set(created.keys()));
      expect(users).toHaveLength(created.size);
      const times = users.map((u: any) => Date.parse(u.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      for (const u of users) {
        expect(Object.keys(u).sort()).toEqual(['createdAt', 'createdBy', 'name', 'revokedAt', 'role', 'teamId', 'teamName', 'userId']);
        expect(u.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      }
      const dev = users.find((u: any) => u.role === 'mp_developer');
      expect(dev).toMatchObject({ name: 'mp_developer', teamId: w.teamId, teamName: 'Team A', createdBy: 'super_admin', revokedAt: null });
      expect(users.find((u: any) => u.role === 'platform_admin')).toMatchObject({ teamId: null, teamName: null });
      const text = JSON.stringify(users);
      for (const t of [...Object.values(w.tokens), w.otherAdminToken]) expect(text).not.toContain(t);
      expect(text).not.toMatch(/hash/i);
    }
  });

  it('a revoked user is listed with revokedAt; the others have null', async () => {
    const { users } = ok(await as(w.tokens.mp_admin, '/users'));
    const leaver = users.find((u: any) => u.userId === revokedId);
    expect(Date.parse(leaver.revokedAt)).toBeGreaterThanOrEqual(Date.parse(leaver.createdAt));
    expect(users.filter((u: any) => u.revokedAt !== null).map((u: any) => u.userId)).toEqual([revokedId]);
    expect(leaver.createdBy).not.toBe('super_admin');
  });

  it("teamId narrows a platform role's list to one team; unknown is 404/40405, malformed 400/40001, empty no filter", async () => {
    expect(new Set(ids(ok(await as(w.tokens.platform_admin, `/users?teamId=${w.teamId}`)).users))).toEqual(new Set(teamA()));
    expect(ids(ok(await as(vpay.adminToken, `/users?teamId=${w.otherTeamId}`)).users)).toEqual(teamB());
    expect(codeOf(await as(vpay.adminToken, '/users?teamId=team_unknown'))).toEqual({ status: 404, errCode: 40405 });
    expect(codeOf(await as(vpay.adminToken, '/users?teamId=bad%20id'))).toEqual(MALFORMED);
    expect(ok(await as(vpay.adminToken, '/users?teamId=')).users).toHaveLength(created.size);
  });

  it("an mp_admin lists its own team's users only; another team's teamId is 403/40302", async () => {
    expect(new Set(ids(ok(await as(w.tokens.mp_admin, '/users')).users))).toEqual(new Set(teamA()));
    expect(new Set(ids(ok(await as(w.tokens.mp_admin, `/users?teamId=${w.teamId}`)).users))).toEqual(new Set(teamA()));
    expect(codeOf(await as(w.tokens.mp_admin, `/users?teamId=${w.otherTeamId}`))).toEqual(FORBIDDEN);
    expect(codeOf(await as(w.tokens.mp_admin, '/users?teamId=team_unknown'))).toEqual(FORBIDDEN);
    const theirs = ids(ok(await as(w.otherAdminToken, '/users')).users);
    expect(theirs).toEqual(teamB());
    for (const id of teamA()) expect(theirs).not.toContain(id);
  });

  it('the other team roles are refused 403/40302, before their query is read', async () => {
    for (const role of ['mp_senior_developer', 'mp_developer', 'mp_operator'] as const) {
      for (const q of ['', `?teamId=${w.teamId}`, '?limit=0', '?cursor=%%%'])
        expect(codeOf(await as(w.tokens[role], `/users${q}`))).toEqual(FORBIDDEN);
    }
    expect(codeOf(await as('vpc_unknown', '/users'))).toEqual({ status: 401, errCode: 40100 });
  });

  it('pages newest first by limit and cursor: every page joined is the whole list', async () => {
    const all = ids(ok(await as(vpay.adminToken, '/users?limit=200')).users);
    for (const limit of [1, 2, 3]) expect(ids(await walk(vpay.adminToken, '/users', 'users', limit))).toEqual(all);
    expect(ids(await walk(w.tokens.platform_admin, `/users?teamId=${w.teamId}`, 'users', 2))).toEqual(
      all.filter((id) => teamA().includes(id)),
    );
    expect(ok(await as(vpay.adminToken, '/users')).users).toHaveLength(Math.min(all.length, 50));
  });

  it('a bad limit or a cursor it did not give is 400/40001', async () => {
    const stamp = '2026-05-01 10:00:00.123456+00';
    for (const q of [
      'limit=0',
      'limit=201',
      'limit=x',
      'cursor=%%%',
      `cursor=${encodeCursor(['x'])}`,
      `cursor=${encodeCursor([stamp])}`,
      `cursor=${encodeCursor(['2026-05-01T10:00:00.000Z', 'usr1'])}`,
      `cursor=${encodeCursor(['2026-02-30 10:00:00+00', 'usr1'])}`,
      `cursor=${encodeCursor([stamp, 'x'.repeat(65)])}`,
      `cursor=${encodeCursor([stamp, 7])}`,
    ]) {
      expect(codeOf(await as(vpay.adminToken, `/users?${q}`))).toEqual(MALFORMED);
      expect(codeOf(await as(vpay.adminToken, `/teams?${q}`))).toEqual(MALFORMED);
    }
    // A well-formed key past every row is an empty last page.
    const page = ok(await as(vpay.adminToken, `/users?cursor=${encodeCursor(['2000-01-01 00:00:00+00', 'usr'])}`));
    expect(page).toEqual({ errCode: 0, users: [], nextCursor: null });
  });
});

describe('GET /teams', () => {
  it('the platform roles see every team, newest first, with its apps and active users counted', async () => {
    for (const token of [vpay.adminToken, w.tokens.platform_admin]) {
      const { teams, nextCursor } = ok(await as(token, '/teams'));
      expect(nextCursor).toBeNull();
      expect(teams).toEqual([
        { teamId: w.otherTeamId, name: 'Team B', createdAt: expect.any(String), apps: 1, activeUsers: 1 },
        { teamId: w.teamId, name: 'Team A', createdAt: expect.any(String), apps: 1, activeUsers: 4 },
      ]);
      expect(Date.parse(teams[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(teams[1].createdAt));
    }
  });

  it('a team role sees its own team only', async () => {
    for (const role of ['mp_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator'] as const) {
      expect(ok(await as(w.tokens[role], '/teams')).teams.map((t: any) => t.teamId)).toEqual([w.teamId]);
    }
    expect(ok(await as(w.otherAdminToken, '/teams')).teams.map((t: any) => t.teamId)).toEqual([w.otherTeamId]);
  });

  it('pages by limit and cursor', async () => {
    for (let n = 0; n < 3; n++) ok(await consoleCall(vpay, vpay.adminToken, 'POST', '/teams', { name: `Team ${n}` }));
    const all = ok(await as(vpay.adminToken, '/teams?limit=200')).teams.map((t: any) => t.teamId);
    expect(all).toHaveLength(5);
    for (const limit of [1, 2]) expect((await walk(w.tokens.platform_admin, '/teams', 'teams', limit)).map((t) => t.teamId)).toEqual(all);
    const first = ok(await as(w.tokens.mp_operator, '/teams?limit=1'));
    expect(first).toEqual({ errCode: 0, teams: [expect.objectContaining({ teamId: w.teamId })], nextCursor: null });
  });
});

describe('who may revoke whom', () => {
  it('mayRevokeUser, by which the Team users page offers Revoke, answers as DELETE /users/{userId} does', async () => {
    const su = vpay.adminToken;
    const callers = {
      super_admin: su,
      platform_admin: w.tokens.platform_admin,
      'mp_admin A': w.tokens.mp_admin,
      'mp_admin B': w.otherAdminToken,
    };
    const outcomes: Record<string, Record<string, number>> = {};
    for (const [caller, token] of Object.entries(callers)) {
      const me = ok(await as(token, '/me'));
      outcomes[caller] = {};
      // A fresh user of each kind for each caller: revoked when allowed, so never reused.
      const targets = {
        platform: ok(await consoleCall(vpay, su, 'POST', '/users', { name: 'target', role: 'platform_admin' })),
        'team A': ok(await consoleCall(vpay, su, 'POST', '/users', { name: 'target', role: 'mp_developer', teamId: w.teamId })),
        'team B': ok(await consoleCall(vpay, su, 'POST', '/users', { name: 'target', role: 'mp_admin', teamId: w.otherTeamId })),
      };
      for (const [kind, user] of Object.entries(targets)) {
        const answer = await consoleCall(vpay, token, 'DELETE', `/users/${user.userId}`);
        outcomes[caller][kind] = answer.status;
        expect({ caller, kind, mayRevoke: mayRevokeUser(me, user) }).toEqual({ caller, kind, mayRevoke: answer.status === 200 });
        if (answer.status !== 200) expect(codeOf(answer)).toEqual(FORBIDDEN);
      }
    }
    expect(outcomes).toEqual({
      super_admin: { platform: 200, 'team A': 200, 'team B': 200 },
      platform_admin: { platform: 403, 'team A': 200, 'team B': 200 },
      'mp_admin A': { platform: 403, 'team A': 200, 'team B': 403 },
      'mp_admin B': { platform: 403, 'team A': 403, 'team B': 200 },
    });
  });
});
