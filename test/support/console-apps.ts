// Helpers of the console tests beyond consoleWorld: answers that must succeed, a team's app made
// through the admin API (so it has a key, a delivery URL, items and a player: it can sell), and
// the audit log as a caller reads it.
import { admin } from './minigame';
import { consoleCall, type Answer } from './console';
import type { TestApp } from './minigame';
import type { Vpay } from './vpay';

/** The body of a 2xx answer; anything else throws with the answer. */
export const ok = (a: Answer, what = 'call'): any => {
  if (a.status >= 300) throw new Error(`${what}: HTTP ${a.status} ${JSON.stringify(a.json)}`);
  return a.json;
};

/** `{status, errCode}` of an answer, for one-line expectations. */
export const codeOf = (a: Answer) => ({ status: a.status, errCode: a.json?.errCode });

let seq = 0;

/**
 * An app of `teamId` that can sell once payment is enabled: made by section 6 (key, delivery URL),
 * with released items and one player session. `paymentEnabled` defaults to false.
 */
export async function sellingTeamApp(
  vpay: Vpay,
  teamId: string,
  o: { paymentEnabled?: boolean; released?: string[]; drafts?: string[] } = {},
): Promise<TestApp> {
  const n = ++seq;
  const created = ok(
    await admin(vpay, 'POST', '/v1/admin/apps', {
      name: `selling game ${n}`,
      deliveryUrl: vpay.developer.url,
      teamId,
      paymentEnabled: o.paymentEnabled ?? false,
    }),
    'admin app',
  );
  const released = o.released ?? ['gem_pack_100'];
  for (const productId of released) {
    ok(
      await admin(vpay, 'PUT', `/v1/admin/apps/${created.appId}/items/${productId}`, {
        name: productId,
        price: 1000,
        currencyType: 'USD',
        released: true,
      }),
      'item',
    );
  }
  for (const productId of o.drafts ?? []) {
    ok(
      await admin(vpay, 'PUT', `/v1/admin/apps/${created.appId}/items/${productId}`, { name: productId, price: 1000, currencyType: 'USD' }),
      'draft item',
    );
  }
  const t: TestApp = {
    appId: created.appId,
    appKey: created.appKey,
    openId: `console-player-${n}`,
    sessionKey: `console-session-${n}-${Date.now()}`,
    productId: released[0],
    price: 1000,
    currencyType: 'USD',
  };
  ok(await admin(vpay, 'PUT', `/v1/admin/apps/${t.appId}/sessions/${t.openId}`, { sessionKey: t.sessionKey }), 'session');
  vpay.developer.appKey = t.appKey;
  return t;
}

/** Every audit entry the caller can read (all pages), newest first. */
export async function auditEntries(vpay: Vpay, token: string, query = ''): Promise<any[]> {
  const entries: any[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `?limit=200${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = ok(await consoleCall(vpay, token, 'GET', `/audit-log${q}`), 'audit log');
    entries.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor);
  return entries;
}
