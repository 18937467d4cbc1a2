// The console's actions that console-flow.test.ts and console-roles.test.ts leave out, in a real
// Chromium on the real stack (one stack and one browser for the file): a redelivery of an order whose
// delivery failed, seen in its timeline; an item edited, deleted and removed; a key rotation (the new
// key shown once, copied, the old one replaced); a review exemption rejected then approved; the
// platform roles' views of every team's apps and their review queue; the order export as a real
// XLSX; the team users list with Revoke on the rows the role may revoke; and, at 390 px, status badges whole on the screen.
// Every page is checked with axe, and no page logs an error.
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { startVpay, type Vpay } from '../support/vpay';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../support/console';
import { codeOf, ok, sellingTeamApp } from '../support/console-apps';
import { paidOrder, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { expectAccessible, launchBrowser, openPage, settled, signIn, type ConsolePage } from '../support/browser';

let vpay: Vpay;
let world: ConsoleWorld;
let browser: Browser;
let team: ConsolePage;
let platform: ConsolePage;
/** A team A app that sells (section 6 made it: key version 1, the fake developer's URL), payment on. */
let game: TestApp;
/** Its orders, in the order made. */
const orders: string[] = [];

beforeAll(async () => {
  // Retries far apart: a failed delivery waits 10 minutes for its next attempt, so the attempt after
  // it in the redelivery test is the redelivery's.
  [vpay, browser] = await Promise.all([
    startVpay({ DELIVERY_RETRY_INITIAL_MS: '600000', DELIVERY_RETRY_MAX_MS: '600000' }),
    launchBrowser(),
  ]);
  world = await consoleWorld(vpay);
  game = await sellingTeamApp(vpay, world.teamId, { paymentEnabled: true, released: ['gem_100', 'sword'], drafts: ['draft_1'] });
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

const orderDetail = async (orderId: string) => ok(await consoleCall(vpay, vpay.adminToken, 'GET', `/apps/${game.appId}/orders/${orderId}`));

/** The row of a table that holds `text` in one of its cells. */
const rowOf = (page: Page, testId: string, text: string) =>
  page
    .getByTestId(testId)
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: text, exact: true }) });

test('an order whose delivery failed is redelivered from its detail; the attempt appears in the timeline', async () => {
  vpay.developer.mode = 'http500';
  const { orderId } = await paidOrder(vpay, game);
  orders.push(orderId);
  await waitFor('the first attempt, failed', async () => (await orderDetail(orderId)).order.deliveryAttempts === 1);

  const { page } = team;
  await page.goto(`${vpay.url}/console/orders?app=${game.appId}&order=${orderId}`);
  await page.getByText('Attempt 1: failed').waitFor();
  await settled(page);
  await expectAccessible(page, 'order detail, delivery failed');

  // The endpoint works again; without the redelivery its next attempt would be 10 minutes away.
  vpay.developer.mode = 'ok';
  await page.getByRole('button', { name: 'Redeliver' }).click();
  await page.getByText('Attempt 2: acknowledged').waitFor();
  await page.getByRole('status').filter({ hasText: 'Redelivered: attempt 2' }).waitFor();
  expect((await orderDetail(orderId)).order.status).toBe('DELIVERED');
  expect(vpay.developer.acknowledged(orderId)).toBe(1);
  await expectAccessible(page, 'order detail, redelivered');
});

