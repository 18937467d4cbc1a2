// `npm run reconcile`'s checks of the console's data (tools/ops/reconcile-console.ts) on the real
// stack: a console team with its users, an app configured and rotated through the console, items
// released and bought, finds nothing; then each rule, broken by hand with SQL as an operator or a
// bug would, is reported as exactly that finding, and nothing once the rows are put back.
import { randomBytes } from 'node:crypto';
import { startVpay, type Vpay } from '../support/vpay';
import { runReconcileCli } from '../support/reconcile-cli';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../support/console';
import { expectOk, payableConsoleApp } from '../support/console-delivery';
import { admin, paidOrder, type TestApp } from '../support/minigame';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { reconcile, type ReconcileOptions, type ReconcileReport } from '../../tools/ops/reconcile';
import { CONSOLE_KINDS, type ConsoleFinding } from '../../tools/ops/reconcile-console';

let vpay: Vpay;
let world: ConsoleWorld;
/** A console-made app: key version 1 from its first save, then rotated twice (versions 2 and 3). */
let app: TestApp;
/** The second item of `app`, released through section 6, and its one delivered order. */
const bigPack = { productId: 'gem_pack_500', price: 4500 };
let bigOrderId: string;
/** The app's key versions, 1 to 3. */
const keys: string[] = [];
/** userIds by role, from GET /me. */
const userIds: Record<string, string> = {};

const run = (o: Partial<ReconcileOptions> = {}): Promise<ReconcileReport> =>
  reconcile({
    db: vpay.api.db,
    client: vpay.api.client,
    taskQueue: vpay.config.taskQueue,
    deliveries: vpay.developer.received.map((r) => ({ orderId: String(r.payload.OrderId), ok: r.answeredOk })),
    // The orders here are placed right after their items' release: judge every one of them.
    releaseLagMs: 0,
    keyRotationOverlapMs: vpay.config.keyRotationOverlapMs,
    ...o,
  });

const noFindings = Object.fromEntries(CONSOLE_KINDS.map((k) => [k, 0]));

/** The report holds exactly these console findings (and the orders still all match). */
function expectFindings(report: ReconcileReport, expected: Array<Partial<ConsoleFinding>>): void {
  expect(report.problems).toEqual([]);
  expect(report.console.findings).toEqual(expected.map((f) => expect.objectContaining(f)));
  const counts = { ...noFindings };
  for (const f of expected) counts[f.kind!]++;
  expect(report.console.counts).toEqual(counts);
  expect(report.ok).toBe(expected.length === 0);
}

const sql = (text: string, bindings: unknown[] = []) => vpay.api.db.raw(text, bindings as any[]);

/** A purchase of `productId` at `price`, awaited until its workflow finished DELIVERED. */
async function deliveredOrder(productId: string, price: number): Promise<string> {
  const o = await paidOrder(vpay, { ...app, productId, price });
  const result = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, o.outTradeNo)).result();
  expect(result).toMatchObject({ status: 'DELIVERED' });
  return o.orderId;
}

const runCli = (args: string[]) => runReconcileCli(vpay, args);

beforeAll(async () => {
  vpay = await startVpay();
  world = await consoleWorld(vpay);
  for (const [role, token] of Object.entries(world.tokens)) {
    userIds[role] = expectOk(await consoleCall(vpay, token, 'GET', '/me'), `me as ${role}`).userId;
  }
  app = await payableConsoleApp(vpay, world);
  keys.push(app.appKey);
  for (let i = 0; i < 2; i++) {
    const rotated = expectOk(await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${app.appId}/keys`), 'rotation');
    keys.push(rotated.appKey);
  }
  app = { ...app, appKey: keys[2] };
  vpay.developer.appKeys.set(app.appId, keys[2]);
  expectOk(
    await admin(vpay, 'PUT', `/v1/admin/apps/${app.appId}/items/${bigPack.productId}`, {
      name: '500 gems',
      price: bigPack.price,
      currencyType: 'USD',
      released: true,
    }),
    'second item',
  );
  await deliveredOrder(app.productId, app.price);
  bigOrderId = await deliveredOrder(bigPack.productId, bigPack.price);
  // Text that only resembles a secret: a masked token, "Bearer" with no token after it, a short hex.
  expectOk(
    await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${world.appId}/payment-requests`, {
      message: `please enable payments; we sign with Bearer auth, token vpc_ab… (key id ${randomBytes(16).toString('hex')})`,
    }),
    'payment request',
  );
});
afterAll(async () => {
  await vpay?.stop();
});

