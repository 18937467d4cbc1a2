// The fake developer can serve an app on an origin of its own (bench scenario 1d gives each app one,
// as every developer has in production). Why the benchmark needs it: vpay keeps at most
// SOCKETS_PER_ORIGIN sockets open per origin, so an endpoint holding them all stalls every other
// endpoint of its origin, and none of another.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostTimeoutError, SOCKETS_PER_ORIGIN, destroySafePostAgents, safePostJson } from '../../lib/outbound/safe-post';
import { deliveryIdFor, signedNotice } from '../../lib/outbound/delivery-notice';
import { startFakeDeveloper, type FakeDeveloper } from '../../tools/fakes/fake-developer';
import { waitFor } from '../support/wait-for';

const KEYS = { slow: 'key-of-slow', neighbour: 'key-of-neighbour', own: 'key-of-own' };
type AppName = keyof typeof KEYS;

let developer: FakeDeveloper;
let orders = 0;

/** One signed notification of a new order of `app`, as vpay sends it. */
function notify(app: AppName, timeoutMs: number) {
  const orderId = `${app}-${++orders}`;
  return safePostJson(developer.deliveryUrlFor(app), signedNotice(KEYS[app], { OrderId: orderId }), {
    headers: { 'x-vpay-delivery-id': deliveryIdFor(orderId), 'x-vpay-attempt': '1' },
    timeoutMs,
    maxResponseBytes: 64 * 1024,
    allowPrivate: true,
  });
}

beforeAll(async () => {
  developer = await startFakeDeveloper();
  for (const [app, key] of Object.entries(KEYS)) developer.appKeys.set(app, key);
});
afterAll(async () => {
  developer.releaseHeld();
  destroySafePostAgents();
  await developer.close();
});

describe('the fake developer, an app on an origin of its own', () => {
  it("answers a delivery URL on another port, and handles what arrives there as the app's", async () => {
    const shared = new URL(developer.deliveryUrlFor('own'));
    const own = new URL(await developer.serveOnOwnOrigin('own'));
    expect(own.origin).not.toBe(shared.origin);
    expect(own.pathname).toBe('/deliver/own');
    expect(developer.deliveryUrlFor('own')).toBe(own.href);
    expect(new URL(developer.deliveryUrlFor('neighbour')).origin).toBe(shared.origin);
    // Asked again: the same origin, not another one.
    expect(await developer.serveOnOwnOrigin('own')).toBe(own.href);

    // Checked with the app's key, answered as the app's mode says, counted per order.
    developer.appModes.set('own', 'badBody');
    const refused = await notify('own', 5_000);
    developer.appModes.delete('own');
    const acknowledged = await notify('own', 5_000);
    expect([refused.json, acknowledged.json]).toEqual([
      expect.objectContaining({ returnCode: 1 }),
      expect.objectContaining({ returnCode: 0 }),
    ]);
    expect(developer.records.get(`own-${orders}`)).toMatchObject({ ok: 1, failed: 0 });
    expect(developer.badSignatures).toBe(0);
    expect(developer.badHeaders).toBe(0);
  });

  it('keeps a slow app from taking the sockets of an app on its own origin, as one origin would not', async () => {
    developer.appModes.set('slow', 'hold');
    const held = Array.from({ length: SOCKETS_PER_ORIGIN }, () => notify('slow', 60_000));
    await waitFor('every socket to the shared origin held', () => developer.heldCount === SOCKETS_PER_ORIGIN);

    // The neighbour, a path of the slow app's origin, waits for a socket it does not get...
    await expect(notify('neighbour', 500)).rejects.toBeInstanceOf(PostTimeoutError);
    // ...while the app on its own origin is answered at once.
    expect((await notify('own', 5_000)).status).toBe(200);

    developer.appModes.delete('slow');
    developer.releaseHeld();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual(Array(SOCKETS_PER_ORIGIN).fill(200));
    expect((await notify('neighbour', 5_000)).status).toBe(200);
  });

  it("brings the app's origin back on its port when restarted", async () => {
    const before = developer.deliveryUrlFor('own');
    await developer.close();
    await expect(notify('own', 5_000)).rejects.toThrow();
    await developer.start(Number(new URL(developer.url).port));
    expect(developer.deliveryUrlFor('own')).toBe(before);
    expect((await notify('own', 5_000)).status).toBe(200);
  });
});