test('items: a released item edited (its live version keeps selling) then removed; a draft deleted', async () => {
  const { page } = team;
  await page.goto(`${vpay.url}/console/items?app=${game.appId}`);
  await page.getByRole('button', { name: 'Edit sword' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit sword' });
  await dialog.getByLabel('Name').fill('Great sword');
  await dialog.getByLabel('Price (minor units)').fill('1250');
  await expectAccessible(page, 'item edit');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  const sword = rowOf(page, 'items', 'sword');
  await sword.getByRole('cell', { name: 'Great sword' }).waitFor();
  // The draft is $12.50 and DRAFT; the live version still sells at $10.00.
  expect(await sword.getByRole('cell').allInnerTexts()).toEqual(expect.arrayContaining(['$12.50', 'DRAFT', '$10.00']));

  await page.getByRole('button', { name: 'Delete draft_1' }).click();
  await rowOf(page, 'items', 'draft_1').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Remove sword' }).click();
  await sword.getByRole('cell', { name: 'REMOVED' }).waitFor();
  expect(await page.getByRole('button', { name: 'Remove sword' }).count()).toBe(0);
  await settled(page);
  await expectAccessible(page, 'items after edit, delete, remove');

  const items = ok(await consoleCall(vpay, world.tokens.mp_admin, 'GET', `/apps/${game.appId}/items`)).items;
  expect(items.map((i: any) => [i.productId, i.status])).toEqual(
    expect.arrayContaining([
      ['sword', 'REMOVED'],
      ['gem_100', 'RELEASED'],
    ]),
  );
  expect(items.some((i: any) => i.productId === 'draft_1')).toBe(false);
});

test('key rotation: the new key is shown once with a warning and a copy button, and replaces the old one', async () => {
  const { page } = team;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: vpay.url });
  await page.goto(`${vpay.url}/console/configuration?app=${game.appId}`);
  await page.getByText('version 1, issued').waitFor();
  await page.getByRole('button', { name: 'Rotate key' }).click();
  const dialog = page.getByRole('dialog', { name: 'App key, version 2' });
  await dialog.getByRole('alert').filter({ hasText: 'vpay never shows it again' }).waitFor();
  const newKey = (await dialog.getByTestId('app-key').innerText()).trim();
  expect(newKey).toMatch(/^[0-9a-f]{64}$/);
  expect(newKey).not.toBe(game.appKey);
  await dialog.getByRole('button', { name: 'Copy key' }).click();
  await dialog.getByRole('button', { name: 'Copied' }).waitFor();
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(newKey);
  await expectAccessible(page, 'key rotation, key shown once');
  await dialog.getByRole('button', { name: 'I have stored it' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByText('version 2, issued').waitFor();
  expect(await page.getByText(newKey).count()).toBe(0);

  // The new key is the app's: a payment signed with it is taken, and its delivery is signed with it.
  game = { ...game, appKey: newKey };
  vpay.developer.appKey = newKey;
  const { orderId } = await paidOrder(vpay, game);
  orders.push(orderId);
  await vpay.developer.waitFor(orderId, 30_000);
  const delivered = vpay.developer.received.filter((d) => d.payload?.OrderId === orderId);
  expect(delivered.map((d) => d.signatureValid)).toEqual([true]);
});

test('review exemption: the team asks, the platform rejects with a reason; asked again, approved', async () => {
  const ask = async (message: string) => {
    await team.page.goto(`${vpay.url}/console/configuration?app=${game.appId}`);
    await team.page.getByLabel('Request message').fill(message);
    await team.page.getByRole('button', { name: 'Request exemption' }).click();
    await team.page.getByText(`Request: “${message}”`).waitFor();
    await team.page.getByRole('button', { name: 'Request exemption' }).waitFor({ state: 'detached' });
  };
  const decide = async (decision: 'Approve' | 'Reject', reason: string) => {
    await platform.page.goto(`${vpay.url}/console/configuration?app=${game.appId}`);
    await platform.page.getByLabel('Reason (optional)').fill(reason);
    await settled(platform.page);
    await expectAccessible(platform.page, 'exemption review');
    await platform.page.getByRole('button', { name: `${decision} exemption` }).click();
    await platform.page.getByText(`Decision: “${reason}”`).waitFor();
  };
  const status = async () => ok(await consoleCall(vpay, world.tokens.mp_admin, 'GET', `/apps/${game.appId}/review-exemption`)).status;

  await ask('our items follow the rules');
  expect(await status()).toBe('PENDING');
  await expectAccessible(team.page, 'exemption requested');
  await decide('Reject', 'show us a month of clean releases');
  expect(await status()).toBe('REJECTED');
  await platform.page.getByRole('button', { name: 'Approve exemption' }).waitFor({ state: 'detached' });

  await team.page.reload();
  await team.page.getByText('Decision: “show us a month of clean releases”').waitFor();
  await ask('a month of clean releases: see the audit log');
  await decide('Approve', 'thanks');
  expect(await status()).toBe('APPROVED');
  await platform.page.getByRole('button', { name: 'Revoke exemption' }).waitFor();
});

test("the platform roles' views: every team's apps, the teams, a team filter; another team's item reviewed", async () => {
  const b = world.otherAdminToken;
  ok(
    await consoleCall(vpay, b, 'POST', `/apps/${world.otherAppId}/items`, {
      productId: 'b_gem',
      name: 'B gem',
      price: 300,
      currencyType: 'USD',
    }),
  );
  ok(await consoleCall(vpay, b, 'POST', `/apps/${world.otherAppId}/items/release`, { productIds: ['b_gem'] }));

  const { page } = platform;
  await openPage(page, 'Mini games');
  const apps = page.getByTestId('apps');
  for (const name of ['Game A', 'Game B', 'selling game 1']) await apps.getByRole('button', { name, exact: true }).waitFor();
  expect(await rowOf(page, 'apps', world.otherAppId).getByRole('cell', { name: 'Team B' }).count()).toBe(1);
  const teams = page.getByTestId('teams');
  const teamA = teams.getByRole('row').filter({ hasText: 'Team A' });
  expect(await teamA.getByRole('cell').allInnerTexts()).toEqual(['Team A', world.teamId, '2', '4', expect.any(String)]);
  await settled(page);
  await expectAccessible(page, 'mini games, platform view');

  await page.getByRole('button', { name: 'Show the games of Team B' }).click();
  await waitFor('only Team B games', async () => (await apps.getByRole('row').count()) === 2);
  expect(await apps.getByRole('button', { name: 'Game B', exact: true }).count()).toBe(1);
  expect(await apps.getByRole('button', { name: 'Game A', exact: true }).count()).toBe(0);

  await page.goto(`${vpay.url}/console/items?app=${world.otherAppId}`);
  await page.getByRole('tab', { name: 'Review queue', selected: true }).waitFor();
  await page.getByRole('button', { name: 'Approve b_gem' }).waitFor();
  await expectAccessible(page, 'review queue, platform view');
  await page.getByRole('button', { name: 'Approve b_gem' }).click();
  await page.getByText('Nothing waits for review.').waitFor();
  await page.getByRole('tab', { name: 'Items' }).click();
  await rowOf(page, 'items', 'b_gem').getByRole('cell', { name: 'RELEASED' }).waitFor();
});

test('the order records export as XLSX through the UI: a real workbook with every order', async () => {
  const { page } = team;
  await page.goto(`${vpay.url}/console/orders?app=${game.appId}`);
  for (const orderId of orders) await page.getByRole('link', { name: orderId }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export XLSX' }).click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^orders-${game.appId}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.xlsx$`));
  const file = fs.readFileSync((await download.path())!);
  expect(file.subarray(0, 2).toString('latin1')).toBe('PK');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(file as any);
  const sheet = book.getWorksheet('orders')!;
  const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
  const header = values(1) as string[];
  expect(header.slice(0, 3)).toEqual(['orderId', 'appId', 'openId']);
  expect(sheet.actualRowCount).toBe(orders.length + 1);
  const rows = [2, 3].map((n) => Object.fromEntries(header.map((h, i) => [h, values(n)[i]])));
  // Newest first; typed cells (numbers stay numbers).
  expect(rows.map((r) => r.orderId)).toEqual([...orders].reverse());
  expect(rows.map((r) => [r.status, r.totalAmount, r.deliveryAttempts])).toEqual([
    ['DELIVERED', 1000, 1],
    ['DELIVERED', 1000, 2],
  ]);
  await settled(page);
  await expectAccessible(page, 'order records after export');
});

test('team users: the list shows who exists; a user created, then revoked from its row; Revoke only where the role may', async () => {
  const pat = ok(await consoleCall(vpay, vpay.adminToken, 'POST', '/users', { name: 'Pat Platform', role: 'platform_admin' }));
  const { page } = team;
  await openPage(page, 'Team users');
  const users = page.getByTestId('users');
  for (const name of ['mp_senior_developer', 'mp_developer', 'mp_operator']) await users.getByText(name, { exact: true }).waitFor();
  expect(await users.getByText('B admin').count()).toBe(0);
  expect(await users.getByText('Pat Platform').count()).toBe(0);
  const self = users.getByRole('row').filter({ has: page.getByText('mp_admin', { exact: true }) });
  expect(await self.getByText('you').count()).toBe(1);
  expect(await self.getByRole('button').count()).toBe(0);

  await page.getByLabel('Name', { exact: true }).fill('Erin');
  await page.getByRole('button', { name: 'Create user' }).click();
  const token = (await page.getByTestId('user-token').innerText()).trim();
  await page.getByRole('button', { name: 'Done' }).click();
  const erin = users.getByRole('row').filter({ hasText: 'Erin' });
  await erin.getByText('ACTIVE').waitFor();
  expect(await erin.getByRole('cell').nth(1).innerText()).toBe('Mini program developer');
  await settled(page);
  await expectAccessible(page, 'team users, mp_admin');

  await page.getByRole('button', { name: 'Revoke Erin' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke Erin?' });
  await expectAccessible(page, 'revoke dialog');
  await confirm.getByRole('button', { name: 'Revoke user' }).click();
  await confirm.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: 'Erin revoked' }).waitFor();
  await erin.getByText('REVOKED').waitFor();
  expect(await page.getByRole('button', { name: 'Revoke Erin' }).count()).toBe(0);
  expect((await consoleCall(vpay, token, 'GET', '/me')).status).toBe(401);

  // The platform admin sees every team's users, filters by team, and is offered Revoke on the team
  // users only: a platform user only the super admin may revoke (the API refuses it too).
  const p = platform.page;
  await openPage(p, 'Team users');
  const all = p.getByTestId('users');
  for (const name of ['B admin', 'Pat Platform', 'Erin']) await all.getByText(name, { exact: true }).first().waitFor();
  expect(await p.getByRole('button', { name: 'Revoke B admin' }).count()).toBe(1);
  expect(await p.getByRole('button', { name: 'Revoke Pat Platform' }).count()).toBe(0);
  expect(await all.getByRole('row').filter({ hasText: 'Pat Platform' }).getByRole('button').count()).toBe(0);
  await expectAccessible(p, 'team users, platform admin');
  expect(codeOf(await consoleCall(vpay, world.tokens.platform_admin, 'DELETE', `/users/${pat.userId}`))).toEqual({
    status: 403,
    errCode: 40302,
  });
  expect((await consoleCall(vpay, pat.token, 'GET', '/me')).status).toBe(200);
  await p.getByRole('combobox', { name: 'Filter by team' }).click();
  await p.getByRole('option', { name: `Team B (${world.otherTeamId})` }).click();
  await waitFor('only Team B users', async () => (await all.getByRole('row').count()) === 2);
  expect(await all.getByText('B admin').count()).toBe(1);
});

/** Every status badge in the cards of `testId`: whole (its label not cut) and inside its card and the screen; no sideways scroll. */
async function expectBadgesWhole(page: Page, testId: string, count: number) {
  const cards = page.getByTestId(testId).getByTestId('record-card');
  await cards.first().waitFor();
  expect(await cards.count()).toBe(count);
  const screen = page.viewportSize()!.width;
  expect(screen).toBe(390);
  // The page itself never scrolls sideways (the node tsconfig has no DOM types: the check is text).
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(screen);
  for (const card of await cards.all()) {
    const badge = card.locator('.mantine-Badge-root');
    const [b, c] = [(await badge.boundingBox())!, (await card.boundingBox())!];
    const label = await badge.innerText();
    expect({ label, onScreen: b.x >= 0 && b.x + b.width <= screen, inCard: b.x >= c.x && b.x + b.width <= c.x + c.width }).toEqual({
      label,
      onScreen: true,
      inCard: true,
    });
    // Not cut: the label's text fits its box (no ellipsis).
    expect(
      await badge
        .locator('.mantine-Badge-label')
        .evaluate((el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth <= el.clientWidth),
    ).toBe(true);
  }
}

test('at 390 px the order and after-sales records show each status badge whole, on the screen', async () => {
  const [first] = orders;
  const refund = ok(
    await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${game.appId}/orders/${first}/refunds`, {
      refundAmount: 250,
      reason: 'a sword that never arrived',
    }),
  );
  expect(refund.refund.status).toBe('SUCCEEDED');

  const phone = await signIn(browser, vpay.url, world.tokens.mp_admin, { width: 390, height: 844 });
  const { page } = phone;
  await page.goto(`${vpay.url}/console/orders?app=${game.appId}`);
  for (const orderId of orders) await page.getByRole('link', { name: orderId }).waitFor();
  await expectBadgesWhole(page, 'order-cards', orders.length);
  await expectAccessible(page, 'order records at 390 px');

  await page.goto(`${vpay.url}/console/after-sales?app=${game.appId}`);
  await page.getByText('a sword that never arrived').waitFor();
  await expectBadgesWhole(page, 'refund-cards', 1);
  await expectAccessible(page, 'after-sales records at 390 px');

  await page.goto(`${vpay.url}/console/orders?app=${game.appId}&order=${first}`);
  await page.getByText('Attempt 2: acknowledged').waitFor();
  await expectBadgesWhole(page, 'refund-cards', 1);
  await expectAccessible(page, 'order detail at 390 px');
  expect(phone.errors).toEqual([]);
  await page.context().close();
});
