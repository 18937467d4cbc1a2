// CONTRACT.md 7.1 on the real stack: teams, users of the six roles and who may create or revoke
// whom, tokens (shown once, stored only hashed, dead at once when revoked), /me, apps per team and
// their visibility, ADMIN_TOKEN as the built-in super admin, and the audit entries of each change.
import { createDb, type Db } from '../../../lib/db/db';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { auditEntries, codeOf, ok } from '../../support/console-apps';
import { startVpay, type Vpay } from '../../support/vpay';

let vpay: Vpay;
let w: ConsoleWorld;
let db: Db;

beforeAll(async () => {
  vpay = await startVpay();
  w = await consoleWorld(vpay);
  db = createDb(vpay.databaseUrl, 2);
});
afterAll(async () => {
  await db?.destroy();
  await vpay?.stop();
});

const as = (token: string, method: string, path: string, body?: unknown) => consoleCall(vpay, token, method, path, body);
const TEAM_ROLES = ['mp_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator'] as const;
let seq = 0;
const name = (what: string) => `${what} ${++seq}`;

describe('the token', () => {
  it('missing, malformed or unknown: 401/40100 on every console route', async () => {
    for (const path of ['/me', '/apps', '/teams', '/no-such-route']) {
      const r = await consoleCall(vpay, 'vpc_unknown', 'GET', path);
      expect(codeOf(r)).toEqual({ status: 401, errCode: 40100 });
      expect(r.json.errMsg).toEqual(expect.any(String));
    }
    const noHeader = await fetch(`${vpay.url}/v1/console/me`);
    expect(noHeader.status).toBe(401);
    expect(((await noHeader.json()) as any).errCode).toBe(40100);
    const basic = await fetch(`${vpay.url}/v1/console/me`, { headers: { authorization: `Basic ${w.tokens.mp_admin}` } });
    expect(basic.status).toBe(401);
    expect(codeOf(await as('x'.repeat(300), 'GET', '/me'))).toEqual({ status: 401, errCode: 40100 });
  });

  it('ADMIN_TOKEN is the built-in super admin', async () => {
    expect(ok(await as(vpay.adminToken, 'GET', '/me'))).toEqual({
      errCode: 0,
      userId: 'super_admin',
      name: expect.any(String),
      role: 'super_admin',
      teamId: null,
    });
  });

  it('GET /me answers the caller, never its token', async () => {
    for (const role of TEAM_ROLES) {
      const me = ok(await as(w.tokens[role], 'GET', '/me'));
      expect(me).toEqual({ errCode: 0, userId: expect.any(String), name: role, role, teamId: w.teamId });
    }
    expect(ok(await as(w.tokens.platform_admin, 'GET', '/me'))).toMatchObject({ role: 'platform_admin', teamId: null });
  });

  it('is shown once, at creation, and stored only as its hash', async () => {
    const created = ok(await as(vpay.adminToken, 'POST', '/users', { name: name('dev'), role: 'mp_developer', teamId: w.teamId }));
    expect(created).toEqual({
      errCode: 0,
      userId: expect.any(String),
      name: expect.any(String),
      role: 'mp_developer',
      teamId: w.teamId,
      token: expect.any(String),
    });
    expect(created.token.length).toBeGreaterThanOrEqual(40);
    const row = await db('console_users').where({ user_id: created.userId }).first();
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(Buffer.from(row.token_hash).toString('utf8')).not.toContain(created.token);
    expect(JSON.stringify(await db('audit_log').select())).not.toContain(created.token);
    expect(JSON.stringify(ok(await as(created.token, 'GET', '/me')))).not.toContain(created.token);
  });
});

