// The dashboard in a real Chromium (issue 11; docs/CONSOLE.md, *Dashboard*): a game with six days
// of history (orders and refunds written into the tables) and today's real purchases made through
// the stack (three delivered, one refunded in part, one left unpaid, one whose delivery keeps
// failing until it is alerted). The page shows those numbers in the viewer's zone (the browser's
// is Asia/Shanghai), highlights the stuck delivery, draws its four charts with their numbers one
// click (or key) away, changes range, and holds at phone width; a zone the server refuses falls
// back to UTC, said so; a game without revenue says so in no currency. Axe finds nothing serious,
// the browser logs no error. Every test opens the page itself, and expects the numbers of the days
// the API answered (a run across midnight in Shanghai shifts them). Its screenshot is
// docs/console/dashboard.png (with VPAY_SCREENSHOTS=1).
import type { Browser, Page } from 'playwright-core';
import { startVpay, type Vpay } from '../support/vpay';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../support/console';
import { ok, sellingTeamApp } from '../support/console-apps';
import { insertOrder } from '../support/generated-orders';
import { insertRefund } from '../support/generated-refunds';
import { pay, requestPayment, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { expectAccessible, launchBrowser, screenshot, settled, signIn, type ConsolePage } from '../support/browser';

/** DELIVERY_ALERT_AFTER_MS: short, so the failing delivery is alerted within the test. */
const ALERT_AFTER_MS = 3000;
/** Delivered orders on each of the 6 days before today (besides one closed order a day). */
const HISTORY = [3, 5, 4, 6, 2, 5];
const PRICE = 1000;

let vpay: Vpay;
let world: ConsoleWorld;
let browser: Browser;
let desk: ConsolePage;
let game: TestApp;
/** Today in Shanghai once the data was made. */
let todayAtStart: string;

/** What was made, one order or refund each, and when: the expected numbers of any days are summed from it. */
interface Made {
  at: Date;
  order?: { paid: boolean; delivered: boolean };
  /** A succeeded refund's amount. */
  refunded?: number;
}
const made: Made[] = [];

/** The day of `at` in `zone`, YYYY-MM-DD. */
const dayIn = (zone: string, at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(at);

/** Noon in Shanghai, `daysAgo` days before today there. */
function shanghaiNoon(daysAgo: number): Date {
  return new Date(Date.parse(`${dayIn('Asia/Shanghai', new Date())}T12:00:00+08:00`) - daysAgo * 86_400_000);
}

async function insertHistory(appId: string): Promise<void> {
  const db = vpay.api.db;
  for (const [i, count] of HISTORY.entries()) {
    const noon = shanghaiNoon(i + 1);
    for (let j = 0; j < count; j++) {
      // Latencies from 0.4 s up, longer on busier days.
      const at = new Date(noon.getTime() + j * 600_000);
      await insertOrder(db, {
        orderId: `hist${i}_${j}`,
        appId,
        createdAt: at.toISOString(),
        totalAmount: PRICE,
        paidAfterS: 10,
        deliveredAfterS: 10.4 + 0.35 * j * count,
      });
      made.push({ at, order: { paid: true, delivered: true } });
    }
    await insertOrder(db, { orderId: `hist${i}_closed`, appId, createdAt: noon.toISOString(), status: 'CLOSED', totalAmount: PRICE });
    made.push({ at: noon, order: { paid: false, delivered: false } });
  }
  for (const i of [1, 4]) {
    const createdAt = new Date(shanghaiNoon(i + 1).getTime() + 3_600_000);
    await insertRefund(db, { refundId: `histrefund${i}`, orderId: `hist${i}_0`, createdAt, refundAmount: 500 });
    await db('refunds')
      .where({ refund_id: `histrefund${i}` })
      .update({ notified_at: createdAt, notify_attempts: 1 });
    made.push({ at: createdAt, refunded: 500 });
  }
}

const orderRow = (orderId: string) => vpay.api.db('orders').where({ order_id: orderId }).first();

/** A purchase through the stack, paid unless told; its orderId. Recorded in `made` as `outcome` says. */
async function buy(outcome: 'delivered' | 'paid' | 'unpaid'): Promise<string> {
  const r = await requestPayment(vpay, game);
  expect(r.status).toBe(200);
  if (outcome !== 'unpaid') expect((await pay(vpay, r.json.orderId, PRICE)).status).toBe(200);
  const orderId = r.json.orderId as string;
  made.push({ at: (await orderRow(orderId)).created_at, order: { paid: outcome !== 'unpaid', delivered: outcome === 'delivered' } });
  return orderId;
}

/** The numbers the page should show for the days `from`..`to` of `zone`, summed from what was made. */
function expected(range: { from: string; to: string }, zone = 'Asia/Shanghai') {
  const inRange = made.filter((m) => {
    const day = dayIn(zone, m.at);
    return day >= range.from && day <= range.to;
  });
  const orders = inRange.flatMap((m) => (m.order ? [m.order] : []));
  const refunds = inRange.flatMap((m) => (m.refunded === undefined ? [] : [m.refunded]));
  const paid = orders.filter((o) => o.paid).length;
  const delivered = orders.filter((o) => o.delivered).length;
  return {
    created: orders.length,
    paid,
    delivered,
    revenue: usd(paid * PRICE),
    refunds: refunds.length,
    refunded: usd(refunds.reduce((a, b) => a + b, 0)),
    successRate: new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(
      Math.round((delivered / paid) * 10_000) / 10_000,
    ),
  };
}

/** Cents as the page shows US dollars. */
const usd = (cents: number) => `$${(cents / 100).toFixed(2)}`;

beforeAll(async () => {
  [vpay, browser] = await Promise.all([startVpay({ DELIVERY_ALERT_AFTER_MS: String(ALERT_AFTER_MS) }), launchBrowser()]);
  world = await consoleWorld(vpay);
  game = await sellingTeamApp(vpay, world.teamId, { paymentEnabled: true });
  await insertHistory(game.appId);

  const delivered = [await buy('delivered'), await buy('delivered'), await buy('delivered')];
  await buy('unpaid');
  for (const orderId of delivered) await waitFor(`${orderId} delivered`, async () => (await orderRow(orderId)).status === 'DELIVERED');
  const { refund } = ok(
    await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${game.appId}/orders/${delivered[0]}/refunds`, {
      refundAmount: 300,
      reason: 'player asked',
    }),
    'refund',
  );
  await waitFor('the refund notice acknowledged', async () => {
    const row = await vpay.api.db('refunds').where({ refund_id: refund.refundId }).first();
    return row.notified_at !== null;
  });
  const refundRow = await vpay.api.db('refunds').where({ refund_id: refund.refundId }).first();
  expect(refundRow.status).toBe('SUCCEEDED');
  made.push({ at: refundRow.created_at, refunded: 300 });
  // From here on the developer's endpoint fails: the next order waits, then is alerted.
  vpay.developer.mode = 'http500';
  const stuck = await buy('paid');
  await waitFor('the failing delivery alerted', async () => (await orderRow(stuck)).alerted_at !== null);
  todayAtStart = dayIn('Asia/Shanghai', new Date());

  desk = await signIn(browser, vpay.url, world.tokens.mp_operator);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await vpay?.stop();
});

afterEach(() => {
  expect(desk.errors).toEqual([]);
});

const statValue = (page: Page, id: string) => page.getByTestId(`stat-${id}-value`).innerText();

async function openDashboard(page: Page): Promise<void> {
  await page.goto(`${vpay.url}/console/?app=${game.appId}`);
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.getByTestId('stat-orders').waitFor();
  await page.getByTestId('stat-waiting').waitFor();
  await settled(page);
}

/** The days the page shows, as the API answered them (its heading, "from to to"). */
async function shownRange(page: Page): Promise<{ from: string; to: string; days: number }> {
  const [from, to] = (await page.getByRole('heading', { level: 2 }).filter({ hasText: / to / }).innerText()).split(' to ');
  return { from: from!, to: to!, days: (Date.parse(to!) - Date.parse(from!)) / 86_400_000 + 1 };
}

const CHARTS = ['Orders per day', 'Revenue per day', 'Delivery latency per day', 'Refunds per day'];

test('shows the numbers of the last 7 days and of now, the stuck delivery highlighted', async () => {
  const { page } = desk;
  await openDashboard(page);
  expect(await page.getByTestId('days-zone').innerText()).toMatch(/^Days in your time zone, Asia\/Shanghai\./);
  const range = await shownRange(page);
  expect(range.days).toBe(7);
  expect([todayAtStart, dayIn('Asia/Shanghai', new Date())]).toContain(range.to);
  // Every order made, or all but the oldest day's should midnight have passed in Shanghai since.
  const e = expected(range);
  expect(e.created).toBeGreaterThanOrEqual(made.filter((m) => m.order).length - (HISTORY[HISTORY.length - 1]! + 1));

  expect(await statValue(page, 'orders')).toBe(String(e.created));
  expect(await page.getByTestId('stat-orders').innerText()).toContain(`${e.paid} paid, ${e.delivered} delivered`);
  expect(await statValue(page, 'revenue')).toBe(e.revenue);
  expect(await page.getByTestId('stat-revenue').innerText()).toContain(`${e.refunded} refunded`);
  expect(await statValue(page, 'success')).toBe(e.successRate);
  expect(await statValue(page, 'refunds')).toBe(String(e.refunds));
  expect(await statValue(page, 'waiting')).toBe('1');
  expect(await statValue(page, 'refunds-under-way')).toBe('0');

  const stuck = page.getByTestId('stat-stuck');
  expect(await statValue(page, 'stuck')).toBe('1');
  expect(await stuck.innerText()).toMatch(/needs attention/i);

  // Four charts, each drawn, each named by its summary.
  const figures = page.locator('figure');
  expect(await figures.count()).toBe(4);
  for (let i = 0; i < 4; i++) expect(await figures.nth(i).locator('svg.recharts-surface').count()).toBeGreaterThan(0);
  await page.getByRole('img', { name: `${e.created} orders created, ${e.paid} paid, ${e.delivered} delivered` }).waitFor();
  await page.getByRole('img', { name: `In USD: ${e.revenue} paid, ${e.refunded} refunded`, exact: false }).waitFor();

  await expectAccessible(page, 'dashboard');
  await screenshot(page, 'dashboard');
});

test('each chart is read once: its summary names the picture, the same words shown under it are hidden from screen readers', async () => {
  const { page } = desk;
  await openDashboard(page);
  for (const title of CHARTS) {
    const figure = page.getByRole('figure', { name: title });
    const summaryId = (await figure.locator('[role="img"]').getAttribute('aria-labelledby'))!;
    const summary = await page.locator(`[id="${summaryId}"]`).innerText();
    expect(summary.length).toBeGreaterThan(10);
    // In the accessibility tree once: the picture's name.
    const tree = await figure.ariaSnapshot();
    expect({ title, times: tree.split(summary).length - 1 }).toEqual({ title, times: 1 });
    await figure.getByRole('img', { name: summary }).waitFor();
  }
});

test("a chart's numbers open from the keyboard as a table, by a button named after its chart", async () => {
  const { page } = desk;
  await openDashboard(page);
  const range = await shownRange(page);
  // Four buttons, one name each.
  for (const title of CHARTS)
    expect(await page.getByRole('button', { name: `Show the numbers of ${title.toLowerCase()}` }).count()).toBe(1);
  const refunds = page.getByRole('figure', { name: 'Refunds per day' });
  const show = refunds.getByRole('button', { name: 'Show the numbers of refunds per day' });
  const controlled = page.locator(`[id="${await show.getAttribute('aria-controls')}"]`);
  expect(await controlled.count()).toBe(1);
  await show.focus();
  await page.keyboard.press('Enter');
  const table = controlled.getByRole('table', { name: 'Refunds per day, per day' });
  await table.waitFor();
  const hide = refunds.getByRole('button', { name: 'Hide the numbers of refunds per day' });
  expect(await hide.getAttribute('aria-expanded')).toBe('true');
  expect(await table.getByRole('row').count()).toBe(1 + 7);
  // The last day's row: its refunds, each succeeded (today's is the console's refund of 3.00).
  const last = expected({ from: range.to, to: range.to });
  expect(await table.getByRole('row').last().innerText()).toBe(`${range.to}\t${last.refunds}\t${last.refunds}\t0\t0`);
  await expectAccessible(page, 'dashboard, a table open');
});

test('the range changes to 30 days, from the keyboard too', async () => {
  const { page } = desk;
  await openDashboard(page);
  expect((await shownRange(page)).days).toBe(7);
  await page.getByRole('radio', { name: '7 days' }).focus();
  await page.keyboard.press('ArrowRight');
  await waitFor('30 days shown', async () => (await shownRange(page)).days === 30);
  await settled(page);
  expect(await page.getByRole('radio', { name: '30 days' }).isChecked()).toBe(true);
  // Everything made is within these 30 days.
  const e = expected(await shownRange(page));
  expect(e.created).toBe(made.filter((m) => m.order).length);
  expect(await statValue(page, 'orders')).toBe(String(e.created));
});

test('a zone the server does not know: the days are shown in UTC, and the page says so', async () => {
  const mars = await signIn(browser, vpay.url, world.tokens.mp_operator);
  const { page } = mars;
  // The browser reports a zone PostgreSQL has never heard of.
  await page.addInitScript(`{
    const resolved = Intl.DateTimeFormat.prototype.resolvedOptions;
    Intl.DateTimeFormat.prototype.resolvedOptions = function () { return { ...resolved.call(this), timeZone: 'Mars/Olympus_Mons' }; };
  }`);
  const asked: Array<string | null> = [];
  page.on('request', (r) => {
    if (r.url().includes('/dashboard/days')) asked.push(new URL(r.url()).searchParams.get('tz'));
  });
  await openDashboard(page);
  expect(await page.getByTestId('days-zone').innerText()).toMatch(
    /^Days in UTC: your zone Mars\/Olympus_Mons is not known to the server\./,
  );
  expect(await page.getByRole('alert').count()).toBe(0);
  const range = await shownRange(page);
  expect(range.days).toBe(7);
  expect(await statValue(page, 'orders')).toBe(String(expected(range, 'UTC').created));
  // Another range goes to UTC straight away.
  await page.getByRole('radio', { name: '7 days' }).focus();
  await page.keyboard.press('ArrowRight');
  await waitFor('30 days shown', async () => (await shownRange(page)).days === 30);
  await settled(page);
  // Mars asked first (by each load then under way), then never again once refused.
  expect(asked[0]).toBe('Mars/Olympus_Mons');
  const firstUtc = asked.indexOf('UTC');
  expect(firstUtc).toBeGreaterThan(0);
  expect(asked.slice(firstUtc).filter((tz) => tz !== 'UTC')).toEqual([]);
  expect(await page.getByTestId('days-zone').innerText()).toMatch(/^Days in UTC: your zone Mars\/Olympus_Mons/);
  await expectAccessible(page, 'dashboard in UTC');
  expect(mars.errors).toEqual([]);
  await page.context().close();
});

test('a game without revenue says so, in no currency', async () => {
  const app = ok(await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/teams/${world.teamId}/apps`, { name: 'Unpaid game' }), 'app');
  await insertOrder(vpay.api.db, { orderId: 'unpaid_1', appId: app.appId, createdAt: new Date().toISOString(), status: 'CLOSED' });
  const viewer = await signIn(browser, vpay.url, world.tokens.mp_operator);
  const { page } = viewer;
  await page.goto(`${vpay.url}/console/?app=${app.appId}`);
  await page.getByTestId('stat-orders').waitFor();
  await settled(page);
  expect(await statValue(page, 'orders')).toBe('1');
  expect(await statValue(page, 'revenue')).toBe('No revenue yet');
  const revenue = page.getByRole('figure', { name: 'Revenue per day' });
  expect(await revenue.getByTestId('no-revenue').innerText()).toMatch(/^No revenue yet/);
  expect(await revenue.innerText()).not.toMatch(/\$|USD/);
  expect(await revenue.locator('[role="img"], svg').count()).toBe(0);
  await expectAccessible(page, 'dashboard without revenue');
  expect(viewer.errors).toEqual([]);
  await page.context().close();
});

test('holds at phone width', async () => {
  const phone = await signIn(browser, vpay.url, world.tokens.mp_operator, { width: 390, height: 844 });
  await openDashboard(phone.page);
  expect(await statValue(phone.page, 'stuck')).toBe('1');
  expect(await phone.page.locator('figure svg.recharts-surface').count()).toBeGreaterThanOrEqual(4);
  // Nothing wider than the screen: no sideways scrolling.
  expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  await expectAccessible(phone.page, 'dashboard at phone width');
  await screenshot(phone.page, 'dashboard-phone');
  expect(phone.errors).toEqual([]);
  await phone.page.context().close();
});
