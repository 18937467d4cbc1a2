// Each developer endpoint's share of a worker's delivery slots (lib/outbound/endpoint-share.ts).
import { describe, expect, it } from '@jest/globals';
import { defaultEndpointShare, EndpointShare, endpointOf } from '../../lib/outbound/endpoint-share';
import { SOCKETS_PER_ORIGIN } from '../../lib/outbound/safe-post';

describe('EndpointShare', () => {
  it('gives an endpoint at most `limit` places, and another endpoint its own', () => {
    const share = new EndpointShare(2);
    const a1 = share.tryTake('http://a');
    const a2 = share.tryTake('http://a');
    expect([a1, a2].every((g) => typeof g === 'function')).toBe(true);
    expect(share.tryTake('http://a')).toBeUndefined();
    expect(share.tryTake('http://b')).toBeDefined();
    expect(share.held('http://a')).toBe(2);
    expect(share.held('http://b')).toBe(1);
  });

  it('frees a place when it is given back, once however often it is given back', () => {
    const share = new EndpointShare(1);
    const giveBack = share.tryTake('http://a')!;
    expect(share.tryTake('http://a')).toBeUndefined();
    giveBack();
    giveBack();
    expect(share.held('http://a')).toBe(0);
    const again = share.tryTake('http://a');
    expect(again).toBeDefined();
    // The second give-back above freed nothing more: the place just taken is the only one.
    expect(share.tryTake('http://a')).toBeUndefined();
  });

  it('refuses a limit below 1', () => {
    expect(() => new EndpointShare(0)).toThrow(RangeError);
    expect(() => new EndpointShare(1.5)).toThrow(RangeError);
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

describe('defaultEndpointShare', () => {
  it('is half of the delivery slots, at least 1 and at most the sockets one origin gets', () => {
    expect(defaultEndpointShare(100)).toBe(50);
    expect(defaultEndpointShare(3)).toBe(2);
    expect(defaultEndpointShare(1)).toBe(1);
    expect(defaultEndpointShare(1000)).toBe(SOCKETS_PER_ORIGIN);
  });
});
