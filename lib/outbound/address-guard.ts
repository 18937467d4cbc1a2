// Decides whether an IP address is one vpay must never send a request to (SSRF guard).
//
// vpay POSTs to URLs chosen by outside parties (game developers' delivery URLs, alert
// webhooks, the superapp backend). Without this guard such a URL could point vpay at
// its own loopback, the cloud metadata service (169.254.169.254), or the private network.
//
// Policy: anything that is not plainly a public unicast address is forbidden. IPv6
// forms that embed an IPv4 address (mapped, compatible, SIIT, NAT64, 6to4) are judged
// by the embedded IPv4 address. Input that is not an IP address at all is forbidden
// (fail closed). Documentation networks (192.0.2/24, 198.51.100/24, 203.0.113/24,
// 2001:db8::/32) are deliberately left allowed: they are not routable anyway.

import { BlockList, isIP, isIPv4 } from 'node:net';

/** Thrown by {@link parseDeliveryUrl}; `reason` is a short machine-readable word. */
export class UrlRejectedError extends Error {
  readonly reason: string;
  constructor(reason: string, message?: string) {
    super(message ?? `URL rejected: ${reason}`);
    this.name = 'UrlRejectedError';
    this.reason = reason;
  }
}

const forbiddenV4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (incl. 192.0.0.170/171 NAT64 discovery)
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including 255.255.255.255 broadcast
] as const) {
  forbiddenV4.addSubnet(net, prefix, 'ipv4');
}

/** Strips URL-style brackets and an IPv6 zone id ("fe80::1%eth0"). */
function stripDecoration(ip: string): string {
  let s = ip.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone !== -1 && s.includes(':')) s = s.slice(0, zone);
  return s;
}

/** Parses a (net.isIPv6-valid) IPv6 address into its eight 16-bit groups. */
function ipv6Groups(ip: string): number[] | undefined {
  let s = ip.toLowerCase();
  const tail: number[] = [];
  // A trailing dotted IPv4 part ("::ffff:127.0.0.1") becomes two groups.
  const lastColon = s.lastIndexOf(':');
  const maybeV4 = s.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    if (!isIPv4(maybeV4)) return undefined;
    const o = maybeV4.split('.').map(Number);
    tail.push((o[0] << 8) | o[1], (o[2] << 8) | o[3]);
    s = s.slice(0, lastColon + 1);
    // "::ffff:" -> keep the "::"; "1:2:3:4:5:6:" -> drop the lone trailing colon
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const parseSide = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  let groups: number[];
  const dbl = s.indexOf('::');
  if (dbl !== -1) {
    const head = parseSide(s.slice(0, dbl));
    const rest = parseSide(s.slice(dbl + 2));
    if (!head || !rest) return undefined;
    const missing = 8 - head.length - rest.length - tail.length;
    if (missing < 0) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest, ...tail];
  } else {
    const all = parseSide(s);
    if (!all) return undefined;
    groups = [...all, ...tail];
  }
  return groups.length === 8 ? groups : undefined;
}

function v4FromGroups(hi: number, lo: number): string {
  return `${hi >>> 8}.${hi & 0xff}.${lo >>> 8}.${lo & 0xff}`;
}

function isForbiddenV4(ip: string): boolean {
  return forbiddenV4.check(ip, 'ipv4');
}

function isForbiddenV6(ip: string): boolean {
  const g = ipv6Groups(ip);
  if (!g) return true; // unparseable: fail closed

  const zero = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);

  // ::/96 — unspecified (::), loopback (::1) and deprecated IPv4-compatible (::a.b.c.d).
  // ::1 embeds 0.0.0.1 and :: embeds 0.0.0.0, both inside the forbidden 0.0.0.0/8.
  if (zero(0, 6)) return isForbiddenV4(v4FromGroups(g[6], g[7]));
  // ::ffff:0:0/96 — IPv4-mapped.
  if (zero(0, 5) && g[5] === 0xffff) return isForbiddenV4(v4FromGroups(g[6], g[7]));
  // ::ffff:0:a.b.c.d (::ffff:0:0:0/96) — SIIT IPv4-translated.
  if (zero(0, 4) && g[4] === 0xffff && g[5] === 0) return isForbiddenV4(v4FromGroups(g[6], g[7]));
  // 64:ff9b::/96 — well-known NAT64 prefix.
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return isForbiddenV4(v4FromGroups(g[6], g[7]));
  // 64:ff9b:1::/48 — local-use NAT64 (RFC 8215): embedding is operator-defined, refuse.
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return true;
  // 2002::/16 — 6to4; the IPv4 address sits in groups 1-2.
  if (g[0] === 0x2002) return isForbiddenV4(v4FromGroups(g[1], g[2]));
  // 2001:0::/32 — Teredo: tunnels to an obfuscated IPv4 of anyone's choosing, refuse.
  if (g[0] === 0x2001 && g[1] === 0) return true;
  // 2001:2::/48 — benchmarking.
  if (g[0] === 0x2001 && g[1] === 2 && g[2] === 0) return true;
  // 2001:10::/28 (deprecated ORCHID) and 2001:20::/28 (ORCHIDv2) — not routable.
  if (g[0] === 0x2001 && (g[1] & 0xfff0) === 0x10) return true;
  if (g[0] === 0x2001 && (g[1] & 0xfff0) === 0x20) return true;
  // Only 2000::/3 is global unicast. Everything else — 100::/64 discard,
  // fc00::/7 unique-local, fe80::/10 link-local, fec0::/10 site-local,
  // ff00::/8 multicast, and unassigned space — is refused.
  return (g[0] & 0xe000) !== 0x2000;
}

