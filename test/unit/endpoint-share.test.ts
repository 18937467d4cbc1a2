// Each developer endpoint's share of a worker's delivery slots (lib/outbound/endpoint-share.ts).
import { describe, expect, it } from '@jest/globals';
import { EndpointShare, endpointOf, endpointShareLimit, RETRY_DELAY_BOUNDS_MS } from '../../lib/outbound/endpoint-share';
import { SOCKETS_PER_ORIGIN } from '../../lib/outbound/safe-post';

describe('EndpointShare places', () => {
  it('gives an endpoint at most `limit` places, and another endpoint its own', () => {
    const share = new EndpointShare(2);
    const a1 = share.tryTake('http://a', 'o1');
    const a2 = share.tryTake('http://a', 'o2');
    expect([a1, a2].every((g) => typeof g === 'function')).toBe(true);
    expect(share.tryTake('http://a', 'o3')).toBeUndefined();
    expect(share.tryTake('http://b', 'o4')).toBeDefined();
    expect(share.held('http://a')).toBe(2);
    expect(share.held('http://b')).toBe(1);
  });

  it('frees a place when it is given back, once however often it is given back', () => {
    const share = new EndpointShare(1);
    const giveBack = share.tryTake('http://a', 'o1')!;
    expect(share.tryTake('http://a', 'o2')).toBeUndefined();
    giveBack();
    giveBack();
    expect(share.held('http://a')).toBe(0);
    expect(share.tryTake('http://a', 'o2')).toBeDefined();
    // The second give-back above freed nothing more: the place just taken is the only one.
    expect(share.tryTake('http://a', 'o3')).toBeUndefined();
  });

  it('refuses a limit below 1', () => {
    expect(() => new EndpointShare(0)).toThrow(RangeError);
    expect(() => new EndpointShare(1.5)).toThrow(RangeError);
  });
});

