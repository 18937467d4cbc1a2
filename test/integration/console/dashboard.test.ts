// The console dashboard on the real stack (docs/CONSOLE.md, *Dashboard*): the numbers per day of a
// known set of orders and refunds (written straight into the tables, with times chosen around the
// days' boundaries), the same rows bucketed in UTC and in Asia/Shanghai, Europe/Berlin's days
// across both daylight saving changes, one env, the empty days, the range's defaults and its
// 92-day bound, the "now" snapshot, bad parameters (400 with {errCode, errMsg}; zone names that
// are also abbreviations among them), another team's app (404/40403), and two real purchases (one
// delivered, one stuck as its delivery keeps failing) counted from what the purchase workflow wrote.
import { startVpay, type Vpay } from '../../support/vpay';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { codeOf, ok, sellingTeamApp } from '../../support/console-apps';
import { insertOrder } from '../../support/generated-orders';
import { insertRefund } from '../../support/generated-refunds';
import { pay, requestPayment } from '../../support/minigame';
import { waitFor } from '../../support/wait-for';
import { dashboardRoutes } from '../../../api/console/dashboard/openapi';
import type { Role } from '../../../lib/domain/console/permissions';
import type { DashboardNumbers } from '../../../application/console/dashboard';

/** DELIVERY_ALERT_AFTER_MS: short, so a real purchase whose delivery fails is alerted within the test. */
const ALERT_AFTER_MS = 4000;

let vpay: Vpay;
let world: ConsoleWorld;

const db = () => vpay.api.db;
const as = (role: Role, path: string) => consoleCall(vpay, world.tokens[role], 'GET', path);
const days = (query: string, appId = world.appId, role: Role = 'mp_operator') => as(role, `/apps/${appId}/dashboard/days?${query}`);
const now = (query = '', appId = world.appId, role: Role = 'mp_operator') => as(role, `/apps/${appId}/dashboard/now?${query}`);

/** The answer, checked against the route's documented success schema. */
function documented(kind: 'days' | 'now', a: { status: number; json: any }): any {
  const body = ok(a, `dashboard ${kind}`);
  const schema = dashboardRoutes.routes.find((r) => r.path.endsWith(`/dashboard/${kind}`))!.success.schema!;
  expect(schema.safeParse(body).error?.issues ?? []).toEqual([]);
  return body;
}

const ZERO: DashboardNumbers = {
  orders: { created: 0, paid: 0, delivered: 0, deliveredFirstAttempt: 0 },
  delivery: { successRate: null, firstAttemptRate: null, latencyP50Ms: null, latencyP95Ms: null },
  revenue: [],
  refunds: { initiated: 0, succeeded: 0, pending: 0, failed: 0 },
};

/** A day's numbers: ZERO with the given groups replaced (each group given whole). */
const numbers = (n: Partial<DashboardNumbers>): DashboardNumbers => ({ ...ZERO, ...n });
const usd = (paid: number, refunded = 0) => ({ currencyType: 'USD', paid, refunded });
const jpy = (paid: number, refunded = 0) => ({ currencyType: 'JPY', paid, refunded });

