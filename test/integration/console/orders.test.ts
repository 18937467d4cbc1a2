// CONTRACT.md 7.7 on the real stack: the order lists (defaults of from/to, filters, paging through
// cursors, across apps per role), an order's detail with its delivery attempts and Web UI link,
// and the redelivery of a PAID order (tried now) and of a DELIVERED one (sent once more: the same
// X-Vpay-Delivery-Id, the next X-Vpay-Attempt), checked against the fake developer.
import { startVpay, type Vpay } from '../../support/vpay';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { paidOrder, requestPayment, SECTION_5_ORDER_FIELDS, setupApp, signData, type TestApp } from '../../support/minigame';
import { insertGeneratedOrders } from '../../support/generated-orders';
import { waitFor } from '../../support/wait-for';
import { purchaseWorkflowId, redeliverWorkflowId } from '../../../workflows/workflow-ids';
import { deliveryIdFor } from '../../../lib/outbound/delivery-notice';
import type { Role } from '../../../lib/domain/console/permissions';

const DAY_MS = 86_400_000;
/** Section 5's fields (refundedAmount among them, 7.7 and 8.3), which every listed order has. */
const ORDER_FIELDS = [...SECTION_5_ORDER_FIELDS];

let vpay: Vpay;
let world: ConsoleWorld;
/** Team A's app with a delivery URL (the fake developer): its orders are real purchases. */
let game: TestApp;
let delivered: { orderId: string; outTradeNo: string };
let prepaid: { orderId: string; outTradeNo: string };
/** When the generated orders of team A's other app (world.appId) were made: the newest one's createdAt. */
const genNewest = new Date(Date.now() - 3_600_000);

const as = (role: Role, method: string, path: string, body?: unknown) => consoleCall(vpay, world.tokens[role], method, path, body);
const db = () => vpay.api.db;

/** Every page of a list, following nextCursor; asserts each page's from/to are the first's. */
async function allPages(role: Role, path: string, limit: number): Promise<{ orders: any[]; pages: number }> {
  const orders: any[] = [];
  let cursor: string | null = null;
  let range: { from: string; to: string } | undefined;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const r = await as(role, 'GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status).toBe(200);
    range ??= { from: r.json.from, to: r.json.to };
    expect({ from: r.json.from, to: r.json.to }).toEqual(range);
    expect(r.json.orders.length).toBeLessThanOrEqual(limit);
    orders.push(...r.json.orders);
    cursor = r.json.nextCursor;
    pages++;
  } while (cursor);
  return { orders, pages };
}

/** The orders the database holds for the scope, as the list orders them. */
async function expectedIds(appIds: string[], from: Date, to: Date): Promise<string[]> {
  const rows = await db()('orders')
    .whereIn('app_id', appIds)
    .andWhere('created_at', '>=', from)
    .andWhere('created_at', '<', to)
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'order_id', order: 'desc' },
    ])
    .select('order_id');
  return rows.map((r: any) => r.order_id);
}

beforeAll(async () => {
  vpay = await startVpay({
    TEMPORAL_UI_URL: 'http://temporal-ui.example:8233/',
    // A failed delivery waits 10 minutes: only the redeliver of a PAID order can make it try sooner.
    DELIVERY_RETRY_INITIAL_MS: '600000',
    DELIVERY_RETRY_MAX_MS: '3600000',
  });
  world = await consoleWorld(vpay);
  game = await setupApp(vpay);
  await db()('apps').where({ app_id: game.appId }).update({ team_id: world.teamId });
  delivered = await paidOrder(vpay, game);
  await vpay.developer.waitFor(delivered.orderId, 30_000);
  const sd = signData(game);
  const r = await requestPayment(vpay, game, sd);
  expect(r.status).toBe(200);
  prepaid = { orderId: r.json.orderId, outTradeNo: JSON.parse(sd).outTradeNo };
  // Team A's console-made app: 130 generated orders within the last week, microsecond times and
  // ties of three (the cursor must name a row exactly), plus 10 from about 10 days ago.
  await insertGeneratedOrders(db(), { count: 130, appIds: [world.appId], prefix: 'gen', newest: genNewest, stepMs: 1234.567, sameTime: 3 });
  await insertGeneratedOrders(db(), {
    count: 10,
    appIds: [world.appId],
    prefix: 'old',
    newest: new Date(Date.now() - 10 * DAY_MS),
    stepMs: 60_000,
  });
  // Team B's app: 5 orders team A must never see.
  await insertGeneratedOrders(db(), {
    count: 5,
    appIds: [world.otherAppId],
    prefix: 'oth',
    newest: new Date(Date.now() - 60_000),
    stepMs: 1000,
  });
});

