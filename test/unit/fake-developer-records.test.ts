// What the fake developer keeps for the tests and the benchmark to read: each acknowledged attempt
// of an order with its X-Vpay-Attempt and arrival (the failover test tells a repeat across a kill
// by them), and how many 'slow' notifications ended (bench scenario 1d counts them per second).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostTimeoutError, destroySafePostAgents, safePostJson } from '../../lib/outbound/safe-post';
import { deliveryIdFor, signedNotice } from '../../lib/outbound/delivery-notice';
import { startFakeDeveloper, type FakeDeveloper } from '../../tools/fakes/fake-developer';
import { waitFor } from '../support/wait-for';

const KEY = 'key-of-app';
let developer: FakeDeveloper;

/** The order's notification as vpay sends it, as attempt `attempt`. */
function notify(orderId: string, attempt: number, timeoutMs = 5_000) {
  return safePostJson(developer.deliveryUrlFor('app'), signedNotice(KEY, { OrderId: orderId }), {
    headers: { 'x-vpay-delivery-id': deliveryIdFor(orderId), 'x-vpay-attempt': String(attempt) },
    timeoutMs,
    maxResponseBytes: 64 * 1024,
    allowPrivate: true,
  });
}

beforeAll(async () => {
  developer = await startFakeDeveloper({ record: false });
  developer.appKeys.set('app', KEY);
});
afterAll(async () => {
  destroySafePostAgents();
  await developer.close();
});

describe("the fake developer's records", () => {
  it('keeps each acknowledged attempt of an order, in arrival order, and not the failed ones', async () => {
    const before = performance.now();
    await notify('order-1', 1);
    developer.mode = 'http500';
    await notify('order-1', 2);
    developer.mode = 'ok';
    await notify('order-1', 3);
    const rec = developer.records.get('order-1')!;
    expect(rec).toMatchObject({ ok: 2, failed: 1 });
    expect(rec.acks.map((a) => a.attempt)).toEqual([1, 3]);
    expect(rec.acks[0].at).toBe(rec.firstOkAt);
    expect(rec.acks[0].at).toBeGreaterThanOrEqual(before);
    expect(rec.acks[1].at).toBeGreaterThan(rec.acks[0].at);
  });

  it('counts a slow notification as ended once its sender gives up', async () => {
    developer.mode = 'slow';
    try {
      const ended = developer.slowEnded;
      const sent = notify('order-2', 1, 1_000);
      // Arrived and still awaited: in flight, not ended.
      await waitFor('the slow notification arrived', () => developer.slowInFlight === 1, 5_000, 10);
      expect(developer.slowEnded).toBe(ended);
      await expect(sent).rejects.toBeInstanceOf(PostTimeoutError);
      await waitFor('the slow notification ended', () => developer.slowEnded === ended + 1, 5_000, 20);
      expect(developer.slowInFlight).toBe(0);
      expect(developer.records.get('order-2')).toMatchObject({ ok: 0, failed: 1, acks: [] });
    } finally {
      developer.mode = 'ok';
    }
  });
});
