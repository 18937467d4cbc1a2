// The web console in a real Chromium, role by role (CONTRACT.md 7.2): each role signs in through
// the form, sees only its pages in the navigation, does one thing it may, and is refused one thing
// it may not, with the reason shown next to it (or the control is not offered at all).
import type { Browser } from 'playwright-core';
import { startVpay, type Vpay } from '../support/vpay';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../support/console';
import { expectOk } from '../support/console-delivery';
import { codeOf } from '../support/console-apps';
import { expectAccessible, launchBrowser, navLabels, openPage, settled, signIn } from '../support/browser';
import type { Role } from '../../lib/domain/console/permissions';
import { waitFor } from '../support/wait-for';

let vpay: Vpay;
let world: ConsoleWorld;
let browser: Browser;

beforeAll(async () => {
  [vpay, browser] = await Promise.all([startVpay(), launchBrowser()]);
  world = await consoleWorld(vpay);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await vpay?.stop();
});

const ALL = [
  'Dashboard',
  'Mini games',
  'Payment enablement',
  'Basic configuration',
  'Virtual items',
  'Order records',
  'After-sales records',
];
const PAGES: Record<Role, string[]> = {
  super_admin: [...ALL, 'Audit log', 'Team users'],
  platform_admin: [...ALL, 'Audit log', 'Team users'],
  mp_admin: [...ALL, 'Audit log', 'Team users'],
  mp_senior_developer: ALL,
  mp_developer: ALL,
  mp_operator: ALL,
};

test('a wrong token is refused on the sign-in form, with the reason', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${vpay.url}/console/`);
  await page.getByLabel('Console token').fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Could not sign in' }).waitFor();
  expect(await page.getByRole('alert').innerText()).toContain('40100');
  await expectAccessible(page, 'sign-in');
  await context.close();
});

test.each(Object.keys(PAGES) as Role[])('%s: signs in and sees only its pages', async (role) => {
  const { page, errors } = await signIn(browser, vpay.url, world.tokens[role]);
  expect(await navLabels(page)).toEqual(PAGES[role]);
  // A page the role does not have is not there, even by its address.
  if (!PAGES[role].includes('Audit log')) {
    await page.goto(`${vpay.url}/console/audit`);
    await page.getByRole('alert').filter({ hasText: 'No page "audit" for your role' }).waitFor();
  }
  expect(errors).toEqual([]);
  await page.context().close();
});

test('super_admin: creates a team; is not offered the enablement request (mp_admin only)', async () => {
  const { page, errors } = await signIn(browser, vpay.url, vpay.adminToken);
  await openPage(page, 'Mini games');
  await page.getByLabel('Team name').fill('Team C');
  await page.getByRole('button', { name: 'Create team' }).click();
  await page.getByRole('status').filter({ hasText: 'Team created' }).waitFor();
  await openPage(page, 'Payment enablement');
  await settled(page);
  expect(await page.getByRole('button', { name: 'Request permission' }).count()).toBe(0);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('platform_admin: approves a payment request; is not offered to revoke a platform user, which the API refuses', async () => {
  expectOk(
    await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${world.appId}/payment-requests`, { message: 'please' }),
    'request',
  );
  const platformUser = expectOk(await consoleCall(vpay, vpay.adminToken, 'POST', '/users', { name: 'P2', role: 'platform_admin' }), 'user');
  const { page, errors } = await signIn(browser, vpay.url, world.tokens.platform_admin);
  await openPage(page, 'Payment enablement');
  await page.getByRole('button', { name: 'Approve Game A' }).click();
  await page.getByRole('button', { name: 'Approve Game A' }).waitFor({ state: 'detached' });
  expect(expectOk(await consoleCall(vpay, vpay.adminToken, 'GET', `/apps/${world.appId}`), 'app').paymentEnabled).toBe(true);

  await openPage(page, 'Team users');
  const users = page.getByTestId('users');
  await users.getByText('P2', { exact: true }).waitFor();
  // A team user's row has Revoke; the platform user's has none (only the super admin may).
  expect(await page.getByRole('button', { name: 'Revoke mp_operator' }).count()).toBe(1);
  expect(await page.getByRole('button', { name: 'Revoke P2' }).count()).toBe(0);
  expect(await users.getByRole('row').filter({ hasText: 'P2' }).getByRole('button').count()).toBe(0);
  // Nor by the API, should the platform admin call it.
  expect(codeOf(await consoleCall(vpay, world.tokens.platform_admin, 'DELETE', `/users/${platformUser.userId}`))).toEqual({
    status: 403,
    errCode: 40302,
  });
  expect((await consoleCall(vpay, platformUser.token, 'GET', '/me')).status).toBe(200);
  expect(errors).toEqual([]);
  await page.context().close();
});