beforeAll(async () => {
  vpay = await startVpay({ DELIVERY_ALERT_AFTER_MS: String(ALERT_AFTER_MS) });
  world = await consoleWorld(vpay);
  const app = world.appId;
  // Times in UTC; Asia/Shanghai is UTC+8 all year. o0 is June 1st in Shanghai, May 31st in UTC;
  // o5 and o7 are a day later in Shanghai than in UTC; o8 is June 3rd in UTC, June 4th 00:00 in Shanghai.
  await insertOrder(db(), { orderId: 'o0', appId: app, createdAt: '2025-05-31T17:00:00Z', status: 'CLOSED' });
  await insertOrder(db(), { orderId: 'o1', appId: app, createdAt: '2025-06-01T01:00:00Z', paidAfterS: 10, deliveredAfterS: 12 });
  // Delivered by its third attempt, a minute after its payment.
  await insertOrder(db(), {
    orderId: 'o2',
    appId: app,
    createdAt: '2025-06-01T02:00:00Z',
    totalAmount: 500,
    paidAfterS: 5,
    deliveredAfterS: 65,
    deliveryAttempts: 3,
  });
  // Sandbox, in yen; delivered by its first attempt, then redelivered (two attempts counted).
  await insertOrder(db(), {
    orderId: 'o3',
    appId: app,
    createdAt: '2025-06-01T03:00:00Z',
    env: 1,
    currencyType: 'JPY',
    totalAmount: 300,
    paidAfterS: 1,
    deliveredAfterS: 5,
    deliveryAttempts: 2,
  });
  await insertOrder(db(), { orderId: 'o4', appId: app, createdAt: '2025-06-01T04:00:00Z', status: 'CLOSED' });
  // Paid, never delivered, alerted.
  await insertOrder(db(), {
    orderId: 'o5',
    appId: app,
    createdAt: '2025-06-01T20:00:00Z',
    status: 'PAID',
    deliveryAttempts: 2,
    alertedAt: '2025-06-01T20:10:00Z',
  });
  // Delivered, then refunded in full.
  await insertOrder(db(), {
    orderId: 'o6',
    appId: app,
    createdAt: '2025-06-02T10:00:00Z',
    status: 'REFUNDED',
    totalAmount: 1000,
    paidAfterS: 10,
    deliveredAfterS: 11,
    refundedAmount: 1000,
  });
  await insertOrder(db(), { orderId: 'o7', appId: app, createdAt: '2025-06-02T23:30:00Z', paidAfterS: 10, deliveredAfterS: 13 });
  await insertOrder(db(), { orderId: 'o8', appId: app, createdAt: '2025-06-03T16:00:00Z', status: 'CLOSED' });
  // In the sandbox, waiting for its delivery; its payment is recorded anew right before the snapshot is read.
  await insertOrder(db(), { orderId: 'o9', appId: app, createdAt: new Date().toISOString(), status: 'PAID', env: 1 });
  // Another team's app, the same days: never counted for this one.
  await insertOrder(db(), { orderId: 'x1', appId: world.otherAppId, createdAt: '2025-06-01T05:00:00Z', totalAmount: 77_700 });

  await db()('delivery_attempts').insert([
    { order_id: 'o2', attempt: 1, url: 'http://dev/1', ok: false, duration_ms: 5 },
    { order_id: 'o2', attempt: 2, url: 'http://dev/1', ok: false, duration_ms: 5 },
    { order_id: 'o2', attempt: 3, url: 'http://dev/1', ok: true, duration_ms: 5 },
    { order_id: 'o3', attempt: 1, url: 'http://dev/1', ok: true, duration_ms: 5 },
    { order_id: 'o3', attempt: 2, url: 'http://dev/1', ok: true, duration_ms: 5 },
  ]);

  // r2 is June 1st 23:59 in Shanghai, r3 June 2nd 00:30.
  await insertRefund(db(), { refundId: 'r1', orderId: 'o6', createdAt: '2025-06-02T10:05:00Z', refundAmount: 1000 });
  await insertRefund(db(), { refundId: 'r2', orderId: 'o2', createdAt: '2025-06-01T15:59:00Z', refundAmount: 100, status: 'PENDING' });
  await insertRefund(db(), { refundId: 'r3', orderId: 'o1', createdAt: '2025-06-01T16:30:00Z', refundAmount: 50, status: 'FAILED' });
  await insertRefund(db(), { refundId: 'r4', orderId: 'o3', createdAt: '2025-06-02T01:00:00Z', refundAmount: 100 });
  // r1's notice was acknowledged; r4's was not, and was alerted.
  await db()('refunds').where({ refund_id: 'r1' }).update({ notified_at: '2025-06-02T10:05:10Z', notify_attempts: 1 });
  await db()('refunds').where({ refund_id: 'r4' }).update({ notify_attempts: 9, notify_alerted_at: '2025-06-02T01:10:00Z' });
}, 120_000);

afterAll(async () => {
  await vpay?.stop();
});