describe('teams', () => {
  it('the platform roles create them: 201 {teamId, name}, audited', async () => {
    for (const role of ['super_admin', 'platform_admin'] as const) {
      const r = await as(w.tokens[role], 'POST', '/teams', { name: '  Team  C ' });
      expect(r.status).toBe(201);
      expect(r.json).toEqual({ errCode: 0, teamId: expect.stringMatching(/^[A-Za-z0-9_-]+$/), name: 'Team  C' });
      const entry = (await auditEntries(vpay, vpay.adminToken)).find((e) => e.target === r.json.teamId);
      expect(entry).toMatchObject({ action: 'team.create', role, appId: null });
    }
  });

  it('team roles may not: 403/40302; a bad name: 400/40001', async () => {
    for (const role of TEAM_ROLES)
      expect(codeOf(await as(w.tokens[role], 'POST', '/teams', { name: 'mine' }))).toEqual({ status: 403, errCode: 40302 });
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(201) }, { name: 'a\u0000b' }, 'nope']) {
      expect(codeOf(await as(vpay.adminToken, 'POST', '/teams', body))).toEqual({ status: 400, errCode: 40001 });
    }
  });
});

describe('users', () => {
  const create = (token: string, body: unknown) => as(token, 'POST', '/users', body);

  it('the super admin creates any role, platform roles without a team', async () => {
    for (const role of ['super_admin', 'platform_admin'] as const) {
      const u = ok(await create(vpay.adminToken, { name: name(role), role }));
      expect(u).toMatchObject({ role, teamId: null });
      expect(ok(await as(u.token, 'GET', '/me')).role).toBe(role);
    }
    for (const role of TEAM_ROLES)
      expect(ok(await create(vpay.adminToken, { name: name(role), role, teamId: w.teamId }))).toMatchObject({ role, teamId: w.teamId });
  });

  it('a platform admin creates team roles in any team, never platform roles', async () => {
    for (const role of TEAM_ROLES)
      expect((await create(w.tokens.platform_admin, { name: name(role), role, teamId: w.otherTeamId })).status).toBe(201);
    for (const role of ['super_admin', 'platform_admin'] as const) {
      expect(codeOf(await create(w.tokens.platform_admin, { name: name(role), role }))).toEqual({ status: 403, errCode: 40302 });
    }
  });

  it('an mp_admin creates team roles in its own team only: another team is 403/40302', async () => {
    for (const role of TEAM_ROLES)
      expect(ok(await create(w.tokens.mp_admin, { name: name(role), role, teamId: w.teamId })).teamId).toBe(w.teamId);
    expect(codeOf(await create(w.tokens.mp_admin, { name: name('x'), role: 'mp_developer', teamId: w.otherTeamId }))).toEqual({
      status: 403,
      errCode: 40302,
    });
    expect(codeOf(await create(w.tokens.mp_admin, { name: name('x'), role: 'mp_developer', teamId: 'team_unknown' }))).toEqual({
      status: 403,
      errCode: 40302,
    });
    expect(codeOf(await create(w.tokens.mp_admin, { name: name('x'), role: 'platform_admin' }))).toEqual({ status: 403, errCode: 40302 });
  });

  it('the other team roles create nobody: 403/40302', async () => {
    for (const role of ['mp_senior_developer', 'mp_developer', 'mp_operator'] as const) {
      expect(codeOf(await create(w.tokens[role], { name: name('x'), role: 'mp_operator', teamId: w.teamId }))).toEqual({
        status: 403,
        errCode: 40302,
      });
    }
  });

  it('team roles need a teamId, platform roles take none: 400/40001; an unknown team 404/40405', async () => {
    for (const role of TEAM_ROLES)
      expect(codeOf(await create(vpay.adminToken, { name: name('x'), role }))).toEqual({ status: 400, errCode: 40001 });
    expect(codeOf(await create(vpay.adminToken, { name: name('x'), role: 'platform_admin', teamId: w.teamId }))).toEqual({
      status: 400,
      errCode: 40001,
    });
    expect(codeOf(await create(vpay.adminToken, { name: name('x'), role: 'mp_developer', teamId: 'team_unknown' }))).toEqual({
      status: 404,
      errCode: 40405,
    });
    for (const body of [
      { name: 'x', role: 'owner', teamId: w.teamId },
      { role: 'mp_developer', teamId: w.teamId },
      { name: 'x', role: 'mp_developer', teamId: 'bad id!' },
    ]) {
      expect(codeOf(await create(vpay.adminToken, body))).toEqual({ status: 400, errCode: 40001 });
    }
  });

  it('revoking: the token stops working at once; again is 409/40906; unknown 404/40405; audited', async () => {
    const u = ok(await create(w.tokens.mp_admin, { name: name('leaver'), role: 'mp_developer', teamId: w.teamId }));
    expect((await as(u.token, 'GET', '/me')).status).toBe(200);
    expect(ok(await as(w.tokens.mp_admin, 'DELETE', `/users/${u.userId}`))).toEqual({ errCode: 0 });
    expect(codeOf(await as(u.token, 'GET', '/me'))).toEqual({ status: 401, errCode: 40100 });
    expect(codeOf(await as(u.token, 'GET', `/apps/${w.appId}`))).toEqual({ status: 401, errCode: 40100 });
    expect(codeOf(await as(w.tokens.mp_admin, 'DELETE', `/users/${u.userId}`))).toEqual({ status: 409, errCode: 40906 });
    expect(codeOf(await as(w.tokens.mp_admin, 'DELETE', '/users/usr_unknown'))).toEqual({ status: 404, errCode: 40405 });
    expect(codeOf(await as(w.tokens.mp_admin, 'DELETE', '/users/bad%20id'))).toEqual({ status: 400, errCode: 40001 });
    const entries = (await auditEntries(vpay, w.tokens.mp_admin)).filter((e) => e.target === u.userId);
    expect(entries.map((e) => [e.action, e.role])).toEqual([
      ['user.revoke', 'mp_admin'],
      ['user.create', 'mp_admin'],
    ]);
  });

  it("who revokes whom: an mp_admin not another team's user, only the super admin a platform user", async () => {
    const theirs = ok(await create(w.otherAdminToken, { name: name('b'), role: 'mp_operator', teamId: w.otherTeamId }));
    expect(codeOf(await as(w.tokens.mp_admin, 'DELETE', `/users/${theirs.userId}`))).toEqual({ status: 403, errCode: 40302 });
    expect(codeOf(await as(w.tokens.mp_senior_developer, 'DELETE', `/users/${theirs.userId}`))).toEqual({ status: 403, errCode: 40302 });
    expect((await as(theirs.token, 'GET', '/me')).status).toBe(200);
    const platform = ok(await create(vpay.adminToken, { name: name('p'), role: 'platform_admin' }));
    expect(codeOf(await as(w.tokens.platform_admin, 'DELETE', `/users/${platform.userId}`))).toEqual({ status: 403, errCode: 40302 });
    expect(codeOf(await as(w.tokens.mp_admin, 'DELETE', `/users/${platform.userId}`))).toEqual({ status: 403, errCode: 40302 });
    expect(ok(await as(w.tokens.platform_admin, 'DELETE', `/users/${theirs.userId}`))).toEqual({ errCode: 0 });
    expect(ok(await as(vpay.adminToken, 'DELETE', `/users/${platform.userId}`))).toEqual({ errCode: 0 });
    expect(codeOf(await as(platform.token, 'GET', '/me'))).toEqual({ status: 401, errCode: 40100 });
  });
});