/**
 * True when `ip` must not be connected to. Accepts dotted IPv4, IPv6 (optionally in
 * brackets, optionally with a zone id), and the odd IPv4 spellings the WHATWG URL
 * parser accepts (`127.1`, `0x7f.0.0.1`, `2130706433`, `0177.0.0.1`). Anything that is
 * not an IP address — including host names such as `localhost` — returns true.
 */
export function isForbiddenAddress(ip: string): boolean {
  if (typeof ip !== 'string') return true;
  const s = stripDecoration(ip);
  switch (isIP(s)) {
    case 4:
      return isForbiddenV4(s);
    case 6:
      return isForbiddenV6(s);
    default: {
      // Shorthand IPv4 forms: normalise exactly as a URL host would be normalised.
      if (!/^[0-9a-zA-Z.]+$/.test(s)) return true;
      let host: string;
      try {
        host = new URL(`http://${s}/`).hostname;
      } catch {
        return true;
      }
      return isIPv4(host) ? isForbiddenV4(host) : true;
    }
  }
}

/**
 * Parses a URL vpay is asked to POST to. Throws {@link UrlRejectedError} unless the
 * URL parses, its protocol is http: or https:, it carries no username/password (unless
 * `allowCredentials`: an operator's own setting), and its host is non-empty. Does not
 * judge the host's address (the request does that at connect time, so DNS answers
 * cannot change between check and use).
 */
export function parseDeliveryUrl(raw: string, o: { allowCredentials?: boolean } = {}): URL {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new UrlRejectedError('invalid_url', 'URL rejected: empty');
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRejectedError('invalid_url', 'URL rejected: does not parse');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UrlRejectedError('unsupported_protocol', `URL rejected: protocol ${url.protocol} not allowed`);
  }
  if (!o.allowCredentials && (url.username !== '' || url.password !== '')) {
    throw new UrlRejectedError('credentials_in_url', 'URL rejected: must not contain a username or password');
  }
  if (url.hostname === '') {
    throw new UrlRejectedError('empty_host', 'URL rejected: empty host');
  }
  return url;
}

/** Host as `http.request` wants it: IPv6 without brackets. */
export function hostForConnect(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

/**
 * True when a URL's host (`new URL(…).hostname`, which has already normalised odd IPv4 spellings
 * such as `127.1` or `0x7f.0.0.1`) is private or loopback without asking DNS: an IP literal
 * {@link isForbiddenAddress} refuses, or `localhost` and names under it (RFC 6761: always
 * loopback). The check when a delivery URL is saved. Any other name passes here: what it
 * resolves to can change, so only the lookup made when the URL is used can judge it.
 */
export function isPrivateHostLiteral(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const bare = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
  return isIP(bare) !== 0 && isForbiddenAddress(bare);
}

/**
 * Why the console refuses to save a delivery URL (CONTRACT.md 7.4), or undefined: unless private
 * addresses are allowed (DELIVERY_ALLOW_PRIVATE, the local stack), an http URL must use port 80
 * and an https URL port 443, and the host must not be private or loopback by its spelling
 * (isPrivateHostLiteral; a name is judged when used). `raw` has already been parsed as an http(s)
 * URL without credentials (the schema's job).
 */
export function consoleDeliveryUrlProblem(raw: string, allowPrivate: boolean): string | undefined {
  if (allowPrivate) return undefined;
  const url = new URL(raw);
  // The URL parser drops a port equal to its scheme's default, so any port left is another one.
  if (url.port !== '') return `must use port ${url.protocol === 'https:' ? 443 : 80} with ${url.protocol}//, not ${url.port}`;
  if (isPrivateHostLiteral(url.hostname)) return 'must not be a private or loopback address';
  return undefined;
}

/**
 * `raw` without a username or password, for storing or logging a URL (an app saved before
 * credentials were refused, or an operator's setting). A string the URL parser refuses still
 * loses whatever sits between `scheme://` and an `@` before the path.
 */
export function withoutCredentials(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1');
  }
  if (url.username === '' && url.password === '') return raw;
  url.username = '';
  url.password = '';
  return url.toString();
}
