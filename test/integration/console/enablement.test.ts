// CONTRACT.md 7.3 on the real stack: a team's mp_admin asks for payment, the platform approves
// (the app then sells) or rejects; who sees which requests; every refusal's code, in 7.2's order;
// the audit entries each change writes.
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { auditEntries, codeOf, ok, sellingTeamApp } from '../../support/console-apps';
import { requestPayment } from '../../support/minigame';
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
  ok(await as(vpay.adminToken, 'POST', `/teams/${teamId}/apps`, { name: `enablement game ${++seq}` }), 'app').appId;
const ask = (appId: string, token = w.tokens.mp_admin, message: unknown = 'please enable payment') =>
  as(token, 'POST', `/apps/${appId}/payment-requests`, { message });
const decide = (requestId: string, decision: 'approve' | 'reject', body: unknown = {}, token = w.tokens.platform_admin) =>
  as(token, 'POST', `/payment-requests/${requestId}/${decision}`, body);

describe('asking', () => {
  it('201 with the pending request, once per app; 409/40906 while it is pending', async () => {
    const appId = await newApp();
    const a = await ask(appId, w.tokens.mp_admin, 'we sell gems');
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ errCode: 0, appId, status: 'PENDING', message: 'we sell gems', reason: null, reviewedAt: null });
    expect(a.json.requestId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Date(a.json.createdAt).toISOString()).toBe(a.json.createdAt);
    expect(codeOf(await ask(appId))).toEqual({ status: 409, errCode: 40906 });
  });

  it('409/40906 when payment is already enabled', async () => {
    const t = await sellingTeamApp(vpay, w.teamId, { paymentEnabled: true });
    expect(codeOf(await ask(t.appId))).toEqual({ status: 409, errCode: 40906 });
  });

  it('the message is 1..500 characters: else 400/40001', async () => {
    const appId = await newApp();
    for (const message of ['', ' ', 'x'.repeat(501), 42, null])
      expect(codeOf(await ask(appId, w.tokens.mp_admin, message))).toEqual({ status: 400, errCode: 40001 });
    expect(codeOf(await as(w.tokens.mp_admin, 'POST', `/apps/${appId}/payment-requests`, {}))).toEqual({ status: 400, errCode: 40001 });
    expect(codeOf(await as(w.tokens.mp_admin, 'POST', `/apps/${appId}/payment-requests`, 'not json'))).toEqual({
      status: 400,
      errCode: 40001,
    });
    expect((await ask(appId, w.tokens.mp_admin, 'x'.repeat(500))).status).toBe(201);
  });

  it('checks in order: token 401, app 404/40403, role 403/40302, then the body', async () => {
    const appId = await newApp();
    expect(codeOf(await ask(appId, 'not-a-token'))).toEqual({ status: 401, errCode: 40100 });
    expect(codeOf(await ask(w.otherAppId, w.tokens.mp_admin, ''))).toEqual({ status: 404, errCode: 40403 });
    expect(codeOf(await ask('app_unknown', w.tokens.mp_admin))).toEqual({ status: 404, errCode: 40403 });
    // The platform roles see the app but may not ask; a malformed body does not come first.
    for (const role of ['super_admin', 'platform_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator'] as const) {
      expect(codeOf(await ask(appId, w.tokens[role], ''))).toEqual({ status: 403, errCode: 40302 });
    }
  });

  it('two requests at once for one app: one is filed, the other 409/40906', async () => {
    const appId = await newApp();
    const answers = await Promise.all([ask(appId), ask(appId), ask(appId)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
  });
});