describe('per day', () => {
  it('counts each order in the day it was created and each refund in the day it was initiated (UTC)', async () => {
    const body = documented('days', await days('from=2025-06-01&to=2025-06-03'));
    expect(body).toMatchObject({ errCode: 0, from: '2025-06-01', to: '2025-06-03', tz: 'UTC', env: null });
    expect(body.days).toEqual([
      {
        day: '2025-06-01',
        ...numbers({
          orders: { created: 5, paid: 4, delivered: 3, deliveredFirstAttempt: 2 },
          // Latencies 2 s, 60 s, 4 s: percentile_cont interpolates the 95th between 4 s and 60 s.
          delivery: { successRate: 0.75, firstAttemptRate: 0.5, latencyP50Ms: 4000, latencyP95Ms: 54_400 },
          revenue: [jpy(300), usd(898)],
          refunds: { initiated: 2, succeeded: 0, pending: 1, failed: 1 },
        }),
      },
      {
        day: '2025-06-02',
        ...numbers({
          orders: { created: 2, paid: 2, delivered: 2, deliveredFirstAttempt: 2 },
          delivery: { successRate: 1, firstAttemptRate: 1, latencyP50Ms: 2000, latencyP95Ms: 2900 },
          revenue: [jpy(0, 100), usd(1199, 1000)],
          refunds: { initiated: 2, succeeded: 2, pending: 0, failed: 0 },
        }),
      },
      // Only a closed order: no rate, no latency, no money.
      { day: '2025-06-03', ...numbers({ orders: { created: 1, paid: 0, delivered: 0, deliveredFirstAttempt: 0 } }) },
    ]);
    expect(body.total).toEqual(
      numbers({
        orders: { created: 8, paid: 6, delivered: 5, deliveredFirstAttempt: 4 },
        delivery: { successRate: 0.8333, firstAttemptRate: 0.6667, latencyP50Ms: 3000, latencyP95Ms: 48_800 },
        revenue: [jpy(300, 100), usd(2097, 1000)],
        refunds: { initiated: 4, succeeded: 2, pending: 1, failed: 1 },
      }),
    );
  });

  it("draws the days' boundaries in the viewer's time zone", async () => {
    const body = documented('days', await days('from=2025-06-01&to=2025-06-03&tz=Asia/Shanghai'));
    expect(body).toMatchObject({ from: '2025-06-01', to: '2025-06-03', tz: 'Asia/Shanghai' });
    expect(body.days).toEqual([
      {
        day: '2025-06-01',
        ...numbers({
          orders: { created: 5, paid: 3, delivered: 3, deliveredFirstAttempt: 2 },
          delivery: { successRate: 1, firstAttemptRate: 0.6667, latencyP50Ms: 4000, latencyP95Ms: 54_400 },
          revenue: [jpy(300), usd(699)],
          refunds: { initiated: 1, succeeded: 0, pending: 1, failed: 0 },
        }),
      },
      {
        day: '2025-06-02',
        ...numbers({
          orders: { created: 2, paid: 2, delivered: 1, deliveredFirstAttempt: 1 },
          delivery: { successRate: 0.5, firstAttemptRate: 0.5, latencyP50Ms: 1000, latencyP95Ms: 1000 },
          revenue: [jpy(0, 100), usd(1199, 1000)],
          refunds: { initiated: 3, succeeded: 2, pending: 0, failed: 1 },
        }),
      },
      {
        day: '2025-06-03',
        ...numbers({
          orders: { created: 1, paid: 1, delivered: 1, deliveredFirstAttempt: 1 },
          delivery: { successRate: 1, firstAttemptRate: 1, latencyP50Ms: 3000, latencyP95Ms: 3000 },
          revenue: [usd(199)],
        }),
      },
    ]);
    // o0 comes in at the start, o8 (midnight after June 3rd there) stays out: the same totals as UTC's.
    expect(body.total.orders).toEqual({ created: 8, paid: 6, delivered: 5, deliveredFirstAttempt: 4 });
  });

  it('narrows to one env, as the order records do; an empty env is both', async () => {
    const sandbox = documented('days', await days('from=2025-06-01&to=2025-06-03&env=1'));
    expect(sandbox.env).toBe(1);
    expect(sandbox.total).toEqual(
      numbers({
        orders: { created: 1, paid: 1, delivered: 1, deliveredFirstAttempt: 1 },
        delivery: { successRate: 1, firstAttemptRate: 1, latencyP50Ms: 4000, latencyP95Ms: 4000 },
        revenue: [jpy(300, 100)],
        refunds: { initiated: 1, succeeded: 1, pending: 0, failed: 0 },
      }),
    );
    const both = documented('days', await days('from=2025-06-01&to=2025-06-03&env='));
    expect(both.env).toBeNull();
    expect(both.total.orders.created).toBe(8);
  });

  it('answers every day of the range, the days without anything as zeros', async () => {
    const body = documented('days', await days('from=2025-06-05&to=2025-06-06'));
    expect(body.days).toEqual([
      { day: '2025-06-05', ...ZERO },
      { day: '2025-06-06', ...ZERO },
    ]);
    expect(body.total).toEqual(ZERO);
  });

  it('defaults to the 7 days up to today in the zone, and takes at most 92 days', async () => {
    const todayThere = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(new Date());
    const before = todayThere();
    const body = documented('days', await days('tz=Pacific/Kiritimati'));
    expect([before, todayThere()]).toContain(body.to);
    expect(body.days).toHaveLength(7);
    expect(body.days[0].day).toBe(body.from);
    expect(body.days[6].day).toBe(body.to);

    // `to` alone: the 7 days ending there; `from` alone: up to today.
    expect(documented('days', await days('to=2025-06-03')).from).toBe('2025-05-28');
    const quarter = documented('days', await days('from=2025-03-04&to=2025-06-03'));
    expect(quarter.days).toHaveLength(92);
    expect(quarter.total.orders.created).toBe(9);

    const tooLong = await days('from=2025-03-03&to=2025-06-03');
    expect(codeOf(tooLong)).toEqual({ status: 400, errCode: 40003 });
    expect(tooLong.json.errMsg).toBe('from 2025-03-03 to 2025-06-03 is 93 days; at most 92 days can be shown at once');
    expect(codeOf(await days('from=2025-06-01'))).toEqual({ status: 400, errCode: 40003 });
  });

  it.each([
    ['from=2025-02-30', 40003, /from is not a day/],
    ['to=2025-06-01T00:00:00Z', 40003, /to is not a day/],
    ['from=2025-06-03&to=2025-06-01', 40003, /to is before from/],
    ['tz=Mars/Olympus_Mons', 40001, /not a time zone name PostgreSQL knows/],
    ['tz=asia/shanghai', 40001, /not a time zone name PostgreSQL knows/],
    // Zone names PostgreSQL has, but reads as the abbreviation of the same name first (a fixed offset).
    ['tz=CET', 40001, /"CET" is also a time zone abbreviation, which PostgreSQL reads as a fixed offset/],
    ['tz=EET', 40001, /"EET" is also a time zone abbreviation/],
    ['tz=WET', 40001, /"WET" is also a time zone abbreviation/],
    ['tz=MET', 40001, /"MET" is also a time zone abbreviation/],
    ['tz=EST', 40001, /"EST" is also a time zone abbreviation/],
    ['tz=UTC%3B%20drop', 40001, /IANA time zone name/],
    ['tz=UTC&tz=Asia/Shanghai', 40001, /tz/],
    ['env=2', 40001, /env/],
  ])('%s is 400/%d with the reason', async (query, errCode, message) => {
    const a = await days(query);
    expect(codeOf(a)).toEqual({ status: 400, errCode });
    expect(a.json.errMsg).toMatch(message);
  });
});