describe('EndpointShare retry delays', () => {
  /** A share on a clock the test moves, its random draw set by the test. */
  function shareAt(limit: number) {
    let now = 1_000_000;
    let draw = 1;
    const share = new EndpointShare(
      limit,
      () => now,
      () => draw,
    );
    return { share, advance: (ms: number) => (now += ms), draw: (r: number) => (draw = r) };
  }

  it('is the soonest bound while places turn over quickly and few wait', () => {
    const { share, advance } = shareAt(2);
    share.tryTake('http://a', 'o1');
    const g = share.tryTake('http://a', 'o2')!;
    advance(50);
    g(); // a hold of 50 ms recorded; o1 keeps the endpoint's entry
    share.tryTake('http://a', 'o3');
    // Two waiting, each place held about 50 ms: their turn is long before the soonest bound.
    share.retryDelayMs('http://a', 'o4');
    expect(share.retryDelayMs('http://a', 'o5')).toBe(RETRY_DELAY_BOUNDS_MS.min);
  });

  it('moves an order refused again to the end of the waiting, so the ones not seen for long are still forgotten', () => {
    const { share, advance } = shareAt(1);
    share.tryTake('http://a', 'held');
    share.retryDelayMs('http://a', 'w1');
    share.retryDelayMs('http://a', 'w2');
    advance(100_000);
    share.retryDelayMs('http://a', 'w1'); // w1 seen again; w2 not
    advance(RETRY_DELAY_BOUNDS_MS.max + 30_000 - 100_000 + 1);
    share.retryDelayMs('http://a', 'w3');
    expect(share.waiting('http://a')).toBe(2); // w2 forgotten; w1 and w3 counted
  });

  it('keeps its counts when a place taken after the endpoint was forgotten is given back, and an old give-back called again', () => {
    const { share } = shareAt(1);
    const first = share.tryTake('http://a', 'o1')!;
    first(); // nothing holds or waits: the endpoint is forgotten
    const second = share.tryTake('http://a', 'o2')!;
    first();
    expect(share.held('http://a')).toBe(1);
    expect(share.tryTake('http://a', 'o3')).toBeUndefined();
    second();
    expect(share.held('http://a')).toBe(0);
  });

  it("reaches as far as the last waiting order's turn: the orders waiting times how long places are held, over the places", () => {
    const { share, advance } = shareAt(10);
    for (let i = 0; i < 10; i++) share.tryTake('http://slow', `held${i}`);
    advance(10_000); // every place held for 10 s so far
    for (let i = 0; i < 99; i++) share.retryDelayMs('http://slow', `w${i}`);
    // 100 waiting, 10 places, each held 10 s: about 100 s before the last gets one.
    expect(share.retryDelayMs('http://slow', 'w99')).toBe(100_000);
    // An order asking again is still one order waiting, not two.
    expect(share.retryDelayMs('http://slow', 'w0')).toBe(100_000);
    expect(share.waiting('http://slow')).toBe(100);
  });

  it('draws the delay evenly between the soonest bound and that latest one', () => {
    const { share, advance, draw } = shareAt(1);
    share.tryTake('http://slow', 'held');
    advance(20_000);
    const at = (r: number) => {
      draw(r);
      return share.retryDelayMs('http://slow', 'w'); // one order waiting: latest 20 s
    };
    expect([at(0), at(0.5), at(0.999)]).toEqual([1_000, 10_500, 19_981]);
  });

  it('stays within the latest bound however many wait, still spread below it', () => {
    const { share, advance, draw } = shareAt(1);
    share.tryTake('http://slow', 'held');
    advance(10_000);
    for (let i = 0; i < 1000; i++) share.retryDelayMs('http://slow', `w${i}`);
    expect(share.retryDelayMs('http://slow', 'w0')).toBe(RETRY_DELAY_BOUNDS_MS.max);
    draw(0.25);
    expect(share.retryDelayMs('http://slow', 'w1')).toBe(
      RETRY_DELAY_BOUNDS_MS.min + 0.25 * (RETRY_DELAY_BOUNDS_MS.max - RETRY_DELAY_BOUNDS_MS.min),
    );
  });

  it('stops counting an order once it gets a place, and forgets one not seen for long', () => {
    const { share, advance } = shareAt(1);
    const g = share.tryTake('http://a', 'held')!;
    share.retryDelayMs('http://a', 'w1');
    share.retryDelayMs('http://a', 'w2');
    g();
    share.tryTake('http://a', 'w1');
    expect(share.waiting('http://a')).toBe(1);
    advance(RETRY_DELAY_BOUNDS_MS.max + 30_001);
    share.retryDelayMs('http://a', 'w3');
    expect(share.waiting('http://a')).toBe(1); // w2 forgotten, w3 counted
  });

  it('forgets an endpoint once nothing holds or waits for it', () => {
    const { share, advance } = shareAt(1);
    const g = share.tryTake('http://a', 'held')!;
    share.retryDelayMs('http://a', 'w1'); // w1 then got its place on another worker: never seen again
    advance(RETRY_DELAY_BOUNDS_MS.max + 30_001);
    g();
    expect([share.held('http://a'), share.waiting('http://a')]).toEqual([0, 0]);
    expect((share as unknown as { endpoints: Map<string, unknown> }).endpoints.size).toBe(0);
  });
});

describe('endpointOf', () => {
  it("is the URL's origin: paths and credentials of one developer's URLs share it", () => {
    expect(endpointOf('https://dev.example:8443/deliver/a?x=1')).toBe('https://dev.example:8443');
    expect(endpointOf('https://user:pw@dev.example:8443/deliver/b')).toBe('https://dev.example:8443');
    expect(endpointOf('https://dev.example/deliver')).not.toBe(endpointOf('https://other.example/deliver'));
  });

  it('keeps a URL that does not parse as its own key', () => {
    expect(endpointOf('not a url')).toBe('not a url');
  });
});

describe('endpointShareLimit', () => {
  it('is WORKER_MAX_DELIVERIES_PER_ENDPOINT when set', () => {
    expect(endpointShareLimit({ workerMaxDeliveriesPerEndpoint: 7, workerMaxConcurrentDeliveries: 100 })).toBe(7);
  });

  it('is otherwise half of the delivery slots (rounded up), at least 1 and at most the sockets one origin gets', () => {
    const of = (slots: number) => endpointShareLimit({ workerMaxConcurrentDeliveries: slots });
    expect([of(100), of(3), of(1), of(1000)]).toEqual([50, 2, 1, SOCKETS_PER_ORIGIN]);
  });
});
