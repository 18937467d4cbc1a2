// CONTRACT.md 7.8 on the real stack: who reads which entries (platform roles all, an mp_admin its
// team's), the appId filter and its visibility, paging, and that no secret is ever in an entry.
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { auditEntries, codeOf, ok } from '../../support/console-apps';
import { startVpay, type Vpay } from '../../support/vpay';

let vpay: Vpay;
let w: ConsoleWorld;
/** A user of the other team, made by its mp_admin, and its token. */
let otherUser: { userId: string; token: string };

beforeAll(async () => {
  vpay = await startVpay();
  w = await consoleWorld(vpay);
  otherUser = ok(await as(w.otherAdminToken, 'POST', '/users', { name: 'B dev', role: 'mp_developer', teamId: w.otherTeamId }));
  ok(await as(w.otherAdminToken, 'POST', `/apps/${w.otherAppId}/payment-requests`, { message: 'team B asks' }));
  ok(await as(w.tokens.mp_admin, 'POST', `/apps/${w.appId}/review-exemption`, { message: 'team A asks' }));
});
afterAll(async () => {
  await vpay?.stop();
});

const as = (token: string, method: string, path: string, body?: unknown) => consoleCall(vpay, token, method, path, body);

it("the platform roles read every entry, newest first, each with exactly the contract's fields", async () => {
  for (const role of ['super_admin', 'platform_admin'] as const) {
    const entries = await auditEntries(vpay, w.tokens[role]);
    const actions = entries.map((e) => `${e.action} ${e.appId ?? e.target}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `payment.request ${w.otherAppId}`,
        `exemption.request ${w.appId}`,
        `app.create ${w.appId}`,
        `app.create ${w.otherAppId}`,
      ]),
    );
    expect(entries[0]).toMatchObject({ action: 'exemption.request', appId: w.appId, role: 'mp_admin' });
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(['action', 'appId', 'at', 'role', 'summary', 'target', 'userId']);
      expect(new Date(e.at).toISOString()).toBe(e.at);
    }
    const at = entries.map((e) => Date.parse(e.at));
    expect(at).toEqual([...at].sort((a, b) => b - a));
  }
});

it("an mp_admin reads its team's entries only, whoever made them", async () => {
  const mine = await auditEntries(vpay, w.tokens.mp_admin);
  const theirs = await auditEntries(vpay, w.otherAdminToken);
  const text = (es: any[]) => JSON.stringify(es);
  // Team A's entries: its app and its users, made by the super admin or by its own members.
  expect(mine.map((e) => `${e.action} ${e.appId}`)).toEqual(
    expect.arrayContaining([`exemption.request ${w.appId}`, `app.create ${w.appId}`]),
  );
  expect(mine.filter((e) => e.action === 'user.create').length).toBeGreaterThanOrEqual(4);
  expect(text(mine)).not.toContain(w.otherAppId);
  expect(text(mine)).not.toContain(otherUser.userId);
  // Team B's mp_admin: its own team's, never team A's.
  expect(theirs.map((e) => `${e.action} ${e.appId ?? e.target}`)).toEqual(
    expect.arrayContaining([`payment.request ${w.otherAppId}`, `user.create ${otherUser.userId}`]),
  );
  expect(text(theirs)).not.toContain(w.appId);
  expect(theirs.find((e) => e.target === otherUser.userId)).toMatchObject({
    role: 'mp_admin',
    summary: expect.stringContaining('mp_developer'),
  });
});

it("?appId= keeps that app's entries; an app the caller cannot see is 404/40403", async () => {
  const forApp = await auditEntries(vpay, w.tokens.platform_admin, `appId=${w.otherAppId}`);
  expect(forApp.length).toBeGreaterThanOrEqual(2);
  expect(forApp.every((e) => e.appId === w.otherAppId)).toBe(true);
  expect((await auditEntries(vpay, w.tokens.mp_admin, `appId=${w.appId}`)).every((e) => e.appId === w.appId)).toBe(true);
  expect(codeOf(await as(w.tokens.mp_admin, 'GET', `/audit-log?appId=${w.otherAppId}`))).toEqual({ status: 404, errCode: 40403 });
  expect(codeOf(await as(w.tokens.platform_admin, 'GET', '/audit-log?appId=app_unknown'))).toEqual({ status: 404, errCode: 40403 });
  expect(codeOf(await as(w.tokens.platform_admin, 'GET', '/audit-log?appId=no%20such'))).toEqual({ status: 400, errCode: 40001 });
});

it('the other team roles may not read it: 403/40302, whatever the query', async () => {
  for (const role of ['mp_senior_developer', 'mp_developer', 'mp_operator'] as const) {
    for (const q of ['', `?appId=${w.appId}`, `?appId=${w.otherAppId}`, '?limit=0']) {
      expect(codeOf(await as(w.tokens[role], 'GET', `/audit-log${q}`))).toEqual({ status: 403, errCode: 40302 });
    }
  }
  expect(codeOf(await as(otherUser.token, 'GET', '/audit-log'))).toEqual({ status: 403, errCode: 40302 });
  expect(codeOf(await as('wrong', 'GET', '/audit-log'))).toEqual({ status: 401, errCode: 40100 });
});

it('pages by limit and cursor without gaps or repeats; bad paging is 400/40001', async () => {
  const all = await auditEntries(vpay, w.tokens.platform_admin);
  const paged: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = ok(await as(w.tokens.platform_admin, 'GET', `/audit-log?limit=3${cursor ? `&cursor=${cursor}` : ''}`));
    expect(page.entries.length).toBeLessThanOrEqual(3);
    paged.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  expect(paged).toEqual(all);
  expect(ok(await as(w.tokens.platform_admin, 'GET', '/audit-log')).entries).toHaveLength(Math.min(50, all.length));
  const forged = Buffer.from(JSON.stringify(['1 or 1=1'])).toString('base64url');
  for (const q of ['?limit=0', '?limit=201', '?limit=x', '?cursor=%%%', `?cursor=${forged}`]) {
    expect(codeOf(await as(w.tokens.platform_admin, 'GET', `/audit-log${q}`))).toEqual({ status: 400, errCode: 40001 });
  }
});

it('no token or app key is ever in an entry', async () => {
  const text = JSON.stringify(await auditEntries(vpay, vpay.adminToken));
  for (const token of [...Object.values(w.tokens), w.otherAdminToken, otherUser.token]) expect(text).not.toContain(token);
  expect(text).not.toMatch(/vpc_[A-Za-z0-9_-]{20}/);
});