describe('deciding', () => {
  it('approving turns payment on: the app sells; the request is APPROVED, and then 409/40906', async () => {
    const t = await sellingTeamApp(vpay, w.teamId);
    expect(codeOf(await requestPayment(vpay, t))).toEqual({ status: 403, errCode: 40301 });
    const { requestId } = ok(await ask(t.appId), 'ask');
    const approved = await decide(requestId, 'approve', { reason: 'looks fine' });
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({ errCode: 0, requestId, appId: t.appId, status: 'APPROVED', reason: 'looks fine' });
    expect(approved.json.reviewedAt).not.toBeNull();
    expect(ok(await as(w.tokens.mp_operator, 'GET', `/apps/${t.appId}`)).paymentEnabled).toBe(true);
    const paid = await requestPayment(vpay, t);
    expect(paid.status).toBe(200);
    expect(paid.json.orderId).toBeTruthy();

    expect(codeOf(await decide(requestId, 'approve'))).toEqual({ status: 409, errCode: 40906 });
    expect(codeOf(await decide(requestId, 'reject'))).toEqual({ status: 409, errCode: 40906 });
    // Payment is on now: asking again is refused.
    expect(codeOf(await ask(t.appId))).toEqual({ status: 409, errCode: 40906 });
  });

  it('rejecting leaves payment off and allows a new request; reason optional, even no body', async () => {
    const appId = await newApp();
    const first = ok(await ask(appId), 'ask');
    const rejected = await decide(first.requestId, 'reject', { reason: 'tell us more' }, w.tokens.super_admin);
    expect(rejected.json).toMatchObject({ status: 'REJECTED', reason: 'tell us more', reviewedBy: 'super_admin' });
    expect(ok(await as(w.tokens.mp_admin, 'GET', `/apps/${appId}`)).paymentEnabled).toBe(false);
    expect(codeOf(await decide(first.requestId, 'approve'))).toEqual({ status: 409, errCode: 40906 });

    const second = ok(await ask(appId), 'ask again');
    expect(second.requestId).not.toBe(first.requestId);
    const noBody = await decide(second.requestId, 'reject', undefined);
    expect(noBody.json).toMatchObject({ status: 'REJECTED', reason: null });
  });

  it('a reason over 500 characters or a malformed body: 400/40001, the request stays pending', async () => {
    const appId = await newApp();
    const { requestId } = ok(await ask(appId), 'ask');
    expect(codeOf(await decide(requestId, 'approve', { reason: 'x'.repeat(501) }))).toEqual({ status: 400, errCode: 40001 });
    expect(codeOf(await decide(requestId, 'approve', { reason: 7 }))).toEqual({ status: 400, errCode: 40001 });
    expect(codeOf(await decide(requestId, 'approve', '{'))).toEqual({ status: 400, errCode: 40001 });
    expect(ok(await as(w.tokens.mp_admin, 'GET', '/payment-requests?status=PENDING')).requests.map((r: any) => r.requestId)).toContain(
      requestId,
    );
  });

  it('unknown request, or one of an app the caller cannot see: 404/40405, before the role check', async () => {
    expect(codeOf(await decide('pr_unknown', 'approve'))).toEqual({ status: 404, errCode: 40405 });
    expect(codeOf(await decide('x'.repeat(65), 'reject'))).toEqual({ status: 404, errCode: 40405 });
    const otherApp = await newApp(w.otherTeamId);
    const { requestId } = ok(await ask(otherApp, w.otherAdminToken), 'other team asks');
    // Team A's roles cannot see team B's request: as unknown, no hint that it exists.
    for (const role of ['mp_admin', 'mp_operator'] as const) {
      expect(codeOf(await decide(requestId, 'approve', {}, w.tokens[role]))).toEqual({ status: 404, errCode: 40405 });
    }
    // Team B's mp_admin sees it but may not decide.
    expect(codeOf(await decide(requestId, 'approve', { reason: 9 }, w.otherAdminToken))).toEqual({ status: 403, errCode: 40302 });
    expect(codeOf(await decide(requestId, 'approve', {}, 'wrong'))).toEqual({ status: 401, errCode: 40100 });
  });

  it('team roles may not decide: 403/40302', async () => {
    const { requestId } = ok(await ask(await newApp()), 'ask');
    for (const role of ['mp_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator'] as const) {
      expect(codeOf(await decide(requestId, 'approve', {}, w.tokens[role]))).toEqual({ status: 403, errCode: 40302 });
      expect(codeOf(await decide(requestId, 'reject', {}, w.tokens[role]))).toEqual({ status: 403, errCode: 40302 });
    }
  });

  it('two decisions at once: one wins, the other 409/40906', async () => {
    const { requestId } = ok(await ask(await newApp()), 'ask');
    const answers = await Promise.all([decide(requestId, 'approve'), decide(requestId, 'reject'), decide(requestId, 'approve')]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
  });
});

describe('listing', () => {
  let mine: string;
  let theirs: string;

  beforeAll(async () => {
    mine = ok(await ask(await newApp()), 'ask').requestId;
    theirs = ok(await ask(await newApp(w.otherTeamId), w.otherAdminToken), 'other team asks').requestId;
  });

  const ids = async (token: string, query = '') =>
    ok(await as(token, 'GET', `/payment-requests${query}`)).requests.map((r: any) => r.requestId);

  it("the platform roles see every app's requests", async () => {
    for (const role of ['super_admin', 'platform_admin'] as const)
      expect(await ids(w.tokens[role], '?limit=200')).toEqual(expect.arrayContaining([mine, theirs]));
  });

  it("every team role sees its team's, never another team's", async () => {
    for (const role of ['mp_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator'] as const) {
      const seen = await ids(w.tokens[role], '?limit=200');
      expect(seen).toContain(mine);
      expect(seen).not.toContain(theirs);
    }
    expect(await ids(w.otherAdminToken, '?limit=200')).toContain(theirs);
  });

  it('filters by status; each request carries its fields', async () => {
    const rejected = ok(await ask(await newApp()), 'ask').requestId;
    ok(await decide(rejected, 'reject', { reason: 'no' }));
    const list = ok(await as(w.tokens.mp_admin, 'GET', '/payment-requests?status=REJECTED&limit=200')).requests;
    expect(list.every((r: any) => r.status === 'REJECTED')).toBe(true);
    expect(list.find((r: any) => r.requestId === rejected)).toMatchObject({
      status: 'REJECTED',
      reason: 'no',
      message: 'please enable payment',
    });
    expect(await ids(w.tokens.mp_admin, '?status=PENDING&limit=200')).not.toContain(rejected);
    expect(codeOf(await as(w.tokens.mp_admin, 'GET', '/payment-requests?status=DONE'))).toEqual({ status: 400, errCode: 40001 });
  });

  it('newest first, paged by limit and cursor to the end', async () => {
    const all = await ids(w.tokens.platform_admin, '?limit=200');
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = ok(await as(w.tokens.platform_admin, 'GET', `/payment-requests?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.requests.length).toBeLessThanOrEqual(2);
      paged.push(...page.requests.map((r: any) => r.requestId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
    const created = ok(await as(w.tokens.platform_admin, 'GET', '/payment-requests?limit=200')).requests.map((r: any) =>
      Date.parse(r.createdAt),
    );
    expect(created).toEqual([...created].sort((a, b) => b - a));
    for (const q of ['?limit=0', '?limit=201', '?cursor=%%%', '?cursor=bm90IGpzb24']) {
      expect(codeOf(await as(w.tokens.platform_admin, 'GET', `/payment-requests${q}`))).toEqual({ status: 400, errCode: 40001 });
    }
  });
});

it("each change writes one audit entry, readable by the team's mp_admin, with no token in it", async () => {
  const appId = await newApp();
  const { requestId } = ok(await ask(appId, w.tokens.mp_admin, 'audit me'), 'ask');
  ok(await decide(requestId, 'reject', { reason: 'first no' }));
  const second = ok(await ask(appId), 'ask again');
  ok(await decide(second.requestId, 'approve', {}, w.tokens.super_admin));
  // Refusals write nothing.
  await ask(appId);
  await decide(second.requestId, 'approve');

  const entries = await auditEntries(vpay, w.tokens.mp_admin, `appId=${appId}`);
  expect(entries.map((e) => e.action)).toEqual(['payment.approve', 'payment.request', 'payment.reject', 'payment.request', 'app.create']);
  const [approve, , reject, ask1] = entries;
  expect(ask1).toMatchObject({ role: 'mp_admin', appId, target: requestId });
  expect(ask1.summary).toContain('audit me');
  expect(reject).toMatchObject({ userId: expect.any(String), role: 'platform_admin', appId, target: requestId });
  expect(reject.summary).toContain('first no');
  expect(approve).toMatchObject({ userId: 'super_admin', role: 'super_admin', appId, target: second.requestId });
  expect(Object.keys(approve).sort()).toEqual(['action', 'appId', 'at', 'role', 'summary', 'target', 'userId']);
  const text = JSON.stringify(await auditEntries(vpay, vpay.adminToken));
  for (const token of [...Object.values(w.tokens), w.otherAdminToken]) expect(text).not.toContain(token);
});