afterAll(async () => {
  await vpay?.stop();
});

describe('GET /apps/{appId}/orders', () => {
  it("lists an app's orders newest first, with section 5's fields and refundedAmount, over the last 7 days by default", async () => {
    const before = Date.now();
    const r = await as('mp_operator', 'GET', `/apps/${game.appId}/orders`);
    const after = Date.now();
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ errCode: 0, nextCursor: null });
    const to = Date.parse(r.json.to);
    expect(to).toBeGreaterThanOrEqual(before - 1);
    expect(to).toBeLessThanOrEqual(after);
    expect(Date.parse(r.json.from)).toBe(to - 7 * DAY_MS);
    expect(r.json.orders.map((o: any) => o.orderId)).toEqual([prepaid.orderId, delivered.orderId]);
    const [p, d] = r.json.orders;
    for (const o of [p, d]) expect(Object.keys(o)).toEqual(expect.arrayContaining(ORDER_FIELDS));
    expect(d).toMatchObject({
      appId: game.appId,
      outTradeNo: delivered.outTradeNo,
      status: 'DELIVERED',
      transactionId: `txn_${delivered.orderId}`,
      totalAmount: game.price,
      deliveryAttempts: 1,
      refundedAmount: 0,
    });
    expect(d.deliveredAt).toEqual(expect.any(String));
    expect(p).toMatchObject({
      status: 'PREPAID',
      transactionId: null,
      paidAt: null,
      deliveredAt: null,
      deliveryAttempts: 0,
      refundedAmount: 0,
    });
  });

  it('answers the effective from and to it was given, and keeps older orders out of the default week', async () => {
    const from = new Date(Date.now() - 30 * DAY_MS).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const all = await as('mp_developer', 'GET', `/apps/${world.appId}/orders?from=${from}&to=${to}&limit=200`);
    expect(all.status).toBe(200);
    expect({ from: all.json.from, to: all.json.to }).toEqual({ from, to });
    expect(all.json.orders).toHaveLength(140);
    const week = await as('mp_developer', 'GET', `/apps/${world.appId}/orders?limit=200`);
    expect(week.json.orders).toHaveLength(130);
    expect(week.json.orders.every((o: any) => o.orderId.startsWith('gen'))).toBe(true);
    // `to` alone: `from` is 7 days before it. Here that week holds only the 10 old orders.
    const older = await as(
      'mp_developer',
      'GET',
      `/apps/${world.appId}/orders?to=${new Date(Date.now() - 5 * DAY_MS).toISOString()}&limit=200`,
    );
    expect(Date.parse(older.json.to) - Date.parse(older.json.from)).toBe(7 * DAY_MS);
    expect(older.json.orders.map((o: any) => o.orderId).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `old${String(i + 1).padStart(9, '0')}`),
    );
  });

  it('takes a date, a UTC time or a time with an offset (also with an unencoded +); from is inclusive, to exclusive', async () => {
    const rows = await db()('orders')
      .where({ app_id: world.appId })
      .orderBy('created_at', 'desc')
      .select('order_id', 'created_at')
      .limit(40);
    const newest = rows[0].created_at as Date;
    const tenth = rows[9].created_at as Date;
    // [tenth, newest): the newest row (ties included) is out, the tenth and its ties are in.
    const r = await as(
      'mp_operator',
      'GET',
      `/apps/${world.appId}/orders?from=${tenth.toISOString()}&to=${newest.toISOString()}&limit=200`,
    );
    expect(r.status).toBe(200);
    const want = await expectedIds([world.appId], tenth, newest);
    expect(r.json.orders.map((o: any) => o.orderId)).toEqual(want);
    expect(want.length).toBeGreaterThanOrEqual(7);
    // The same instants written with +08:00, once percent-encoded and once with a bare + (a space).
    const plus8 = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
    for (const enc of [encodeURIComponent, (s: string) => s]) {
      const o = await as('mp_operator', 'GET', `/apps/${world.appId}/orders?from=${enc(plus8(tenth))}&to=${enc(plus8(newest))}&limit=200`);
      expect(o.status).toBe(200);
      expect(o.json.from).toBe(tenth.toISOString());
      expect(o.json.orders.map((x: any) => x.orderId)).toEqual(want);
    }
    const day = await as('mp_operator', 'GET', `/apps/${world.appId}/orders?from=2020-01-01&to=2020-01-02`);
    expect(day.json).toMatchObject({ from: '2020-01-01T00:00:00.000Z', to: '2020-01-02T00:00:00.000Z', orders: [], nextCursor: null });
  });

  it.each([
    ['status=CLOSED', (o: any) => o.status === 'CLOSED', 13],
    ['status=PAID&env=1', (o: any) => o.status === 'PAID' && o.env === 1, 13],
    ['env=0', (o: any) => o.env === 0, 65],
    ['openId=player7', (o: any) => o.openId === 'player7', 1],
    ['productId=gem_3', (o: any) => o.productId === 'gem_3', 7],
    ['orderId=gen000000042', (o: any) => o.orderId === 'gen000000042', 1],
    ['outTradeNo=genT42', (o: any) => o.outTradeNo === 'genT42', 1],
    ['status=&openId=', () => true, 130],
  ])('filters by %s', async (query, matches, count) => {
    const r = await as('mp_operator', 'GET', `/apps/${world.appId}/orders?${query}&limit=200`);
    expect(r.status).toBe(200);
    expect(r.json.orders).toHaveLength(count);
    expect(r.json.orders.every(matches)).toBe(true);
  });

  it.each([
    ['from=yesterday', 40003],
    ['to=2026-02-30T00:00:00Z', 40003],
    ['from=2026-11-02&to=2026-11-01', 40003],
    ['status=PAYED', 40001],
    ['env=2', 40001],
    ['limit=0', 40001],
    ['limit=201', 40001],
    ['cursor=bm90LWEtY3Vyc29y', 40001],
    [`cursor=${Buffer.from('["x"]').toString('base64url')}`, 40001],
    ['openId=a%00b', 40001],
  ])('refuses %s with 400/%i', async (query, errCode) => {
    const r = await as('mp_operator', 'GET', `/apps/${world.appId}/orders?${query}`);
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 400, errCode });
  });

  it('pages through cursors: every order once, in order, the same range on every page, null at the end', async () => {
    const { orders, pages } = await allPages('mp_admin', `/apps/${world.appId}/orders`, 50);
    expect(pages).toBe(3);
    const ids = orders.map((o) => o.orderId);
    expect(new Set(ids).size).toBe(130);
    const first = await as('mp_admin', 'GET', `/apps/${world.appId}/orders?limit=1`);
    expect(ids).toEqual(await expectedIds([world.appId], new Date(first.json.from), new Date(first.json.to)));
  });

  it("hides another team's app (404/40403) and another app's order (404/40405)", async () => {
    const other = await as('mp_admin', 'GET', `/apps/${world.otherAppId}/orders`);
    expect({ status: other.status, errCode: other.json.errCode }).toEqual({ status: 404, errCode: 40403 });
    const otherDetail = await as('mp_admin', 'GET', `/apps/${world.otherAppId}/orders/oth000000001`);
    expect(otherDetail.json.errCode).toBe(40403);
    const viaOwnApp = await as('mp_admin', 'GET', `/apps/${game.appId}/orders/oth000000001`);
    expect({ status: viaOwnApp.status, errCode: viaOwnApp.json.errCode }).toEqual({ status: 404, errCode: 40405 });
    const bAdmin = await consoleCall(vpay, world.otherAdminToken, 'GET', `/apps/${game.appId}/orders/${delivered.orderId}`);
    expect({ status: bAdmin.status, errCode: bAdmin.json.errCode }).toEqual({ status: 404, errCode: 40403 });
  });
});

