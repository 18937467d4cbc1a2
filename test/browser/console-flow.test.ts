// The seed's whole console flow (shared/seeds/002_*) through the web console in a real Chromium:
// enablement request and approval, delivery configuration with its key shown once and a test push,
// items imported from the downloaded template (a bad file first, its cells named), released and
// reviewed, a purchase made by the test through the API, its order record, export and refund, and
// the after-sales record. Every page is checked with axe and saved to docs/console/<name>.png.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startVpay, type Vpay } from '../support/vpay';
import { consoleWorld, consoleCall, type ConsoleWorld } from '../support/console';
import { expectOk } from '../support/console-delivery';
import { admin, pay, requestPayment, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { expectAccessible, launchBrowser, openPage, screenshot, settled, signIn, type ConsolePage } from '../support/browser';

let vpay: Vpay;
let world: ConsoleWorld;
let browser: Browser;
let team: ConsolePage;
let platform: ConsolePage;

beforeAll(async () => {
  [vpay, browser] = await Promise.all([startVpay(), launchBrowser()]);
  world = await consoleWorld(vpay);
  team = await signIn(browser, vpay.url, world.tokens.mp_admin);
  platform = await signIn(browser, vpay.url, world.tokens.platform_admin);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await vpay?.stop();
});
afterEach(() => {
  expect(team.errors).toEqual([]);
  expect(platform.errors).toEqual([]);
});

/** Checks the page with axe, then saves its screenshot. */
async function record(page: Page, name: string) {
  await settled(page);
  await expectAccessible(page, name);
  await screenshot(page, name);
}

let appId: string;
let appKey: string;
let orderId: string;
let outTradeNo: string;

test('mp_admin creates a game and requests payment; the platform admin approves', async () => {
  const { page } = team;
  await openPage(page, 'Mini games');
  await page.getByLabel('Name').fill('Galaxy Quest');
  await page.getByRole('button', { name: 'Create mini game' }).click();
  await page.getByRole('button', { name: 'Galaxy Quest' }).waitFor();
  appId = new URL(page.url()).searchParams.get('app')!;
  expect(appId).toBeTruthy();
  await record(page, 'mini-games');

  await openPage(page, 'Payment enablement');
  await page.getByLabel('Request message').fill('Galaxy Quest sells gems and skins');
  await page.getByRole('button', { name: 'Request permission' }).click();
  await page.getByRole('cell', { name: 'Galaxy Quest sells gems and skins' }).waitFor();
  await record(page, 'payment-enablement-request');

  await platform.page.goto(`${vpay.url}/console/enablement?app=${appId}`);
  await platform.page.getByLabel('Reason for the decision (optional)').fill('looks fine');
  await record(platform.page, 'payment-enablement-review');
  await platform.page.getByRole('button', { name: 'Approve Galaxy Quest' }).click();
  await platform.page.getByRole('button', { name: 'Approve Galaxy Quest' }).waitFor({ state: 'detached' });
  await page.reload();
  await page.getByText('Virtual payment enabled').waitFor();
});

test('mp_admin configures delivery: the key is shown once, the test push shows the endpoint answer', async () => {
  const { page } = team;
  await page.goto(`${vpay.url}/console/configuration?app=${appId}`);
  const url = vpay.developer.deliveryUrlFor(appId);
  await page.getByRole('textbox', { name: 'URL', exact: true }).fill(url);
  await page.getByRole('textbox', { name: 'Test URL' }).fill(`${url}?sandbox=1`);
  await page.getByRole('button', { name: 'Save and request key' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Shown only now').waitFor();
  appKey = (await dialog.getByTestId('app-key').innerText()).trim();
  expect(appKey).toMatch(/^[0-9a-f]{32,}$/);
  vpay.developer.appKeys.set(appId, appKey);
  await record(page, 'basic-configuration-key-once');
  await dialog.getByRole('button', { name: 'I have stored it' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('version 1, issued').waitFor();

  await page.getByRole('button', { name: 'Send test notification' }).click();
  await page.getByTestId('test-push').filter({ hasText: 'Acknowledged' }).waitFor();
  await record(page, 'basic-configuration');
});

test('items: the template downloaded, a bad import names its cells, a good one adds two; released, then reviewed', async () => {
  const { page } = team;
  await page.goto(`${vpay.url}/console/items?app=${appId}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Template (CSV)' }).click()]);
  const template = fs
    .readFileSync((await download.path())!, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  expect(template.split(/\r?\n/)).toHaveLength(1);

  const file = page.locator('input[type=file]');
  const bad = `${template}\r\ngem_100,100 gems,1.99,USD,\r\n,Skin,abc,usd,\r\n`;
  await file.setInputFiles({ name: 'items.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const cells = page.getByTestId('cell-errors');
  await cells.waitFor();
  const text = await cells.innerText();
  expect(text).toContain('Row 2, column price');
  expect(text).toContain('Row 3, column productId');
  expect(text).toContain('Row 3, column currencyType');
  await record(page, 'virtual-items-import-errors');

  const good = `${template}\r\ngem_100,100 gems,199,USD,\r\nskin_red,Red skin,500,USD,\r\n`;
  await file.setInputFiles({ name: 'items.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText('Imported: 2 added, 0 updated.').waitFor();
  await page.getByRole('cell', { name: 'skin_red', exact: true }).waitFor();
  await page.getByRole('checkbox', { name: 'Select every releasable item' }).check();
  await page.getByRole('button', { name: 'Release selected (2)' }).click();
  await waitFor(
    'both items pending review',
    async () =>
      (await page
        .getByRole('cell')
        .filter({ hasText: /^PENDING_REVIEW$/ })
        .count()) === 2,
  );
  await record(page, 'virtual-items');

  await platform.page.goto(`${vpay.url}/console/items?app=${appId}`);
  await platform.page.getByRole('button', { name: 'Approve gem_100' }).waitFor();
  await record(platform.page, 'virtual-items-review-queue');
  await platform.page.getByRole('button', { name: 'Approve gem_100' }).click();
  await platform.page.getByRole('button', { name: 'Approve gem_100' }).waitFor({ state: 'detached' });
  await platform.page.getByRole('button', { name: 'Approve skin_red' }).click();
  await platform.page.getByText('Nothing waits for review.').waitFor();
});

test('a purchase made through the API shows in the order records, with its delivery timeline; exported', async () => {
  const t: TestApp = {
    appId,
    appKey,
    openId: 'player_1',
    sessionKey: 'session-key-browser-1',
    productId: 'gem_100',
    price: 199,
    currencyType: 'USD',
  };
  expectOk(await admin(vpay, 'PUT', `/v1/admin/apps/${appId}/sessions/${t.openId}`, { sessionKey: t.sessionKey }), 'session');
  const sd = signData(t);
  outTradeNo = JSON.parse(sd).outTradeNo as string;
  const r = await requestPayment(vpay, t, sd);
  expect(r.status).toBe(200);
  orderId = r.json.orderId as string;
  expect((await pay(vpay, orderId, t.price)).status).toBe(200);
  await waitFor('the order delivered', async () => {
    const a = await consoleCall(vpay, world.tokens.mp_admin, 'GET', `/apps/${appId}/orders/${orderId}`);
    return a.json.order?.status === 'DELIVERED';
  });

  const { page } = team;
  await page.goto(`${vpay.url}/console/orders?app=${appId}`);
  await page.getByRole('link', { name: orderId }).waitFor();
  expect(await page.getByRole('cell', { name: '$1.99' }).count()).toBe(1);
  await record(page, 'order-records');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^orders-.*\.csv$/);
  expect(fs.readFileSync((await download.path())!, 'utf8')).toContain(outTradeNo);

  await page.getByRole('link', { name: orderId }).click();
  await page.getByText('Attempt 1: acknowledged').waitFor();
  expect(await page.getByRole('link', { name: 'Open in Temporal Web UI' }).count()).toBe(vpay.config.temporalUiUrl ? 1 : 0);
  await record(page, 'order-detail');
});

test('mp_admin refunds part of the order; the after-sales record shows it, found by order number', async () => {
  const { page } = team;
  await page.getByLabel(/Refund amount/).fill('99');
  await page.getByLabel('Reason').fill('player asked');
  await page.getByRole('button', { name: 'Refund', exact: true }).click();
  await page
    .getByRole('cell')
    .filter({ hasText: /^SUCCEEDED$/ })
    .waitFor();
  await record(page, 'order-detail-refunded');

  await openPage(page, 'After-sales records');
  await page.getByText('$0.99').waitFor();
  await page.getByLabel('Order ID').fill(orderId);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText('player asked').waitFor();
  await record(page, 'after-sales-records');
  await page.getByLabel('Order ID').fill('nope');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText('No refund initiated in this range.').waitFor();
});

test('the dashboard, audit log and team users pages', async () => {
  const { page } = team;
  // The dashboard's own test (console-dashboard.test.ts) checks its numbers and takes its screenshot.
  await openPage(page, 'Dashboard');
  await page.getByTestId('stat-orders').waitFor();
  await settled(page);
  expect(await page.getByTestId('stat-orders-value').innerText()).toBe('1');
  await expectAccessible(page, 'dashboard');
  await openPage(page, 'Audit log');
  await page.getByText('order.refund').first().waitFor();
  await record(page, 'audit-log');
  await openPage(page, 'Team users');
  await page.getByLabel('Name').fill('Dana');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByTestId('user-token').waitFor();
  await record(page, 'team-users-token-once');
  await page.getByRole('button', { name: 'Done' }).click();

  await openPage(page, 'Basic configuration');
  await page.getByText('Approval exemption for virtual item releases').waitFor();
  await page.getByLabel('Request message').fill('we follow the rules');
  await page.getByRole('button', { name: 'Request exemption' }).click();
  await page.getByRole('button', { name: 'Request exemption' }).waitFor({ state: 'detached' });

  // At phone width too.
  const phone = await signIn(browser, vpay.url, world.tokens.mp_admin, { width: 390, height: 844 });
  await phone.page.goto(`${vpay.url}/console/orders?app=${appId}`);
  await phone.page.getByRole('link', { name: orderId }).waitFor();
  await record(phone.page, 'order-records-phone');
  expect(phone.errors).toEqual([]);
});