describe('time zones and daylight saving', () => {
  it('a zone name that is also an abbreviation would be an hour off in summer: refused; UTC, GMT, Zulu are the same either way', async () => {
    // Why: CET is a zone with summer time, and an abbreviation (+01:00) that AT TIME ZONE reads first.
    const { rows } = await db().raw(
      `select cast('2025-07-01' as timestamp) at time zone 'CET' as cet, cast('2025-07-01' as timestamp) at time zone 'Europe/Berlin' as berlin`,
    );
    expect(rows[0].cet.getTime() - rows[0].berlin.getTime()).toBe(3_600_000);
    const { rows: names } = await db().raw(`select name from pg_timezone_names where name in ('CET', 'EET', 'WET', 'MET') order by 1`);
    expect(names.map((r: { name: string }) => r.name)).toEqual(['CET', 'EET', 'MET', 'WET']);
    for (const tz of ['UTC', 'GMT', 'Zulu', 'Etc/UTC', 'Europe/Berlin']) {
      expect(documented('days', await days(`from=2025-06-01&to=2025-06-01&tz=${tz}`)).tz).toBe(tz);
    }
  });

  // Europe/Berlin: 2025-03-30 has 23 hours (02:00 CET -> 03:00 CEST at 01:00 UTC), 2025-10-26 has 25
  // (03:00 CEST -> 02:00 CET at 01:00 UTC). Each row a second before or at a local midnight.
  const DST_ORDERS: Array<[string, string]> = [
    ['s1', '2025-03-29T22:59:59Z'], // 03-29 23:59:59 CET
    ['s2', '2025-03-29T23:00:00Z'], // 03-30 00:00 CET, the 23-hour day's start
    ['s3', '2025-03-30T21:59:59Z'], // 03-30 23:59:59 CEST, its end
    ['s4', '2025-03-30T22:00:00Z'], // 03-31 00:00 CEST
    ['f1', '2025-10-25T21:59:59Z'], // 10-25 23:59:59 CEST
    ['f2', '2025-10-25T22:00:00Z'], // 10-26 00:00 CEST, the 25-hour day's start
    ['f3', '2025-10-26T22:30:00Z'], // 10-26 23:30 CET, in its 25th hour
    ['f4', '2025-10-26T23:00:00Z'], // 10-27 00:00 CET
  ];

  it('draws the days across a daylight saving change: the 23- and 25-hour days, their 25th hour included', async () => {
    const app = ok(await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/teams/${world.teamId}/apps`, { name: 'DST game' }), 'app');
    for (const [orderId, createdAt] of DST_ORDERS) await insertOrder(db(), { orderId, appId: app.appId, createdAt, status: 'CLOSED' });
    // Refunds of the 25th hour and of the midnight after the 23-hour day.
    await insertOrder(db(), { orderId: 'f3paid', appId: app.appId, createdAt: '2025-10-26T22:10:00Z', paidAfterS: 1, deliveredAfterS: 2 });
    await insertRefund(db(), { refundId: 'rf3', orderId: 'f3paid', createdAt: '2025-10-26T22:40:00Z', refundAmount: 100 });
    await insertRefund(db(), { refundId: 'rs4', orderId: 'f3paid', createdAt: '2025-03-30T22:00:00Z', refundAmount: 100 });

    const perDay = (body: any) =>
      Object.fromEntries(body.days.map((d: any) => [d.day, { orders: d.orders.created, refunds: d.refunds.initiated }]));
    const spring = documented('days', await days('from=2025-03-29&to=2025-03-31&tz=Europe/Berlin', app.appId));
    expect(perDay(spring)).toEqual({
      '2025-03-29': { orders: 1, refunds: 0 },
      '2025-03-30': { orders: 2, refunds: 0 },
      '2025-03-31': { orders: 1, refunds: 1 },
    });
    const autumn = documented('days', await days('from=2025-10-25&to=2025-10-27&tz=Europe/Berlin', app.appId));
    expect(perDay(autumn)).toEqual({
      '2025-10-25': { orders: 1, refunds: 0 },
      '2025-10-26': { orders: 3, refunds: 1 },
      '2025-10-27': { orders: 1, refunds: 0 },
    });
    // A window ending on the 25-hour day takes in its last hour, and nothing of the next day.
    const ending = documented('days', await days('from=2025-10-26&to=2025-10-26&tz=Europe/Berlin', app.appId));
    expect(ending.total.orders.created).toBe(3);
    expect(ending.total.refunds.initiated).toBe(1);
    expect(ending.total.revenue).toEqual([usd(199, 100)]);
    // As a check on the rows: in UTC the autumn ones fall on other days.
    const utc = documented('days', await days('from=2025-10-25&to=2025-10-26&tz=UTC', app.appId));
    expect(perDay(utc)).toEqual({ '2025-10-25': { orders: 2, refunds: 0 }, '2025-10-26': { orders: 3, refunds: 1 } });
  });
});

describe('now', () => {
  it('counts what waits: deliveries (the stuck ones apart), pending refunds, unacknowledged refund notices', async () => {
    // o9 paid just now: waiting, not stuck (ALERT_AFTER_MS not over); o5 alerted long ago.
    await db()('orders').where({ order_id: 'o9' }).update({ payment_recorded_at: db().fn.now() });
    const body = documented('now', await now());
    const o5 = await db()('orders').where({ order_id: 'o5' }).first();
    expect(body).toMatchObject({
      errCode: 0,
      env: null,
      waitingDelivery: 2,
      stuck: 1,
      stuckAfterMs: ALERT_AFTER_MS,
      oldestWaitingSince: o5.payment_recorded_at.toISOString(),
      refundsPending: 1,
      refundNoticesWaiting: 1,
      refundNoticesStuck: 1,
    });
    expect(Math.abs(body.oldestWaitingMs - (Date.now() - o5.payment_recorded_at.getTime()))).toBeLessThan(60_000);

    // One env: production has o5 and r2; the sandbox o9 and r4's notice.
    expect(documented('now', await now('env=0'))).toMatchObject({
      waitingDelivery: 1,
      stuck: 1,
      refundsPending: 1,
      refundNoticesWaiting: 0,
    });
    expect(documented('now', await now('env=1'))).toMatchObject({ waitingDelivery: 1, stuck: 0, refundsPending: 0, refundNoticesStuck: 1 });
    expect(codeOf(await now('env=x'))).toEqual({ status: 400, errCode: 40001 });
  });
});

describe('who sees it', () => {
  it.each(['super_admin', 'platform_admin', 'mp_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator'] as Role[])(
    '%s reads its app (orders.view)',
    async (role) => {
      expect((await days('from=2025-06-01&to=2025-06-01', world.appId, role)).status).toBe(200);
      expect((await now('', world.appId, role)).status).toBe(200);
    },
  );

  it("another team's app answers 404/40403, as if it did not exist; so does an unknown app", async () => {
    expect(codeOf(await days('', world.otherAppId, 'mp_admin'))).toEqual({ status: 404, errCode: 40403 });
    expect(codeOf(await now('', world.otherAppId, 'mp_operator'))).toEqual({ status: 404, errCode: 40403 });
    const theirs = await consoleCall(vpay, world.otherAdminToken, 'GET', `/apps/${world.appId}/dashboard/days`);
    expect(codeOf(theirs)).toEqual({ status: 404, errCode: 40403 });
    expect(codeOf(await days('', 'no-such-app'))).toEqual({ status: 404, errCode: 40403 });
    // Before the parameters: a bad range of an app not seen is still 404.
    expect(codeOf(await days('from=nope', world.otherAppId))).toEqual({ status: 404, errCode: 40403 });
  });

  it("the platform roles read any team's app", async () => {
    const body = documented('days', await days('from=2025-06-01&to=2025-06-01', world.otherAppId, 'platform_admin'));
    expect(body.total.revenue).toEqual([usd(77_700)]);
  });
});

describe('real purchases', () => {
  it('counts what the purchase workflow wrote: one delivered, one stuck while its delivery keeps failing', async () => {
    const t = await sellingTeamApp(vpay, world.teamId, { paymentEnabled: true });
    const buy = async () => {
      const r = await requestPayment(vpay, t);
      expect(r.status).toBe(200);
      expect((await pay(vpay, r.json.orderId, t.price)).status).toBe(200);
      return r.json.orderId as string;
    };
    const delivered = await buy();
    await waitFor(
      'the first order delivered',
      async () => (await db()('orders').where({ order_id: delivered }).first()).status === 'DELIVERED',
    );

    vpay.developer.mode = 'http500';
    try {
      const failing = await buy();
      await waitFor(
        'the second order alerted',
        async () => (await db()('orders').where({ order_id: failing }).first()).alerted_at !== null,
      );
      const snapshot = documented('now', await now('', t.appId));
      expect(snapshot).toMatchObject({ waitingDelivery: 1, stuck: 1 });
      // The alert's timer starts as the payment is recorded, about when the row says it was.
      expect(snapshot.oldestWaitingMs).toBeGreaterThan(ALERT_AFTER_MS - 1000);

      const today = documented('days', await days('', t.appId));
      expect(today.total.orders).toEqual({ created: 2, paid: 2, delivered: 1, deliveredFirstAttempt: 1 });
      expect(today.total.delivery).toMatchObject({ successRate: 0.5, firstAttemptRate: 0.5 });
      expect(today.total.delivery.latencyP50Ms).toBeGreaterThanOrEqual(0);
      expect(today.total.revenue).toEqual([usd(2 * t.price)]);
    } finally {
      vpay.developer.mode = 'ok';
    }
  }, 90_000);
});
