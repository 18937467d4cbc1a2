// CONTRACT.md 7.5 on the real stack: every state of an app's review exemption and every move
// between them, who may make each, revoking with and without taking the live items off sale, the
// status shown by GET /apps/{appId}, and the audit entries.
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { auditEntries, codeOf, ok, sellingTeamApp } from '../../support/console-apps';
import { requestPayment, signData } from '../../support/minigame';
import { startVpay, type Vpay } from '../../support/vpay';

let vpay: Vpay;
let w: ConsoleWorld;
let seq = 0;

beforeAll(async () => {
  vpay = await startVpay();
  w = await consoleWorld(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});

const as = (token: string, method: string, path: string, body?: unknown) => consoleCall(vpay, token, method, path, body);
const newApp = async (teamId = w.teamId): Promise<string> =>
  ok(await as(vpay.adminToken, 'POST', `/teams/${teamId}/apps`, { name: `exemption game ${++seq}` }), 'app').appId;
const path = (appId: string) => `/apps/${appId}/review-exemption`;
const view = async (appId: string, token = w.tokens.mp_operator) => ok(await as(token, 'GET', path(appId)), 'view');
const statusInApp = async (appId: string) => ok(await as(w.tokens.mp_developer, 'GET', `/apps/${appId}`), 'app').reviewExemption;
const ask = (appId: string, token = w.tokens.mp_senior_developer, message: unknown = 'our items follow the rules') =>
  as(token, 'POST', path(appId), { message });
const move = (appId: string, action: 'approve' | 'reject' | 'revoke', body: unknown = {}, token = w.tokens.platform_admin) =>
  as(token, 'POST', `${path(appId)}/${action}`, body);

/** Whether the app's first item can still be bought (a payment request gets past the item check). */
const sells = async (t: Parameters<typeof requestPayment>[1], productId = t.productId): Promise<boolean> => {
  const r = await requestPayment(vpay, t, signData(t, { productId }));
  if (r.status === 404 && r.json.errCode === 40401) return false;
  if (r.status === 200) return true;
  throw new Error(`unexpected payment answer: HTTP ${r.status} ${JSON.stringify(r.json)}`);
};

describe('the states', () => {
  it('NONE at first, with nulls; GET /apps/{appId} shows the same', async () => {
    const appId = await newApp();
    expect(await view(appId)).toEqual({ errCode: 0, status: 'NONE', message: null, reason: null, updatedAt: null });
    expect(await statusInApp(appId)).toBe('NONE');
  });

  it('request -> PENDING; 409/40906 while pending', async () => {
    const appId = await newApp();
    const a = await ask(appId, w.tokens.mp_admin, 'we review our own items');
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ errCode: 0, status: 'PENDING', message: 'we review our own items', reason: null });
    expect(new Date(a.json.updatedAt).toISOString()).toBe(a.json.updatedAt);
    expect(await view(appId)).toEqual(a.json);
    expect(await statusInApp(appId)).toBe('PENDING');
    expect(codeOf(await ask(appId))).toEqual({ status: 409, errCode: 40906 });
    // Only a pending exemption can be decided, only an approved one revoked.
    expect(codeOf(await move(appId, 'revoke', { removeItems: false }))).toEqual({ status: 409, errCode: 40906 });
  });

  it('PENDING -> REJECTED with the reason; a new request from REJECTED clears it', async () => {
    const appId = await newApp();
    ok(await ask(appId));
    const r = await move(appId, 'reject', { reason: 'show us your process' });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: 'REJECTED', message: 'our items follow the rules', reason: 'show us your process' });
    expect(await statusInApp(appId)).toBe('REJECTED');
    for (const action of ['approve', 'reject'] as const) expect(codeOf(await move(appId, action))).toEqual({ status: 409, errCode: 40906 });
    expect(codeOf(await move(appId, 'revoke', { removeItems: true }))).toEqual({ status: 409, errCode: 40906 });
    const again = await ask(appId, w.tokens.mp_senior_developer, 'here is our process');
    expect(again.status).toBe(201);
    expect(again.json).toMatchObject({ status: 'PENDING', message: 'here is our process', reason: null });
  });

  it('PENDING -> APPROVED (no body needed); 409/40906 for a request or a decision while approved', async () => {
    const appId = await newApp();
    ok(await ask(appId));
    const r = await move(appId, 'approve', undefined, w.tokens.super_admin);
    expect(r.json).toMatchObject({ errCode: 0, status: 'APPROVED', reason: null });
    expect(await statusInApp(appId)).toBe('APPROVED');
    expect(codeOf(await ask(appId))).toEqual({ status: 409, errCode: 40906 });
    for (const action of ['approve', 'reject'] as const) expect(codeOf(await move(appId, action))).toEqual({ status: 409, errCode: 40906 });
  });

  it('APPROVED -> REVOKED without removing items: they keep selling; a new request is possible', async () => {
    const t = await sellingTeamApp(vpay, w.teamId, { paymentEnabled: true });
    ok(await ask(t.appId));
    ok(await move(t.appId, 'approve'));
    const r = await move(t.appId, 'revoke', { reason: 'spot check', removeItems: false });
    expect(r.json).toMatchObject({ status: 'REVOKED', reason: 'spot check', removedItems: 0 });
    expect(await statusInApp(t.appId)).toBe('REVOKED');
    expect(await sells(t)).toBe(true);
    expect(codeOf(await move(t.appId, 'revoke', { removeItems: false }))).toEqual({ status: 409, errCode: 40906 });
    expect((await ask(t.appId)).json).toMatchObject({ status: 'PENDING' });
  });

  it('revoking with removeItems takes every live item off sale, and only those', async () => {
    const t = await sellingTeamApp(vpay, w.teamId, { paymentEnabled: true, released: ['gems_a', 'gems_b'], drafts: ['gems_draft'] });
    const other = await sellingTeamApp(vpay, w.teamId, { paymentEnabled: true });
    ok(await ask(t.appId));
    ok(await move(t.appId, 'approve'));
    expect(await sells(t, 'gems_a')).toBe(true);
    const r = await move(t.appId, 'revoke', { reason: 'items break the rules', removeItems: true });
    expect(r.json).toMatchObject({ status: 'REVOKED', reason: 'items break the rules', removedItems: 2 });
    expect(await sells(t, 'gems_a')).toBe(false);
    expect(await sells(t, 'gems_b')).toBe(false);
    // Another app's items are untouched.
    expect(await sells(other)).toBe(true);
  });

  it('a refused revocation removes nothing', async () => {
    const t = await sellingTeamApp(vpay, w.teamId, { paymentEnabled: true });
    ok(await ask(t.appId));
    expect(codeOf(await move(t.appId, 'revoke', { removeItems: true }))).toEqual({ status: 409, errCode: 40906 });
    expect(await sells(t)).toBe(true);
  });

  it('two requests or two decisions at once: one wins, the others 409/40906', async () => {
    const appId = await newApp();
    const asks = await Promise.all([ask(appId), ask(appId), ask(appId, w.tokens.mp_admin)]);
    expect(asks.map((a) => a.status).sort()).toEqual([201, 409, 409]);
    const decisions = await Promise.all([move(appId, 'approve'), move(appId, 'reject'), move(appId, 'approve', {}, w.tokens.super_admin)]);
    expect(decisions.map((a) => a.status).sort()).toEqual([200, 409, 409]);
  });
});