it('finds the console data of a clean stack clean', async () => {
  const report = await run();
  expectFindings(report, []);
  expect(report.counts.match).toBe(2);
  // The state it judged is the one described: three key versions, the middle one in its overlap.
  const versions = await vpay.api.db('app_keys').where({ app_id: app.appId }).orderBy('version').select('version', 'valid_until');
  expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
  expect(versions[0].valid_until.getTime()).toBeLessThanOrEqual(Date.now());
  expect(versions[1].valid_until.getTime()).toBeGreaterThan(Date.now());
  expect(versions[2].valid_until).toBeNull();
});

describe('orders against their items', () => {
  it('order_without_item: the item of a delivered order deleted by hand', async () => {
    const [item] = await vpay.api.db('items').where({ app_id: app.appId, product_id: bigPack.productId });
    await vpay.api.db('items').where({ app_id: app.appId, product_id: bigPack.productId }).delete();
    try {
      expectFindings(await run(), [
        {
          kind: 'order_without_item',
          appId: app.appId,
          ids: { orderId: bigOrderId, productId: bigPack.productId },
          detail: expect.stringMatching(/is for item gem_pack_500, which the app has no row for/),
        },
      ]);
    } finally {
      await vpay.api.db('items').insert(item);
    }
    expectFindings(await run(), []);
  });

  it('order_item_never_released: a sold item whose row records no release', async () => {
    await sql('update items set first_released_at = null where app_id = ? and product_id = ?', [app.appId, bigPack.productId]);
    try {
      expectFindings(await run(), [
        {
          kind: 'order_item_never_released',
          appId: app.appId,
          ids: { orderId: bigOrderId, productId: bigPack.productId },
          detail: expect.stringMatching(/records no release \(first_released_at null\)/),
        },
      ]);
    } finally {
      await sql('update items set first_released_at = live_released_at where app_id = ? and product_id = ?', [
        app.appId,
        bigPack.productId,
      ]);
    }
    expectFindings(await run(), []);
  });

  it('order_price_mismatch: a live price changed in place, without a release; a real re-release is no finding', async () => {
    await sql('update items set live_price = live_price + 1 where app_id = ? and product_id = ?', [app.appId, bigPack.productId]);
    try {
      expectFindings(await run(), [
        {
          kind: 'order_price_mismatch',
          appId: app.appId,
          ids: { orderId: bigOrderId, productId: bigPack.productId },
          detail: expect.stringMatching(
            /sold item gem_pack_500 at 4500 USD, but its live version, released .* before the order, is 4501 USD/,
          ),
        },
      ]);
      // An order placed within releaseLagMs of the release is not judged (it may have been checked
      // against the version before): the order came seconds after this one, not an hour.
      expectFindings(await run({ releaseLagMs: 3_600_000 }), []);
    } finally {
      await sql('update items set live_price = live_price - 1 where app_id = ? and product_id = ?', [app.appId, bigPack.productId]);
    }
    expectFindings(await run(), []);

    // Released again at a new price: the order was placed before this live version, so it is not judged.
    expectOk(
      await admin(vpay, 'PUT', `/v1/admin/apps/${app.appId}/items/${bigPack.productId}`, {
        name: '500 gems',
        price: bigPack.price + 500,
        currencyType: 'USD',
        released: true,
      }),
      're-release',
    );
    expectFindings(await run(), []);
  });
});

