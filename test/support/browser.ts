// The browser tests' harness (test/browser/): Debian's Chromium driven by playwright-core
// (installed by tools/dev/install-chromium.js when missing), the console signed in through its
// own form, accessibility checked with axe, screenshots written to docs/console/ with VPAY_SCREENSHOTS=1.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

interface ChromiumInstaller {
  ensureChromium(): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const installer = require('../../tools/dev/install-chromium.js') as ChromiumInstaller;

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'docs', 'console');

export async function launchBrowser(): Promise<Browser> {
  const executablePath = installer.ensureChromium();
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface ConsolePage {
  page: Page;
  /** Console errors and uncaught exceptions the page logged (a test expects none). */
  errors: string[];
}

/** A new tab (1280 px wide unless told) signed in with `token` through the sign-in form. */
export async function signIn(
  browser: Browser,
  url: string,
  token: string,
  o: { width?: number; height?: number } = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport: { width: o.width ?? 1280, height: o.height ?? 860 },
    acceptDownloads: true,
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // A refused call is shown on the page; the browser also logs the failed request itself.
    if (m.type() === 'error' && !/the server responded with a status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/console/`);
  await page.getByLabel('Console token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return { page, errors };
}

/** The labels of the navigation's links, in order. */
export async function navLabels(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Console pages' });
  await nav.getByRole('link').first().waitFor({ state: 'attached' });
  return (await nav.getByRole('link').allInnerTexts()).map((s) => s.trim());
}

/** Opens a page from the navigation and waits for its heading. */
export async function openPage(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console pages' }).getByRole('link', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

/** Waits until no "Loading…" status is shown. */
export async function settled(page: Page): Promise<void> {
  await page.getByRole('status').filter({ hasText: 'Loading' }).first().waitFor({ state: 'detached' });
}

/** No serious or critical axe violation on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length > 0) {
    const text = bad
      .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 200)}`).join('; ')})`)
      .join('\n');
    throw new Error(`${what}: accessibility violations\n${text}`);
  }
}

/**
 * Takes a screenshot of the full page; with VPAY_SCREENSHOTS=1, writes it to docs/console/<name>.png
 * (`VPAY_SCREENSHOTS=1 npm test -- test/browser` refreshes the docs' pictures). Otherwise it is
 * discarded: IDs and times differ on every run, and a test run must not leave the tree changed.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const options = { fullPage: true, animations: 'disabled' } as const;
  if (process.env.VPAY_SCREENSHOTS !== '1') {
    await page.screenshot(options);
    return;
  }
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ ...options, path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}