describe('GET /orders (across apps)', () => {
  it("gives a team role its own team's apps' orders only, merged newest first", async () => {
    const { orders } = await allPages('mp_operator', '/orders', 40);
    const first = await as('mp_operator', 'GET', '/orders?limit=1');
    expect(orders.map((o) => o.orderId)).toEqual(
      await expectedIds([game.appId, world.appId], new Date(first.json.from), new Date(first.json.to)),
    );
    expect(orders.some((o) => o.appId === world.otherAppId)).toBe(false);
    const narrowed = await as('mp_operator', 'GET', `/orders?appId=${game.appId}`);
    expect(narrowed.json.orders.map((o: any) => o.orderId)).toEqual([prepaid.orderId, delivered.orderId]);
    const other = await as('mp_operator', 'GET', `/orders?appId=${world.otherAppId}`);
    expect({ status: other.status, errCode: other.json.errCode }).toEqual({ status: 404, errCode: 40403 });
  });

  it("gives the platform roles every app's orders, and one app's with appId", async () => {
    const { orders } = await allPages('platform_admin', '/orders?status=CLOSED', 5);
    expect(orders.every((o) => o.status === 'CLOSED')).toBe(true);
    const everything = await allPages('super_admin', '/orders', 200);
    const first = await as('super_admin', 'GET', '/orders?limit=1');
    expect(everything.orders.map((o) => o.orderId)).toEqual(
      await expectedIds([game.appId, world.appId, world.otherAppId], new Date(first.json.from), new Date(first.json.to)),
    );
    const oth = await as('platform_admin', 'GET', `/orders?appId=${world.otherAppId}`);
    expect(oth.json.orders.map((o: any) => o.orderId)).toEqual([
      'oth000000001',
      'oth000000002',
      'oth000000003',
      'oth000000004',
      'oth000000005',
    ]);
    const unknown = await as('platform_admin', 'GET', '/orders?appId=appnosuchapp');
    expect({ status: unknown.status, errCode: unknown.json.errCode }).toEqual({ status: 404, errCode: 40403 });
  });
});