test("mp_admin: requests payment for a new game; sees its team's users only, and may not revoke another team's", async () => {
  const other = expectOk(await consoleCall(vpay, world.otherAdminToken, 'GET', '/me'), 'me');
  const app = expectOk(await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/teams/${world.teamId}/apps`, { name: 'Game N' }), 'app');
  const { page, errors } = await signIn(browser, vpay.url, world.tokens.mp_admin);
  await page.goto(`${vpay.url}/console/enablement?app=${app.appId}`);
  await page.getByLabel('Request message').fill('Game N sells gems');
  await page.getByRole('button', { name: 'Request permission' }).click();
  await page.getByRole('cell', { name: 'Game N sells gems' }).waitFor();

  await openPage(page, 'Team users');
  await page.getByTestId('users').getByText('mp_operator', { exact: true }).waitFor();
  expect(await page.getByTestId('users').getByText(other.name, { exact: true }).count()).toBe(0);
  expect(await page.getByRole('button', { name: `Revoke ${other.name}` }).count()).toBe(0);
  // Nor by its id, should the mp_admin know it.
  expect((await consoleCall(vpay, world.tokens.mp_admin, 'DELETE', `/users/${other.userId}`)).json.errCode).toBe(40302);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('mp_senior_developer: adds an item; is offered no delete and no audit log', async () => {
  const { page, errors } = await signIn(browser, vpay.url, world.tokens.mp_senior_developer);
  await page.goto(`${vpay.url}/console/items?app=${world.appId}`);
  await page.getByRole('button', { name: 'Add virtual item' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Item ID').fill('sword_1');
  await dialog.getByLabel('Name').fill('Sword');
  await dialog.getByLabel('Price (minor units)').fill('1999');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('cell', { name: 'sword_1', exact: true }).waitFor();
  expect(await page.getByRole('cell', { name: '$19.99' }).count()).toBe(1);
  expect(await page.getByRole('button', { name: /^(Delete|Remove) / }).count()).toBe(0);
  expect(await page.getByRole('button', { name: 'Edit sword_1' }).count()).toBe(1);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('mp_developer: downloads the template; the delivery configuration is read-only', async () => {
  const { page, errors } = await signIn(browser, vpay.url, world.tokens.mp_developer);
  await page.goto(`${vpay.url}/console/items?app=${world.appId}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Template (CSV)' }).click()]);
  expect(download.suggestedFilename()).toBe('items-template.csv');
  await openPage(page, 'Basic configuration');
  await page.getByText('Read-only: the mini program administrator').waitFor();
  expect(await page.getByRole('button', { name: /^Save/ }).count()).toBe(0);
  expect(await page.getByRole('textbox', { name: 'URL', exact: true }).getAttribute('readonly')).not.toBeNull();
  expect(errors).toEqual([]);
  await page.context().close();
});

test('mp_operator: searches the order records; is offered no item changes, and the API refuses them anyway', async () => {
  const { page, errors } = await signIn(browser, vpay.url, world.tokens.mp_operator);
  await page.goto(`${vpay.url}/console/orders?app=${world.appId}`);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText('No order in this range.').waitFor();
  await openPage(page, 'Virtual items');
  await page.getByRole('cell', { name: 'sword_1', exact: true }).waitFor();
  for (const name of ['Add virtual item', 'Template (CSV)', 'Import', /^Release selected/]) {
    expect(await page.getByRole('button', { name }).count()).toBe(0);
  }
  const refused = await consoleCall(vpay, world.tokens.mp_operator, 'POST', `/apps/${world.appId}/items`, {
    productId: 'x',
    name: 'x',
    price: 1,
    currencyType: 'USD',
  });
  expect(refused.json.errCode).toBe(40302);
  expect(errors).toEqual([]);
  await page.context().close();
});

test('at phone width the navigation sits behind a button, and every page is reachable by keyboard', async () => {
  const { page, errors } = await signIn(browser, vpay.url, world.tokens.mp_admin, { width: 390, height: 844 });
  const nav = page.getByRole('navigation', { name: 'Console pages' });
  // Collapsed, the navigation is moved off the screen; the burger brings it in.
  const box = async () => (await nav.boundingBox())!;
  expect((await box()).x + (await box()).width).toBeLessThanOrEqual(0);
  await page.getByRole('button', { name: 'Navigation' }).focus();
  await page.keyboard.press('Enter');
  await waitFor('the navigation on the screen', async () => (await box()).x >= 0);
  await nav.getByRole('link', { name: 'Order records' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Order records' }).waitFor();
  await expectAccessible(page, 'order records at phone width');
  expect(errors).toEqual([]);
  await page.context().close();
});
