import { describe, it, expect } from '@jest/globals';
import {
  isForbiddenAddress,
  isPrivateHostLiteral,
  parseDeliveryUrl,
  UrlRejectedError,
  withoutCredentials,
} from '../../lib/outbound/address-guard';

/** The address a URL host would connect to, as the WHATWG parser normalises it. */
function hostOf(raw: string): string {
  return parseDeliveryUrl(raw).hostname;
}

describe('isForbiddenAddress', () => {
  it.each([
    // loopback / unspecified
    '127.0.0.1',
    '127.255.255.254',
    '::1',
    '0:0:0:0:0:0:0:1',
    '0.0.0.0',
    '0.1.2.3',
    '::',
    // private, CGNAT, link-local (metadata), benchmarking
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.169.254',
    '198.18.0.1',
    '198.19.255.255',
    '192.0.0.170',
    // multicast, reserved, broadcast
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    // IPv6 special ranges
    'fe80::1',
    'fe80::1%eth0',
    'febf:ffff::1',
    'fc00::1',
    'fd12:3456:789a::1',
    'ff02::1',
    'ff0e::1',
    'fec0::1',
    '100::1',
    '2001:2::1',
    '2001::1', // Teredo
    // IPv4-mapped / compatible / translated: judged by the embedded IPv4
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::FFFF:7F00:0001',
    '0:0:0:0:0:ffff:127.0.0.1',
    '::127.0.0.1',
    '::7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:0:127.0.0.1',
    // NAT64 and 6to4 embedding private v4
    '64:ff9b::127.0.0.1',
    '64:ff9b::7f00:1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::8.8.8.8',
    '2002:7f00:1::',
    '2002:a00:1::1',
    '2002:a9fe:a9fe::1',
    // bracketed (URL hostname form)
    '[::1]',
    '[::ffff:7f00:1]',
    '[fe80::1]',
    '[fc00::1]',
    // odd IPv4 spellings the URL parser accepts
    '127.1',
    '0x7f.0.0.1',
    '0x7f000001',
    '2130706433',
    '0177.0.0.1',
    '127.0.0.1.',
    '10.1',
    // not an IP at all: fail closed
    'localhost',
    'example.com',
    '',
    'not an ip',
    '1.2.3.4.5',
    '8.8.8.8@127.0.0.1',
    '::ffff:1.2.3',
    ':::1',
  ])('forbids %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '100.63.255.255', // just below CGNAT
    '100.128.0.0', // just above CGNAT
    '172.15.255.255', // just below 172.16/12
    '172.32.0.0', // just above 172.16/12
    '169.253.255.255',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255', // just below multicast
    '11.0.0.1',
    '192.0.2.1', // documentation nets may stay allowed
    '203.0.113.7',
    '2606:4700::1111',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '[2606:4700::1111]',
    '::ffff:8.8.8.8',
    '::ffff:808:808',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
    '2001:db8::1', // documentation
    '134744072', // 8.8.8.8 as a single number
  ])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it.each([
    ['http://127.1/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
    ['http://[::1]/', '[::1]'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://0.0.0.0/', '0.0.0.0'],
    ['http://10.0.0.1/', '10.0.0.1'],
    ['http://[fe80::1]/', '[fe80::1]'],
    ['http://[fc00::1]/', '[fc00::1]'],
    ['http://[::127.0.0.1]/', '[::7f00:1]'],
  ])('a URL host %s normalises to %s, which is forbidden', (raw, normalised) => {
    const host = hostOf(raw);
    expect(host).toBe(normalised);
    expect(isForbiddenAddress(host)).toBe(true);
  });

  it('allows public URL hosts', () => {
    expect(isForbiddenAddress(hostOf('https://8.8.8.8/hook'))).toBe(false);
    expect(isForbiddenAddress(hostOf('https://[2606:4700::1111]/hook'))).toBe(false);
  });
});

describe('parseDeliveryUrl', () => {
  it('accepts http and https URLs', () => {
    expect(parseDeliveryUrl('https://games.example.com/deliver?x=1').href).toBe('https://games.example.com/deliver?x=1');
    expect(parseDeliveryUrl('http://8.8.8.8:8080/').port).toBe('8080');
  });

  it.each([
    ['not a url', 'invalid_url'],
    ['', 'invalid_url'],
    ['/relative/path', 'invalid_url'],
    ['ftp://example.com/', 'unsupported_protocol'],
    ['file:///etc/passwd', 'unsupported_protocol'],
    ['gopher://127.0.0.1:6379/_INFO', 'unsupported_protocol'],
    ['javascript:alert(1)', 'unsupported_protocol'],
    ['data:application/json,{}', 'unsupported_protocol'],
    ['https://user:pass@example.com/', 'credentials_in_url'],
    ['https://user@example.com/', 'credentials_in_url'],
    ['https://:pass@example.com/', 'credentials_in_url'],
    ['http://', 'invalid_url'],
  ])('rejects %j (%s)', (raw, reason) => {
    let caught: unknown;
    try {
      parseDeliveryUrl(raw);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UrlRejectedError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as UrlRejectedError).reason).toBe(reason);
  });
});

describe('isPrivateHostLiteral (the check when a URL is saved)', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://0.0.0.0/',
    'http://10.0.0.1/',
    'http://169.254.169.254/',
    'http://[::1]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[fe80::1]/',
    'http://[fd00::2]/',
    'http://localhost/',
    'http://LocalHost./',
    'http://a.b.localhost/',
    'http://localhost:8080/',
  ])('private: %s', (url) => {
    expect(isPrivateHostLiteral(new URL(url).hostname)).toBe(true);
  });
  it.each([
    'http://8.8.8.8/',
    'http://[2001:4860:4860::8888]/',
    'https://dev.example/',
    'http://localhost.example/',
    'http://mylocalhost/',
    'http://10.0.0.1.nip.io/',
  ])('not private when saved: %s (a name is checked when used)', (url) => {
    expect(isPrivateHostLiteral(new URL(url).hostname)).toBe(false);
  });
});

describe('withoutCredentials', () => {
  it.each([
    ['https://user:pass@dev.example/d?x=1', 'https://dev.example/d?x=1'],
    ['http://user@127.0.0.1:8080/d', 'http://127.0.0.1:8080/d'],
    ['http://:p%40ss@dev.example', 'http://dev.example/'],
    ['https://dev.example/a@b?c=d@e', 'https://dev.example/a@b?c=d@e'],
    ['https://dev.example/plain', 'https://dev.example/plain'],
  ])('%s -> %s', (raw, out) => {
    expect(withoutCredentials(raw)).toBe(out);
  });
  it('strips what looks like userinfo even from a URL that does not parse', () => {
    expect(withoutCredentials('http://us er:pa ss@[bad/x')).toBe('http://[bad/x');
    expect(withoutCredentials('not a url')).toBe('not a url');
  });
});