describe('GET /apps/{appId}/orders/{orderId}', () => {
  it('answers the order, its delivery attempts, no refunds yet, and its purchase in the Temporal Web UI', async () => {
    const r = await as('mp_developer', 'GET', `/apps/${game.appId}/orders/${delivered.orderId}`);
    expect(r.status).toBe(200);
    expect(r.json.order).toMatchObject({ orderId: delivered.orderId, status: 'DELIVERED', refundedAmount: 0 });
    expect(r.json.deliveryAttempts).toEqual([
      {
        attempt: 1,
        at: expect.any(String),
        url: vpay.developer.url,
        ok: true,
        httpStatus: 200,
        error: null,
        durationMs: expect.any(Number),
      },
    ]);
    expect(Date.parse(r.json.deliveryAttempts[0].at)).toBeGreaterThanOrEqual(Date.parse(r.json.order.paidAt) - 60_000);
    expect(r.json.refunds).toEqual([]);
    expect(r.json.workflowUrl).toBe(
      `http://temporal-ui.example:8233/namespaces/default/workflows/${encodeURIComponent(purchaseWorkflowId(game.appId, delivered.outTradeNo))}`,
    );
  });

  it('answers 404/40405 for an unknown order', async () => {
    for (const id of ['ordnosuchorder', 'a%00b', 'x'.repeat(65)]) {
      const r = await as('mp_developer', 'GET', `/apps/${game.appId}/orders/${id}`);
      expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 404, errCode: 40405 });
    }
  });
});