describe('who, and the order of the checks', () => {
  it("every role of the app's team and the platform views; another team's app is 404/40403", async () => {
    const appId = await newApp();
    for (const token of Object.values(w.tokens)) expect((await as(token, 'GET', path(appId))).status).toBe(200);
    expect(codeOf(await as(w.otherAdminToken, 'GET', path(appId)))).toEqual({ status: 404, errCode: 40403 });
    expect(codeOf(await as(w.tokens.mp_admin, 'GET', path(w.otherAppId)))).toEqual({ status: 404, errCode: 40403 });
    expect(codeOf(await as(w.tokens.mp_admin, 'GET', path('app_unknown')))).toEqual({ status: 404, errCode: 40403 });
    expect(codeOf(await as('nope', 'GET', path(appId)))).toEqual({ status: 401, errCode: 40100 });
  });

  it('only mp_admin and mp_senior_developer ask: 403/40302 before the body is read', async () => {
    const appId = await newApp();
    for (const role of ['super_admin', 'platform_admin', 'mp_developer', 'mp_operator'] as const) {
      expect(codeOf(await ask(appId, w.tokens[role], ''))).toEqual({ status: 403, errCode: 40302 });
    }
    expect(codeOf(await ask(w.otherAppId, w.tokens.mp_admin, ''))).toEqual({ status: 404, errCode: 40403 });
    for (const message of ['', 'x'.repeat(501), 5])
      expect(codeOf(await ask(appId, w.tokens.mp_admin, message))).toEqual({ status: 400, errCode: 40001 });
    expect(await statusInApp(appId)).toBe('NONE');
  });

  it('only the platform roles approve, reject and revoke: 403/40302 before the body is read', async () => {
    const appId = await newApp();
    ok(await ask(appId));
    for (const role of ['mp_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator'] as const) {
      for (const action of ['approve', 'reject', 'revoke'] as const) {
        expect(codeOf(await move(appId, action, 'not json', w.tokens[role]))).toEqual({ status: 403, errCode: 40302 });
      }
    }
    expect(await statusInApp(appId)).toBe('PENDING');
  });

  it('bodies: reason up to 500 characters; revoke needs removeItems, a boolean', async () => {
    const appId = await newApp();
    ok(await ask(appId));
    expect(codeOf(await move(appId, 'approve', { reason: 'x'.repeat(501) }))).toEqual({ status: 400, errCode: 40001 });
    ok(await move(appId, 'approve', { reason: 'x'.repeat(500) }));
    for (const body of [{}, { removeItems: 'yes' }, { reason: 'r' }, undefined]) {
      expect(codeOf(await move(appId, 'revoke', body))).toEqual({ status: 400, errCode: 40001 });
    }
    expect(await statusInApp(appId)).toBe('APPROVED');
  });
});

