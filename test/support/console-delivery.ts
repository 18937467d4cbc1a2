// A console-made app that can take payments, for the delivery configuration and key tests: its
// delivery URL saved through the console (which issues key version 1), then payment enabled, one
// released item and one player session through the admin API (section 6, the platform's bootstrap).
import { consoleCall, type Answer, type ConsoleWorld } from './console';
import { admin, type TestApp } from './minigame';
import type { Vpay } from './vpay';

let seq = 0;

export function expectOk(a: Answer, what: string): any {
  if (a.status >= 300) throw new Error(`${what}: HTTP ${a.status} ${JSON.stringify(a.json)}`);
  return a.json;
}

/** A new app of the world's team, made through the console: no URL, no key. */
export async function consoleApp(vpay: Vpay, world: ConsoleWorld): Promise<string> {
  return expectOk(await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/teams/${world.teamId}/apps`, { name: `game ${++seq}` }), 'app')
    .appId;
}

/** Payment enabled, one released item and a player session for `appId` (whose key is `appKey`). */
export async function makePayable(vpay: Vpay, appId: string, appKey: string): Promise<TestApp> {
  const t: TestApp = {
    appId,
    appKey,
    openId: `player${++seq}`,
    sessionKey: `session-${seq}-${Date.now()}`,
    productId: 'gem_pack_100',
    price: 1000,
    currencyType: 'USD',
  };
  expectOk(await admin(vpay, 'PATCH', `/v1/admin/apps/${appId}`, { paymentEnabled: true }), 'payment enabled');
  expectOk(
    await admin(vpay, 'PUT', `/v1/admin/apps/${appId}/items/${t.productId}`, {
      name: '100 gems',
      price: t.price,
      currencyType: t.currencyType,
      released: true,
    }),
    'item',
  );
  expectOk(await admin(vpay, 'PUT', `/v1/admin/apps/${appId}/sessions/${t.openId}`, { sessionKey: t.sessionKey }), 'session');
  return t;
}

/**
 * A console-made app delivering to the fake developer (which checks its notifications with the
 * key the first save answered), ready for payments.
 */
export async function payableConsoleApp(vpay: Vpay, world: ConsoleWorld, o: { testUrl?: boolean } = {}): Promise<TestApp> {
  const appId = await consoleApp(vpay, world);
  const url = vpay.developer.deliveryUrlFor(appId);
  const saved = expectOk(
    await consoleCall(vpay, world.tokens.mp_admin, 'PUT', `/apps/${appId}/delivery-config`, {
      url,
      ...(o.testUrl ? { testUrl: `${url}?sandbox=1` } : {}),
    }),
    'delivery config',
  );
  vpay.developer.appKeys.set(appId, saved.appKey);
  return makePayable(vpay, appId, saved.appKey);
}