describe('POST /apps/{appId}/orders/{orderId}/redeliver', () => {
  const received = (orderId: string) => vpay.developer.received.filter((d) => d.payload?.OrderId === orderId);

  it("sends a DELIVERED order's notification once more: the same delivery id, the next attempt; audited", async () => {
    const r = await as('mp_senior_developer', 'POST', `/apps/${game.appId}/orders/${delivered.orderId}/redeliver`);
    expect({ status: r.status, json: r.json }).toEqual({ status: 202, json: { errCode: 0 } });
    await waitFor('the redelivery', () => received(delivered.orderId).length === 2, 30_000);
    const [first, again] = received(delivered.orderId);
    expect(first).toMatchObject({ deliveryId: deliveryIdFor(delivered.orderId), attempt: 1 });
    expect(again).toMatchObject({ deliveryId: deliveryIdFor(delivered.orderId), attempt: 2, signatureValid: true, answeredOk: true });
    expect(again.rawPayload).toBe(first.rawPayload);

    // Recorded among the attempts; the order stays DELIVERED as it was.
    const detail = await waitFor('the redelivery recorded', async () => {
      const d = await as('mp_operator', 'GET', `/apps/${game.appId}/orders/${delivered.orderId}`);
      return d.json.deliveryAttempts.length === 2 && d.json;
    });
    expect(detail.order).toMatchObject({ status: 'DELIVERED', deliveryAttempts: 2 });
    expect(detail.deliveryAttempts[1]).toMatchObject({ attempt: 2, ok: true, httpStatus: 200, url: vpay.developer.url });
    const audit = await db()('audit_log').where({ action: 'order.redeliver', target: delivered.orderId });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ app_id: game.appId, team_id: world.teamId, role: 'mp_senior_developer' });

    // Once more: attempt 3.
    expect((await as('mp_admin', 'POST', `/apps/${game.appId}/orders/${delivered.orderId}/redeliver`)).status).toBe(202);
    await waitFor('the second redelivery', () => received(delivered.orderId).length === 3, 30_000);
    expect(received(delivered.orderId)[2]).toMatchObject({ deliveryId: deliveryIdFor(delivered.orderId), attempt: 3 });
  });

  it("makes a double click one redelivery, and sends a request made after that redelivery's attempt even while its workflow is still open", async () => {
    const order = await paidOrder(vpay, game);
    await vpay.developer.waitFor(order.orderId, 30_000);
    const click = () => as('mp_admin', 'POST', `/apps/${game.appId}/orders/${order.orderId}/redeliver`);
    // With the worker stopped, nothing runs: the clicks' workflows wait for it.
    await vpay.worker.stop();
    try {
      const twice = await Promise.all([click(), click()]);
      expect(twice.map((r) => r.status)).toEqual([202, 202]);
      // What the console shows once that redelivery's attempt is recorded but its workflow has
      // not closed yet (CI caught a request made then answered 202 and never sent).
      await db()('orders').where({ order_id: order.orderId }).increment('delivery_attempts', 1);
      expect((await click()).status).toBe(202);
    } finally {
      await vpay.restartWorker();
    }
    for (const seen of [1, 2]) {
      const result = await vpay.api.client.workflow.getHandle(redeliverWorkflowId(game.appId, order.outTradeNo, seen)).result();
      expect(result).toMatchObject({ sent: true, ok: true });
    }
    const sends = received(order.orderId);
    expect(sends.map((d) => d.attempt).sort()).toEqual([1, 3, 4]);
    expect(new Set(sends.map((d) => d.deliveryId))).toEqual(new Set([deliveryIdFor(order.orderId)]));
    expect(await db()('audit_log').where({ action: 'order.redeliver', target: order.orderId })).toHaveLength(3);
  });

  it('tries a PAID order waiting out its backoff now, through its purchase workflow', async () => {
    vpay.developer.mode = 'http500';
    const waiting = await paidOrder(vpay, game);
    await waitFor('the failed first attempt', async () => {
      const d = await as('mp_operator', 'GET', `/apps/${game.appId}/orders/${waiting.orderId}`);
      return d.json.deliveryAttempts?.length === 1;
    });
    vpay.developer.mode = 'ok';
    const asked = Date.now();
    const r = await as('mp_admin', 'POST', `/apps/${game.appId}/orders/${waiting.orderId}/redeliver`);
    expect({ status: r.status, json: r.json }).toEqual({ status: 202, json: { errCode: 0 } });
    // Well before the 10-minute backoff: the signal cut it short.
    await vpay.developer.waitFor(waiting.orderId, 30_000);
    expect(Date.now() - asked).toBeLessThan(60_000);
    expect(received(waiting.orderId).map((d) => [d.deliveryId, d.attempt, d.answeredOk])).toEqual([
      [deliveryIdFor(waiting.orderId), 1, false],
      [deliveryIdFor(waiting.orderId), 2, true],
    ]);
    const d = await waitFor('DELIVERED', async () => {
      const x = await as('mp_operator', 'GET', `/apps/${game.appId}/orders/${waiting.orderId}`);
      return x.json.order.status === 'DELIVERED' && x.json;
    });
    expect(d.order.deliveryAttempts).toBe(2);
    expect(await db()('audit_log').where({ action: 'order.redeliver', target: waiting.orderId })).toHaveLength(1);
  });

  it('refuses any other status with 409/40906, an unknown order with 404/40405, and roles without the permission', async () => {
    const r = await as('mp_admin', 'POST', `/apps/${game.appId}/orders/${prepaid.orderId}/redeliver`);
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 409, errCode: 40906 });
    const closed = await as('mp_admin', 'POST', `/apps/${world.appId}/orders/gen000000010/redeliver`);
    expect({ status: closed.status, errCode: closed.json.errCode }).toEqual({ status: 409, errCode: 40906 });
    const unknown = await as('mp_admin', 'POST', `/apps/${game.appId}/orders/ordnosuchorder/redeliver`);
    expect({ status: unknown.status, errCode: unknown.json.errCode }).toEqual({ status: 404, errCode: 40405 });
    for (const role of ['mp_developer', 'mp_operator', 'platform_admin'] as const) {
      const refused = await as(role, 'POST', `/apps/${game.appId}/orders/${delivered.orderId}/redeliver`);
      expect({ status: refused.status, errCode: refused.json.errCode }).toEqual({ status: 403, errCode: 40302 });
    }
    const otherTeam = await consoleCall(vpay, world.otherAdminToken, 'POST', `/apps/${game.appId}/orders/${delivered.orderId}/redeliver`);
    expect({ status: otherTeam.status, errCode: otherTeam.json.errCode }).toEqual({ status: 404, errCode: 40403 });
    // None of these was audited.
    expect(await db()('audit_log').where({ action: 'order.redeliver', target: prepaid.orderId })).toHaveLength(0);
  });
});