describe('apps', () => {
  it("created in a team by the platform roles or that team's mp_admin: 201, no payment, nothing configured", async () => {
    for (const token of [vpay.adminToken, w.tokens.platform_admin, w.tokens.mp_admin]) {
      const r = await as(token, 'POST', `/teams/${w.teamId}/apps`, { name: 'New game' });
      expect(r.status).toBe(201);
      expect(r.json).toEqual({
        errCode: 0,
        appId: expect.any(String),
        name: 'New game',
        teamId: w.teamId,
        paymentEnabled: false,
        deliveryConfigured: false,
      });
      const entry = (await auditEntries(vpay, w.tokens.mp_admin, `appId=${r.json.appId}`))[0];
      expect(entry).toMatchObject({ action: 'app.create', appId: r.json.appId, target: r.json.appId });
    }
  });

  it('an mp_admin of another team 403/40302; other team roles 403/40302; unknown team 404/40405', async () => {
    expect(codeOf(await as(w.otherAdminToken, 'POST', `/teams/${w.teamId}/apps`, { name: 'x' }))).toEqual({ status: 403, errCode: 40302 });
    for (const role of ['mp_senior_developer', 'mp_developer', 'mp_operator'] as const) {
      expect(codeOf(await as(w.tokens[role], 'POST', `/teams/${w.teamId}/apps`, { name: 'x' }))).toEqual({ status: 403, errCode: 40302 });
    }
    expect(codeOf(await as(vpay.adminToken, 'POST', '/teams/team_unknown/apps', { name: 'x' }))).toEqual({ status: 404, errCode: 40405 });
    expect(codeOf(await as(vpay.adminToken, 'POST', `/teams/${w.teamId}/apps`, { name: '' }))).toEqual({ status: 400, errCode: 40001 });
  });

  it("team roles list their team's apps only; the platform roles every app", async () => {
    const listed = async (token: string) => ok(await as(token, 'GET', '/apps?limit=200')).apps.map((a: any) => a.appId);
    for (const role of TEAM_ROLES) {
      const apps = await listed(w.tokens[role]);
      expect(apps).toContain(w.appId);
      expect(apps).not.toContain(w.otherAppId);
    }
    expect(await listed(w.otherAdminToken)).toEqual([w.otherAppId]);
    for (const role of ['super_admin', 'platform_admin'] as const)
      expect(await listed(w.tokens[role])).toEqual(expect.arrayContaining([w.appId, w.otherAppId]));
  });

  it('the list pages newest first by limit and cursor', async () => {
    const all = ok(await as(w.tokens.platform_admin, 'GET', '/apps?limit=200')).apps.map((a: any) => a.appId);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = ok(await as(w.tokens.platform_admin, 'GET', `/apps?limit=1${cursor ? `&cursor=${cursor}` : ''}`));
      paged.push(...page.apps.map((a: any) => a.appId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    for (const q of ['?limit=0', '?limit=201', '?cursor=%%%'])
      expect(codeOf(await as(w.tokens.platform_admin, 'GET', `/apps${q}`))).toEqual({ status: 400, errCode: 40001 });
  });

  it("one app: its fields for whoever sees it; another team's or an unknown app is 404/40403", async () => {
    for (const token of Object.values(w.tokens)) {
      expect(ok(await as(token, 'GET', `/apps/${w.appId}`))).toEqual({
        errCode: 0,
        appId: w.appId,
        name: 'Game A',
        teamId: w.teamId,
        paymentEnabled: false,
        deliveryConfigured: false,
        reviewExemption: 'NONE',
      });
    }
    for (const role of TEAM_ROLES)
      expect(codeOf(await as(w.tokens[role], 'GET', `/apps/${w.otherAppId}`))).toEqual({ status: 404, errCode: 40403 });
    expect(codeOf(await as(w.tokens.platform_admin, 'GET', '/apps/app_unknown'))).toEqual({ status: 404, errCode: 40403 });
    expect(ok(await as(w.tokens.platform_admin, 'GET', `/apps/${w.otherAppId}`)).teamId).toBe(w.otherTeamId);
  });
});

it('no token is in any audit entry', async () => {
  const text = JSON.stringify(await db('audit_log').select());
  for (const token of [...Object.values(w.tokens), w.otherAdminToken]) expect(text).not.toContain(token);
});