describe('app keys', () => {
  it('app_key_not_current: apps.app_key set by hand to a key app_keys does not have', async () => {
    await sql('update apps set app_key = ? where app_id = ?', [randomBytes(32).toString('hex'), app.appId]);
    try {
      expectFindings(await run(), [
        {
          kind: 'app_key_not_current',
          appId: app.appId,
          ids: { keyVersion: 3 },
          detail: expect.stringMatching(
            /^apps\.app_key, which signs notifications and verifies paySig, is no version in app_keys, not version 3/,
          ),
        },
      ]);
      // Set back to an older version's key, it names that version.
      await sql('update apps set app_key = ? where app_id = ?', [keys[0], app.appId]);
      expect((await run()).console.findings).toEqual([
        expect.objectContaining({ kind: 'app_key_not_current', detail: expect.stringMatching(/is key version 1, not version 3/) }),
      ]);
    } finally {
      await sql('update apps set app_key = ? where app_id = ?', [keys[2], app.appId]);
    }
    expectFindings(await run(), []);
  });

  it('app_key_not_current: more than one current key, and a current key marked replaced', async () => {
    const [{ valid_until: until1 }] = await vpay.api.db('app_keys').where({ app_id: app.appId, version: 1 }).select('valid_until');
    await sql('update app_keys set valid_until = null where app_id = ? and version = 1', [app.appId]);
    try {
      expectFindings(await run(), [
        {
          kind: 'app_key_not_current',
          appId: app.appId,
          ids: { keyVersion: 3 },
          detail: 'key version(s) 1 also marked current (valid_until null) though version 3 is newer: more than one current key',
        },
      ]);
    } finally {
      await vpay.api.db('app_keys').where({ app_id: app.appId, version: 1 }).update({ valid_until: until1 });
    }
    await sql(`update app_keys set valid_until = now() - interval '1 minute' where app_id = ? and version = 3`, [app.appId]);
    try {
      expectFindings(await run(), [
        {
          kind: 'app_key_not_current',
          ids: { keyVersion: 3 },
          detail: expect.stringMatching(/^the newest key version 3 is marked replaced \(valid until .*\), though no newer one exists$/),
        },
      ]);
    } finally {
      await sql('update app_keys set valid_until = null where app_id = ? and version = 3', [app.appId]);
    }
    expectFindings(await run(), []);
  });

  it('app_key_still_valid: a key a later rotation ended made valid again, and an overlap stretched by hand', async () => {
    const before = await vpay.api.db('app_keys').where({ app_id: app.appId }).orderBy('version').select('version', 'valid_until');
    await sql(`update app_keys set valid_until = now() + interval '1 hour' where app_id = ? and version = 1`, [app.appId]);
    try {
      expectFindings(await run(), [
        {
          kind: 'app_key_still_valid',
          appId: app.appId,
          ids: { keyVersion: 1 },
          detail: expect.stringMatching(/^key version 1 still verifies until .* though version 3 is current/),
        },
      ]);
    } finally {
      await vpay.api.db('app_keys').where({ app_id: app.appId, version: 1 }).update({ valid_until: before[0].valid_until });
    }
    expectFindings(await run(), []);

    await sql(`update app_keys set valid_until = valid_until + interval '1 second' where app_id = ? and version = 2`, [app.appId]);
    try {
      expectFindings(await run(), [
        {
          kind: 'app_key_still_valid',
          appId: app.appId,
          ids: { keyVersion: 2 },
          detail: expect.stringMatching(
            /^key version 2, replaced by version 3 at .*, still verifies until .*: longer than KEY_ROTATION_OVERLAP_MS \(86400000 ms\)/,
          ),
        },
      ]);
      // Without the setting, how long the key just replaced stays valid is not judged.
      expectFindings(await run({ keyRotationOverlapMs: undefined }), []);
    } finally {
      await sql(`update app_keys set valid_until = valid_until - interval '1 second' where app_id = ? and version = 2`, [app.appId]);
    }
    expectFindings(await run(), []);
  });
});