it("each move writes an audit entry for the app's team, with no token in it; refusals write none", async () => {
  const t = await sellingTeamApp(vpay, w.teamId, { paymentEnabled: true });
  ok(await ask(t.appId, w.tokens.mp_senior_developer, 'first ask'));
  ok(await move(t.appId, 'reject', { reason: 'not yet' }));
  ok(await ask(t.appId, w.tokens.mp_admin, 'second ask'));
  ok(await move(t.appId, 'approve', {}, w.tokens.super_admin));
  await ask(t.appId);
  ok(await move(t.appId, 'revoke', { reason: 'bad items', removeItems: true }));
  await move(t.appId, 'revoke', { removeItems: true });

  const entries = await auditEntries(vpay, w.tokens.mp_admin, `appId=${t.appId}`);
  expect(entries.map((e) => [e.action, e.role])).toEqual([
    ['items.remove', 'platform_admin'],
    ['exemption.revoke', 'platform_admin'],
    ['exemption.approve', 'super_admin'],
    ['exemption.request', 'mp_admin'],
    ['exemption.reject', 'platform_admin'],
    ['exemption.request', 'mp_senior_developer'],
  ]);
  expect(entries.every((e) => e.appId === t.appId && e.target === t.appId)).toBe(true);
  expect(entries[0].summary).toContain('1 live item');
  expect(entries[1].summary).toContain('bad items');
  expect(entries[4].summary).toContain('not yet');
  expect(entries[5].summary).toContain('first ask');
  const text = JSON.stringify(await auditEntries(vpay, vpay.adminToken));
  for (const token of [...Object.values(w.tokens), w.otherAdminToken, t.appKey]) expect(text).not.toContain(token);
});
