// The dashboard in a real Chromium (issue 11; docs/CONSOLE.md, *Dashboard*): a game with six days
// of history (orders and refunds written into the tables) and today's real purchases made through
// the stack (three delivered, one refunded in part, one left unpaid, one whose delivery keeps
// failing until it is alerted). The page shows those numbers in the viewer's zone (the browser's
// is Asia/Shanghai), highlights the stuck delivery, draws its four charts with their numbers one
// click (or key) away, changes range, and holds at phone width; axe finds nothing serious, the
// browser logs no error. Its screenshot is docs/console/dashboard.png (with VPAY_SCREENSHOTS=1).
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

/** Noon in Shanghai, `daysAgo` days before today there. */
function shanghaiNoon(daysAgo: number): Date {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  return new Date(Date.parse(`${today}T12:00:00+08:00`) - daysAgo * 86_400_000);
}

async function insertHistory(appId: string): Promise<void> {
  const db = vpay.api.db;
  for (const [i, count] of HISTORY.entries()) {
    const noon = shanghaiNoon(i + 1);
    for (let j = 0; j < count; j++) {
      // Latencies from 0.4 s up, longer on busier days.
      await insertOrder(db, {
        orderId: `hist${i}_${j}`,
        appId,
        createdAt: new Date(noon.getTime() + j * 600_000).toISOString(),
        totalAmount: PRICE,
        paidAfterS: 10,
        deliveredAfterS: 10.4 + 0.35 * j * count,
      });
    }
    await insertOrder(db, { orderId: `hist${i}_closed`, appId, createdAt: noon.toISOString(), status: 'CLOSED', totalAmount: PRICE });
  }
  for (const i of [1, 4]) {
    const createdAt = new Date(shanghaiNoon(i + 1).getTime() + 3_600_000);
    await insertRefund(db, { refundId: `histrefund${i}`, orderId: `hist${i}_0`, createdAt, refundAmount: 500 });
    await db('refunds')
      .where({ refund_id: `histrefund${i}` })
      .update({ notified_at: createdAt, notify_attempts: 1 });
  }
}

/** A purchase through the stack, paid unless told; its orderId. */
async function buy(o: { paid?: boolean } = {}): Promise<string> {
  const r = await requestPayment(vpay, game);
  expect(r.status).toBe(200);
  if (o.paid !== false) expect((await pay(vpay, r.json.orderId, PRICE)).status).toBe(200);
  return r.json.orderId as string;
}

const orderRow = (orderId: string) => vpay.api.db('orders').where({ order_id: orderId }).first();

beforeAll(async () => {
  [vpay, browser] = await Promise.all([startVpay({ DELIVERY_ALERT_AFTER_MS: String(ALERT_AFTER_MS) }), launchBrowser()]);
  world = await consoleWorld(vpay);
  game = await sellingTeamApp(vpay, world.teamId, { paymentEnabled: true });
  await insertHistory(game.appId);

  const delivered = [await buy(), await buy(), await buy()];
  await buy({ paid: false });
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
  // From here on the developer's endpoint fails: the next order waits, then is alerted.
  vpay.developer.mode = 'http500';
  const stuck = await buy();
  await waitFor('the failing delivery alerted', async () => (await orderRow(stuck)).alerted_at !== null);

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

// Over the 7 days: the history (25 delivered, 6 closed, 2 refunds of 5.00) and today (3 delivered,
// 1 stuck, 1 unpaid, 1 refund of 3.00).
const delivered = HISTORY.reduce((a, b) => a + b, 0) + 3;
const paid = delivered + 1;
const created = paid + HISTORY.length + 1;

test('shows the numbers of the last 7 days and of now, the stuck delivery highlighted', async () => {
  const { page } = desk;
  await openDashboard(page);
  expect(await page.getByText('Days in your time zone, Asia/Shanghai.').count()).toBe(1);

  expect(await statValue(page, 'orders')).toBe(String(created));
  expect(await page.getByTestId('stat-orders').innerText()).toContain(`${paid} paid, ${delivered} delivered`);
  expect(await statValue(page, 'revenue')).toBe('$290.00');
  expect(await page.getByTestId('stat-revenue').innerText()).toContain('$13.00 refunded');
  expect(await statValue(page, 'success')).toBe('96.6%');
  expect(await statValue(page, 'refunds')).toBe('3');
  expect(await statValue(page, 'waiting')).toBe('1');
  expect(await statValue(page, 'refunds-under-way')).toBe('0');

  const stuck = page.getByTestId('stat-stuck');
  expect(await statValue(page, 'stuck')).toBe('1');
  expect(await stuck.innerText()).toMatch(/needs attention/i);

  // Four charts, each drawn, each named by its summary.
  const figures = page.locator('figure');
  expect(await figures.count()).toBe(4);
  for (let i = 0; i < 4; i++) expect(await figures.nth(i).locator('svg.recharts-surface').count()).toBeGreaterThan(0);
  await page.getByRole('img', { name: `${created} orders created, ${paid} paid, ${delivered} delivered` }).waitFor();
  await page.getByRole('img', { name: /^In USD: \$290\.00 paid, \$13\.00 refunded/ }).waitFor();

  await expectAccessible(page, 'dashboard');
  await screenshot(page, 'dashboard');
});

test("a chart's numbers open from the keyboard as a table", async () => {
  const { page } = desk;
  const refunds = page.locator('figure').filter({ has: page.getByRole('heading', { name: 'Refunds per day' }) });
  await refunds.getByRole('button', { name: 'Show the numbers' }).focus();
  await page.keyboard.press('Enter');
  const table = refunds.getByRole('table', { name: 'Refunds per day, per day' });
  await table.waitFor();
  expect(await table.getByRole('row').count()).toBe(1 + 7);
  // Today's row: the console's refund of 3.00, succeeded.
  expect(await table.getByRole('row').last().innerText()).toMatch(/^\d{4}-\d{2}-\d{2}\t1\t1\t0\t0$/);
  await expectAccessible(page, 'dashboard, a table open');
});

test('the range changes to 30 days, from the keyboard too', async () => {
  const { page } = desk;
  const shownDays = async () => {
    const [from, to] = (await page.getByRole('heading', { level: 2 }).filter({ hasText: / to / }).innerText()).split(' to ');
    return (Date.parse(to!) - Date.parse(from!)) / 86_400_000 + 1;
  };
  expect(await shownDays()).toBe(7);
  await page.getByRole('radio', { name: '7 days' }).focus();
  await page.keyboard.press('ArrowRight');
  await waitFor('30 days shown', async () => (await shownDays()) === 30);
  await settled(page);
  // Nothing older than the 7 days: the same totals.
  expect(await statValue(page, 'orders')).toBe(String(created));
  expect(await page.getByRole('radio', { name: '30 days' }).isChecked()).toBe(true);
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