describe('the audit log', () => {
  const lastEntryOf = async (action: string): Promise<{ id: number; summary: string }> =>
    (await vpay.api.db('audit_log').where({ action }).orderBy('id', 'desc').first('id', 'summary'))!;

  it("audit_secret: a key of the entry's app, an app-key-shaped string, a console token, a bearer token", async () => {
    const rotation = await lastEntryOf('delivery.key');
    const created = await lastEntryOf('team.create');
    const configured = await lastEntryOf('delivery.configure');
    const userCreated = await lastEntryOf('user.create');
    const secrets = [
      { entry: rotation, text: ` (the new key: ${keys[2]})` },
      { entry: created, text: ` ${randomBytes(32).toString('hex')}` },
      { entry: configured, text: ` token ${world.tokens.mp_developer}` },
      { entry: userCreated, text: ` Authorization: Bearer ${vpay.adminToken}` },
    ];
    for (const s of secrets)
      await vpay.api
        .db('audit_log')
        .where({ id: s.entry.id })
        .update({ summary: s.entry.summary + s.text });
    try {
      const report = await run();
      expectFindings(
        report,
        [
          {
            ids: { auditId: String(rotation.id) },
            appId: app.appId,
            detail: expect.stringMatching(/^audit entry delivery\.key of .* holds the app's key version\(s\) 3: no secret/),
          },
          {
            ids: { auditId: String(created.id) },
            appId: null,
            detail: expect.stringMatching(/holds 64 hex digits shaped like an app key/),
          },
          { ids: { auditId: String(configured.id) }, detail: expect.stringMatching(/holds text shaped like a console token \(vpc_…\)/) },
          { ids: { auditId: String(userCreated.id) }, detail: expect.stringMatching(/holds a bearer token/) },
        ]
          .sort((a, b) => Number(a.ids.auditId) - Number(b.ids.auditId))
          .map((f) => ({ kind: 'audit_secret' as const, ...f })),
      );
      // The report names where, never the secret itself.
      const text = JSON.stringify(report);
      for (const s of [keys[2], world.tokens.mp_developer, vpay.adminToken]) expect(text).not.toContain(s);
      // Entries are judged in the window they were written in.
      expectFindings(await run({ since: new Date(Date.now() + 60_000), until: new Date(Date.now() + 120_000), deliveries: undefined }), []);
    } finally {
      for (const s of secrets) await vpay.api.db('audit_log').where({ id: s.entry.id }).update({ summary: s.entry.summary });
    }
    expectFindings(await run(), []);
  });

  it('audit_secret: a user pasting a token into a message through the console, no hand edit needed', async () => {
    const token = world.tokens.mp_admin;
    // world.appId has a request pending already (beforeAll): a new app of the team.
    const appId = expectOk(await consoleCall(vpay, token, 'POST', `/teams/${world.teamId}/apps`, { name: 'leaky' }), 'app').appId;
    expectOk(
      await consoleCall(vpay, token, 'POST', `/apps/${appId}/payment-requests`, { message: `our console login is ${token}` }),
      'request',
    );
    const entry = await lastEntryOf('payment.request');
    try {
      expectFindings(await run(), [
        {
          kind: 'audit_secret',
          appId,
          ids: { auditId: String(entry.id) },
          detail: expect.stringMatching(/^audit entry payment\.request of .* holds text shaped like a console token/),
        },
      ]);
    } finally {
      // What an operator does once the token is revoked: redact the entry.
      await vpay.api
        .db('audit_log')
        .where({ id: entry.id })
        .update({ summary: 'payment enablement requested: [redacted: held a console token]' });
    }
    expectFindings(await run(), []);
  });
});

it('user_role_team: an unknown role, a team role without a team, a platform role with one; a revoked user is not judged', async () => {
  const db = vpay.api.db;
  const users = () => db('console_users').whereIn('user_id', Object.values(userIds));
  const before = await users().select('user_id', 'role', 'team_id');
  await db('console_users').where({ user_id: userIds.mp_operator }).update({ role: 'owner' });
  await db('console_users').where({ user_id: userIds.mp_developer }).update({ team_id: null });
  await db('console_users').where({ user_id: userIds.platform_admin }).update({ team_id: world.teamId });
  // A revoked user, broken the same way, can no longer log in: nothing to report.
  const revoked = expectOk(
    await consoleCall(vpay, world.tokens.mp_admin, 'POST', '/users', { name: 'leaver', role: 'mp_operator', teamId: world.teamId }),
    'user',
  );
  expect((await consoleCall(vpay, world.tokens.mp_admin, 'DELETE', `/users/${revoked.userId}`)).status).toBe(200);
  await db('console_users').where({ user_id: revoked.userId }).update({ role: 'owner' });
  try {
    const expected: Array<Partial<ConsoleFinding>> = [
      {
        ids: { userId: userIds.mp_operator },
        detail: 'active user with role "owner", which is none of the console\'s roles: it can do nothing',
      },
      {
        ids: { userId: userIds.mp_developer },
        detail: 'active user with the team role mp_developer but no team: it sees no app and can act on nothing',
      },
      {
        ids: { userId: userIds.platform_admin },
        detail: `active user with the platform role platform_admin and team ${world.teamId}: platform roles belong to no team`,
      },
    ];
    expectFindings(
      await run(),
      expected.sort((a, b) => (a.ids!.userId! < b.ids!.userId! ? -1 : 1)).map((f) => ({ kind: 'user_role_team', appId: null, ...f })),
    );
  } finally {
    for (const u of before) await db('console_users').where({ user_id: u.user_id }).update({ role: u.role, team_id: u.team_id });
  }
  expectFindings(await run(), []);
});

describe('the CLI', () => {
  it('exits 1 and names a console finding, in the table and the list; 0 once the rows agree', async () => {
    await vpay.api.db('console_users').where({ user_id: userIds.mp_senior_developer }).update({ team_id: null });
    try {
      const text = await runCli([]);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^user_role_team\s+1$/m);
      expect(text.stdout).toMatch(/^audit_secret\s+0$/m);
      expect(text.stdout).toMatch(
        new RegExp(`^user_role_team\\s+app -\\s+userId ${userIds.mp_senior_developer}\\s+active user with the team role`, 'm'),
      );
      expect(text.stdout).toMatch(/NOT OK: 1 console finding\(s\) need attention/);

      const json = await runCli(['--json']);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as ReconcileReport;
      expect(report.problems).toEqual([]);
      expect(report.console.findings).toEqual([
        expect.objectContaining({ kind: 'user_role_team', ids: { userId: userIds.mp_senior_developer } }),
      ]);

      // --repair leaves console data alone.
      const repair = await runCli(['--repair']);
      expect(repair.code).toBe(1);
      expect(await vpay.api.db('console_users').where({ user_id: userIds.mp_senior_developer }).first('team_id')).toEqual({
        team_id: null,
      });
    } finally {
      await vpay.api.db('console_users').where({ user_id: userIds.mp_senior_developer }).update({ team_id: world.teamId });
    }
    const clean = await runCli([]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/OK: every order matches and the console's data agrees/);
  });
});
