// Property-based fuzzing of every console route (CONTRACT.md 7) on the real stack: random bodies,
// query strings, path parameters, headers and tokens. Whatever the caller gets wrong, the answer
// is never a 5xx, every error is {errCode, errMsg} with a code of the console's table (7.8, plus
// section 0's common codes) at its HTTP status, and no secret the server holds (the admin token,
// a console user's token, an app key, a session key) appears in any answer unless the request
// itself carried it in its path, query or body. The Authorization header is never echoed.
import fc from 'fast-check';
import { encodeCursor } from '../../lib/db/paging';
import { startVpay, type Vpay } from '../support/vpay';
import { setupApp, type TestApp } from '../support/minigame';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../support/console';
import { ok, sellingTeamApp } from '../support/console-apps';
import {
  applyChanges,
  assertProperty,
  changeText,
  checkContractAnswer,
  contentType,
  describeAnswer,
  describeRequest,
  entriesOf,
  expectRejected,
  expectStillServing,
  headerValue,
  invalidUtf8,
  objectChanges,
  protoKey,
  randomHeaders,
  rarely,
  rawBody,
  replaceByteArb,
  replaceCharArb,
  send,
  stopVpay,
  textChange,
  Violation,
  weirdString,
  withBytesAt,
  objectText,
  type Answer,
  type Body,
  type HeaderList,
  type Sent,
} from './fuzz-support';

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let vpay: Vpay;
/** The app of the final "still serving" payment; the fuzzing never names it. */
let app: TestApp;
let world: ConsoleWorld;
/** Ids the valid requests name (besides the world's): a selling app, its items, a pending request, users to revoke, real cursors. */
let ids: {
  sellingAppId: string;
  productIds: string[];
  requestId: string;
  victimUserIds: string[];
  cursors: string[];
};
/** The import's files to mutate: a filled-in CSV, and the XLSX template as the route gives it. */
let files: { csv: string; xlsx: Buffer };
/** Every secret the stack holds; grows as successful answers hand out new ones. */
const secrets = new Set<string>();
let revokedToken: string;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
  world = await consoleWorld(vpay);
  const su = vpay.adminToken;
  const selling = await sellingTeamApp(vpay, world.teamId, { released: ['gem_live'], drafts: ['gem_draft'] });
  // The world's app gets a delivery URL (and so its key) and a pending payment request.
  const configured = ok(
    await consoleCall(vpay, world.tokens.mp_admin, 'PUT', `/apps/${world.appId}/delivery-config`, {
      url: vpay.developer.deliveryUrlFor(world.appId),
      testUrl: `${vpay.developer.deliveryUrlFor(world.appId)}?sandbox=1`,
    }),
  );
  vpay.developer.appKeys.set(world.appId, configured.appKey);
  const request = ok(
    await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${world.appId}/payment-requests`, { message: 'please' }),
  );
  ok(await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${selling.appId}/review-exemption`, { message: 'please' }));
  // Users the fuzzing may revoke (never those whose tokens it uses), and one revoked already.
  const victims = [];
  for (const n of [1, 2, 3]) {
    victims.push(ok(await consoleCall(vpay, su, 'POST', '/users', { name: `victim ${n}`, role: 'mp_developer', teamId: world.teamId })));
  }
  const revoked = ok(await consoleCall(vpay, su, 'POST', '/users', { name: 'revoked', role: 'mp_operator', teamId: world.teamId }));
  ok(await consoleCall(vpay, su, 'DELETE', `/users/${revoked.userId}`));
  revokedToken = revoked.token;
  // Real cursors of every list, which the fuzzing then mutates.
  const cursors: string[] = [];
  for (const path of [
    '/apps?limit=1',
    '/payment-requests?limit=1',
    '/audit-log?limit=1',
    `/apps/${selling.appId}/items?limit=1`,
    '/users?limit=1',
    '/teams?limit=1',
  ]) {
    const page = ok(await consoleCall(vpay, su, 'GET', path));
    if (page.nextCursor) cursors.push(page.nextCursor);
  }
  ids = {
    sellingAppId: selling.appId,
    productIds: ['gem_live', 'gem_draft'],
    requestId: request.requestId,
    victimUserIds: victims.map((v) => v.userId),
    cursors,
  };
  const template = await fetch(`${vpay.url}/v1/console/item-template?format=xlsx`, {
    headers: { authorization: `Bearer ${world.tokens.mp_admin}` },
  });
  files = {
    csv: 'productId,name,price,currencyType,imageUrl\r\nfuzz_a,Fuzz A,100,USD,\r\nfuzz_b,"Fuzz, B",250,EUR,https://cdn.example.com/b.png\r\n',
    xlsx: Buffer.from(await template.arrayBuffer()),
  };
  for (const s of [
    su,
    vpay.metricsToken,
    vpay.config.superappSecret,
    ...Object.values(world.tokens),
    world.otherAdminToken,
    revokedToken,
    ...victims.map((v) => v.token as string),
    app.appKey,
    app.sessionKey,
    selling.appKey,
    selling.sessionKey,
    configured.appKey,
  ]) {
    secrets.add(s);
  }
});
afterAll(async () => {
  await stopVpay(vpay);
});

const stillServing = async () => {
  await expectStillServing(vpay, app);
  const me = await consoleCall(vpay, world.tokens.mp_admin, 'GET', '/me');
  if (me.status !== 200 || me.json.role !== 'mp_admin') throw new Error(`GET /v1/console/me failed: ${JSON.stringify(me)}`);
};

// ---------------------------------------------------------------------------------------------
// The routes

type Slot = 'appId' | 'productId' | 'requestId' | 'userId' | 'teamId';
type Params = Record<Slot, string>;

interface Route {
  method: string;
  /** Below /v1/console. */
  path: (p: Params) => string;
  /** The query of a valid call, as ordered pairs (a list's `cursor` is added by the fuzzing). */
  query?: () => Array<[string, string]>;
  /** The body of a valid call (undefined: none). */
  body?: (p: Params) => Record<string, unknown>;
  /** The item import: its body is a file. */
  file?: true;
  /** A list, which takes limit and cursor. */
  list?: true;
}

const reasonBody = () => ({ reason: 'fine by us' });

const ROUTES: Route[] = [
  { method: 'GET', path: () => '/me' },
  { method: 'POST', path: () => '/teams', body: () => ({ name: 'fuzz team' }) },
  { method: 'POST', path: () => '/users', body: (p) => ({ name: 'fuzz user', role: 'mp_operator', teamId: p.teamId }) },
  { method: 'DELETE', path: (p) => `/users/${p.userId}` },
  {
    method: 'GET',
    path: () => '/users',
    query: () => [
      ['teamId', world.teamId],
      ['limit', '5'],
    ],
    list: true,
  },
  { method: 'GET', path: () => '/teams', query: () => [['limit', '5']], list: true },
  { method: 'POST', path: (p) => `/teams/${p.teamId}/apps`, body: () => ({ name: 'fuzz game' }) },
  { method: 'GET', path: () => '/apps', query: () => [['limit', '5']], list: true },
  { method: 'GET', path: (p) => `/apps/${p.appId}` },
  { method: 'POST', path: (p) => `/apps/${p.appId}/payment-requests`, body: () => ({ message: 'enable payment, please' }) },
  {
    method: 'GET',
    path: () => '/payment-requests',
    query: () => [
      ['status', 'PENDING'],
      ['limit', '10'],
    ],
    list: true,
  },
  { method: 'POST', path: (p) => `/payment-requests/${p.requestId}/approve`, body: reasonBody },
  { method: 'POST', path: (p) => `/payment-requests/${p.requestId}/reject`, body: reasonBody },
  { method: 'GET', path: (p) => `/apps/${p.appId}/review-exemption` },
  { method: 'POST', path: (p) => `/apps/${p.appId}/review-exemption`, body: () => ({ message: 'our items follow the rules' }) },
  { method: 'POST', path: (p) => `/apps/${p.appId}/review-exemption/approve`, body: reasonBody },
  { method: 'POST', path: (p) => `/apps/${p.appId}/review-exemption/reject`, body: reasonBody },
  { method: 'POST', path: (p) => `/apps/${p.appId}/review-exemption/revoke`, body: () => ({ reason: 'rules', removeItems: false }) },
  {
    method: 'GET',
    path: () => '/audit-log',
    query: () => [
      ['appId', world.appId],
      ['limit', '5'],
    ],
    list: true,
  },
  { method: 'GET', path: (p) => `/apps/${p.appId}/delivery-config` },
  {
    method: 'PUT',
    path: (p) => `/apps/${p.appId}/delivery-config`,
    // The fake developer: a test push after a valid save reaches it at once (a fuzzed URL that still
    // parses would send the test push out to some host, which the fuzzing must not wait on).
    body: (p) => ({ url: vpay.developer.deliveryUrlFor(p.appId), testUrl: `${vpay.developer.url}?sandbox=1`, notifyEnabled: true }),
  },
  { method: 'POST', path: (p) => `/apps/${p.appId}/keys` },
  { method: 'POST', path: (p) => `/apps/${p.appId}/delivery-config/test`, body: () => ({ env: 0 }) },
  {
    method: 'GET',
    path: (p) => `/apps/${p.appId}/items`,
    query: () => [
      ['status', 'DRAFT'],
      ['q', 'gem'],
      ['limit', '5'],
    ],
    list: true,
  },
  {
    method: 'POST',
    path: (p) => `/apps/${p.appId}/items`,
    body: (p) => ({ productId: `${p.productId}_new`, name: 'Fuzz gem', price: 100, currencyType: 'USD', imageUrl: null }),
  },
  { method: 'POST', path: (p) => `/apps/${p.appId}/items/import`, file: true },
  { method: 'POST', path: (p) => `/apps/${p.appId}/items/release`, body: (p) => ({ productIds: [p.productId] }) },
  {
    method: 'PATCH',
    path: (p) => `/apps/${p.appId}/items/${p.productId}`,
    body: () => ({ name: 'Renamed', price: 300, currencyType: 'EUR', imageUrl: 'https://cdn.example.com/g.png' }),
  },
  { method: 'DELETE', path: (p) => `/apps/${p.appId}/items/${p.productId}` },
  { method: 'POST', path: (p) => `/apps/${p.appId}/items/${p.productId}/review`, body: () => ({ decision: 'approve', reason: 'ok' }) },
  { method: 'GET', path: () => '/item-template', query: () => [['format', 'csv']] },
  { method: 'GET', path: () => '/reviews', query: () => [['limit', '5']], list: true },
];

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Text as it can go into a URL: lone surrogates cannot be percent-encoded, so they become U+FFFD. */
const urlEncoded = (s: string) => encodeURIComponent(s.toWellFormed());

/** A path segment: mostly one of `known()` (valid ids, which reach the application), else odd. */
const segment = (known: () => string[]) =>
  fc.oneof(
    { arbitrary: fc.nat().map((i) => known()[i % known().length]), weight: 12 },
    // (Kept well under Node's 16 KiB header limit: a longer request line is refused by Node itself.)
    { arbitrary: weirdString.map(urlEncoded).filter((s) => s.length > 0 && s.length < 2000), weight: 3 },
    {
      arbitrary: fc.constantFrom('%', '%ZZ', '%00', '%2F', '..', '%2e%2e', 'a%20b', '%C0%80', '%ED%A0%80', '%FF', '~', "!$&'()*+,;=:@"),
      weight: 1,
    },
  );

const params = fc.record({
  appId: segment(() => [world.appId, ids.sellingAppId, world.appId, ids.sellingAppId, world.otherAppId, app.appId]),
  productId: segment(() => [...ids.productIds, 'fuzz_a', 'no_such_item']),
  requestId: segment(() => [ids.requestId, 'req_unknown']),
  userId: segment(() => [...ids.victimUserIds, 'usr_unknown', 'super_admin']),
  teamId: segment(() => [world.teamId, world.teamId, world.otherTeamId, 'team_unknown']),
});

/**
 * Cursors: real ones (mutated or not), arrays of sort-key-like values encoded as this API encodes
 * its cursors, and any text. The values are what a forged cursor would carry: huge numeric ids,
 * dates PostgreSQL reads differently from JavaScript, ids with odd characters.
 */
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Timestamps as PostgreSQL prints them (what the item lists' cursors carry), fields and zones sometimes out of range. */
const timestampText = fc
  .record({
    year: fc.oneof(fc.integer({ min: 1970, max: 2100 }), fc.integer({ min: 0, max: 300_000 })),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }),
    separator: fc.constantFrom(' ', 'T'),
    zone: fc.constantFrom(
      '+00',
      '-00',
      '+05:30',
      '-15:59',
      '+15:59:59',
      '+16',
      '+99:00',
      'Z',
      '',
      ' UTC',
      ' Mars/Olympus',
      ' PST8PDT',
      ' UTC+100',
      '+00 BC',
    ),
  })
  .map(
    (t) =>
      `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}${t.separator}${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}` +
      `${t.fraction === undefined ? '' : `.${t.fraction}`}${t.zone}`,
  );

/**
 * The values of a forged cursor: what the lists' sort keys are (numeric ids, PostgreSQL and
 * JavaScript times, ids), at and beyond their edges, and anything else.
 */
const cursorValue = fc.oneof(
  { arbitrary: timestampText, weight: 3 },
  {
    arbitrary: fc.oneof(
      fc.stringMatching(/^[0-9]{1,22}$/),
      fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
      fc.constantFrom('9223372036854775807', '9223372036854775808', '18446744073709551616', '-1', '0'),
    ),
    weight: 2,
  },
  { arbitrary: fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())), weight: 1 },
  { arbitrary: fc.constantFrom('infinity', '-infinity', 'epoch', 'now', 'allballs', 'Invalid Date', ''), weight: 1 },
  { arbitrary: weirdString, weight: 1 },
  { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.jsonValue({ maxDepth: 1 })), weight: 1 },
);

/** A cursor this API could have given, its values forged: the key's length right (mostly) for some list. */
const forgedCursor = fc
  .array(cursorValue, { minLength: 0, maxLength: 4 })
  .map(encodeCursor)
  // Around the 512 characters a cursor may have (PagingQuery), not far past it: what matters is inside.
  .filter((c) => c.length <= 600);

const cursor: fc.Arbitrary<string> = fc
  .oneof(
    fc.nat().map((i) => ids.cursors[i % ids.cursors.length]),
    fc
      .tuple(
        fc.nat().map((i) => ids.cursors[i % ids.cursors.length]),
        fc.nat(),
        fc.constantFrom('A', '_', '-', 'z', '0', '=', '.'),
      )
      .map(([c, at, ch]) => `${c.slice(0, at % c.length)}${ch}${c.slice((at % c.length) + 1)}`),
    forgedCursor,
    fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
    weirdString,
  )
  .filter((c) => urlEncoded(c).length < 2000);

/** A query value: mostly of the right kind, else anything. */
const queryValue = fc.oneof(
  weirdString.filter((s) => urlEncoded(s).length < 1000),
  fc.constantFrom('0', '-1', '1', '200', '201', '1e2', '1.5', '0x10', ' 5', 'NaN', 'Infinity', '9007199254740993', ''),
  fc.constantFrom('PENDING', 'APPROVED', 'DRAFT', 'RELEASED', 'REMOVED', 'csv', 'xlsx', 'pending', 'CSV'),
);

type QueryChange =
  | { kind: 'drop'; at: number }
  | { kind: 'set'; at: number; value: string }
  | { kind: 'duplicate'; at: number; value: string }
  | { kind: 'add'; key: string; value: string }
  | { kind: 'raw'; text: string };

const queryChange: fc.Arbitrary<QueryChange> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  { arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: queryValue }), weight: 3 },
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), value: queryValue }),
  fc.record({
    kind: fc.constant('add' as const),
    key: fc.oneof(
      protoKey,
      weirdString.filter((s) => urlEncoded(s).length < 200),
      fc.constantFrom('limit', 'cursor', 'appId', 'status', 'q', 'format', 'a[b]', 'limit[]'),
    ),
    value: queryValue,
  }),
  fc.record({
    kind: fc.constant('raw' as const),
    text: fc.oneof(fc.webQueryParameters(), fc.constantFrom('a=%ZZ', '%', '&&&', '=', 'limit=%00', 'cursor=%FF', '='.repeat(500))),
  }),
);

/** The query string of a valid call with a cursor (sometimes, for a list) and the changes applied. */
function queryOf(route: Route, withCursor: string | undefined, changes: QueryChange[]): string {
  const pairs: Array<[string, string]> = [...(route.query?.() ?? [])];
  if (route.list && withCursor !== undefined) pairs.push(['cursor', withCursor]);
  const raw: string[] = [];
  for (const c of changes) {
    if (c.kind === 'add') pairs.push([c.key, c.value]);
    else if (c.kind === 'raw') raw.push(c.text);
    else if (pairs.length > 0) {
      const i = c.at % pairs.length;
      if (c.kind === 'drop') pairs.splice(i, 1);
      else if (c.kind === 'set') pairs[i] = [pairs[i][0], c.value];
      else pairs.push([pairs[i][0], c.value]);
    }
  }
  const text = [...pairs.map(([k, v]) => `${urlEncoded(k)}=${urlEncoded(v)}`), ...raw].filter((s) => s !== '').join('&');
  return text === '' ? '' : `?${text}`;
}

/** The import's file: the filled-in template of either format, mutated, or anything at all. */
const importFile: fc.Arbitrary<{ type: string; body: Body }> = fc.oneof(
  { arbitrary: fc.constant(null).map(() => ({ type: CSV, body: files.csv })), weight: 1 },
  {
    // The CSV with a cell replaced by a weird string.
    arbitrary: fc.tuple(fc.nat(), weirdString, fc.boolean()).map(([at, s, quoted]) => {
      const cells = files.csv.split(/(,|\r\n)/);
      const i = (at % Math.ceil(cells.length / 2)) * 2;
      cells[i] = quoted ? `"${s.replace(/"/g, '""')}"` : s;
      return { type: CSV, body: cells.join('') };
    }),
    weight: 3,
  },
  {
    arbitrary: fc.tuple(fc.nat(), invalidUtf8).map(([at, bytes]) => ({ type: CSV, body: withBytesAt(files.csv, at, bytes) })),
    weight: 1,
  },
  { arbitrary: fc.constant(null).map(() => ({ type: XLSX, body: files.xlsx })), weight: 1 },
  {
    // The real template with one byte changed: a damaged archive, or a sheet that lies about itself.
    arbitrary: fc.constant(null).chain(() => replaceByteArb(files.xlsx).map((r) => ({ type: XLSX, body: r.result }))),
    weight: 3,
  },
  {
    arbitrary: fc
      .tuple(fc.nat(), fc.nat())
      .map(([a, b]) => ({ type: XLSX, body: files.xlsx.subarray(Math.min(a, b) % files.xlsx.length, Math.max(a, b) % files.xlsx.length) })),
    weight: 1,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(CSV, XLSX, `${CSV}; charset=utf-8`, `${CSV}; charset=latin1`), rawBody)
      .map(([type, body]) => ({ type, body })),
    weight: 2,
  },
  { arbitrary: fc.tuple(contentType, rawBody).map(([type, body]) => ({ type, body })), weight: 1 },
);

/** The caller: a console user of some role (mostly), the other team's admin, or any header at all. */
const caller = fc.oneof(
  {
    arbitrary: fc.constantFrom('super_admin', 'platform_admin', 'mp_admin', 'mp_senior_developer', 'mp_developer', 'mp_operator', 'other'),
    weight: 9,
  },
  { arbitrary: fc.constant('random' as const), weight: 1 },
);

const request = fc.record({
  route: fc.nat({ max: ROUTES.length - 1 }),
  params,
  caller,
  randomHeaders,
  cursor: rarely(cursor, 4),
  queryChanges: fc.oneof(
    { arbitrary: fc.constant([] as QueryChange[]), weight: 4 },
    { arbitrary: fc.array(queryChange, { minLength: 1, maxLength: 3 }), weight: 1 },
  ),
  changes: objectChanges(4),
  text: textChange,
  raw: rarely(rawBody, 6),
  bad: rarely(fc.tuple(fc.nat(), invalidUtf8), 12),
  file: importFile,
  contentType: rarely(contentType, 10),
});

type ConsoleRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function build(r: ConsoleRequest, auth: string | undefined, extraHeaders: HeaderList = []): Sent {
  const route = ROUTES[r.route];
  const path = `/v1/console${route.path(r.params)}${queryOf(route, r.cursor, r.queryChanges)}`;
  const headers: HeaderList = [];
  let body: Body;
  if (route.file) {
    headers.push(['content-type', r.file.type]);
    body = r.file.body;
  } else {
    headers.push(['content-type', r.contentType ?? 'application/json']);
    const valid = route.body?.(r.params);
    if (r.raw !== undefined) body = r.raw;
    else if (valid) body = changeText(objectText(applyChanges(entriesOf(valid), r.changes)), r.text);
    if (r.bad && typeof body === 'string') body = withBytesAt(body, r.bad[0], r.bad[1]);
  }
  if (auth !== undefined) headers.push(['authorization', auth]);
  // Node itself refuses a request whose head is over 16 KiB (431, before vpay sees it): extra
  // headers are kept while the head stays well under that.
  let room = 12 * 1024 - path.length - headers.reduce((n, [h, v]) => n + h.length + v.length + 4, 0);
  const extra = extraHeaders.filter(([h, v]) => (room -= h.length + v.length + 4) > 0);
  return { method: route.method, path, headers: [...headers, ...extra], body };
}

// ---------------------------------------------------------------------------------------------
// What every answer must be

/** The console's codes (7.8's table and section 0's common codes a client mistake can get), by HTTP status. */
const CONSOLE_CODES: Record<number, number[]> = {
  400: [40001, 40003],
  401: [40100],
  403: [40302],
  404: [40403, 40405, 40404],
  409: [40906, 40907],
  413: [41301],
  415: [41501],
};

const TEMPLATE_TYPES = [CSV, XLSX];

/** No secret in the answer, unless the request carried it itself (in its path, query or body). */
function checkNoSecret(req: Sent, a: Answer, extra: string[] = []): void {
  const sent = `${req.path}\n${req.body === undefined ? '' : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : req.body}`;
  const decoded = (() => {
    try {
      return decodeURIComponent(sent);
    } catch {
      return sent;
    }
  })();
  for (const s of [...secrets, ...extra]) {
    if (s.length >= 8 && a.text.includes(s) && !sent.includes(s) && !decoded.includes(s)) {
      throw new Violation(
        `the answer shows a secret (${s.slice(0, 4)}…) the request did not carry\n--- request\n${describeRequest(req)}\n--- answer\n${describeAnswer(a)}`,
      );
    }
  }
}

/** The contract's answer, a console code at its status, no secret; new secrets handed out are remembered. */
function checkConsoleAnswer(req: Sent, a: Answer, auth: string | undefined): void {
  const token = /^Bearer (.+)$/i.exec(auth ?? '')?.[1]?.trim();
  if (a.status === 200 && /\/item-template(\?|$)/.test(req.path) && TEMPLATE_TYPES.some((t) => a.contentType.startsWith(t))) {
    // The template is a file, the one console answer that is not JSON.
    return;
  }
  checkContractAnswer(req, a);
  if (a.status >= 400 && !CONSOLE_CODES[a.status]?.includes(a.json.errCode)) {
    throw new Violation(
      `${a.status}/${a.json.errCode} is not in the console's table\n--- request\n${describeRequest(req)}\n--- answer\n${describeAnswer(a)}`,
    );
  }
  // The caller's own token is a secret too: an answer must never show it (a 2xx names no token but a new user's).
  checkNoSecret(req, a, token && token.length >= 8 ? [token] : []);
  if (a.status < 300) {
    for (const field of ['token', 'appKey'] as const) if (typeof a.json[field] === 'string') secrets.add(a.json[field]);
  }
}

const tokenOf = (c: ConsoleRequest['caller']): string | undefined =>
  c === 'random' ? undefined : c === 'other' ? world.otherAdminToken : world.tokens[c as keyof ConsoleWorld['tokens']];

// ---------------------------------------------------------------------------------------------
// The properties

it('without a valid bearer token every console route, and any path under it, answers 401 / 40100', async () => {
  const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
  const known = () => [vpay.adminToken, world.tokens.mp_admin, world.tokens.platform_admin];
  const wrongAuth = fc.oneof(
    fc.constant(undefined),
    headerValue.filter((v) => !known().some((t) => v.includes(t))),
    headerValue.filter((v) => !known().some((t) => v.includes(t))).map((v) => `Bearer ${v}`),
    fc.constant(null).map(() => `Bearer ${revokedToken}`),
    fc.nat({ max: 2 }).chain((i) => replaceCharArb(known()[i], printable).map((c) => `Bearer ${c.result}`)),
    fc
      .nat({ max: 2 })
      .chain((i) =>
        fc
          .constantFrom('Basic %s', 'Bearer', 'Bearer ', 'Token %s', '%s', 'Bearer %sx', 'Bearer x%s', 'Bearer %s %s', 'Bearer%s')
          .map((f) => f.replaceAll('%s', known()[i])),
      ),
  );
  const anyPath = fc
    .array(fc.oneof(fc.constantFrom('apps', 'items', 'teams', 'users', 'me', 'audit-log', 'x'), weirdString.map(urlEncoded)), {
      maxLength: 4,
    })
    .map((segments) => `/v1/console/${segments.join('/')}`)
    // Under Node's 16 KiB header limit: a longer request line is refused by Node itself (431).
    .filter((p) => p.length < 4000);
  await assertProperty(
    fc.asyncProperty(request, wrongAuth, fc.option(anyPath, { freq: 5 }), async (r, auth, path) => {
      const built = build(r, auth);
      const req = path === null ? built : { ...built, path };
      const a = await send(vpay, req);
      const allowed: Array<[number, number]> = [[401, 40100]];
      // A body over 64 KiB is refused while it is read, before the token is looked at (the import
      // reads its file itself, after the checks); so is a JSON body in a charset the parser lacks.
      const size = req.body === undefined ? 0 : Buffer.byteLength(req.body);
      if (size > 64 * 1024) allowed.push([413, 41301]);
      expectRejected(req, a, allowed);
      checkNoSecret(req, a, auth ? [auth.replace(/^\S+\s+/, '')] : []);
    }),
    150,
    stillServing,
  );
});

it('with the tokens of every role, fuzzed requests to every console route are answered by the console table, showing no secret', async () => {
  await assertProperty(
    fc.asyncProperty(request, async (r) => {
      const auth = r.caller === 'random' ? undefined : `Bearer ${tokenOf(r.caller)}`;
      // A random caller sends random headers, an Authorization among them perhaps; the others
      // send a few of them along with their token.
      const extra =
        r.caller === 'random' ? r.randomHeaders : r.randomHeaders.filter(([h]) => h !== 'authorization' && h !== 'content-type');
      const req = build(r, auth, extra);
      const a = await send(vpay, req);
      const sentAuth = req.headers.find(([h]) => h === 'authorization')?.[1];
      checkConsoleAnswer(req, a, sentAuth);
    }),
    1500,
    stillServing,
  );
});

it('every list answers a forged or damaged cursor with 400 / 40001 or a page, never a 5xx', async () => {
  // A cursor is the one piece of the server's state a client carries back: its values reach the
  // list's query, so each list must refuse a key it did not write before PostgreSQL reads it.
  const lists = () => [
    '/apps',
    '/payment-requests',
    '/audit-log',
    `/apps/${ids.sellingAppId}/items`,
    `/reviews?appId=${ids.sellingAppId}`,
    '/users',
    '/teams',
  ];
  await assertProperty(
    fc.asyncProperty(
      fc.nat({ max: 6 }),
      fc.oneof({ arbitrary: forgedCursor, weight: 4 }, { arbitrary: cursor, weight: 1 }),
      fc.constantFrom('super_admin', 'platform_admin', 'mp_admin') as fc.Arbitrary<keyof ConsoleWorld['tokens']>,
      async (i, c, role) => {
        const list = lists()[i];
        const auth = `Bearer ${world.tokens[role]}`;
        const req: Sent = {
          method: 'GET',
          path: `/v1/console${list}${list.includes('?') ? '&' : '?'}limit=1&cursor=${urlEncoded(c)}`,
          headers: [['authorization', auth]],
          body: undefined,
        };
        const a = await send(vpay, req);
        checkConsoleAnswer(req, a, auth);
        if (a.status !== 200) expectRejected(req, a, [[400, 40001]]);
        else if (!(a.json.nextCursor === null || typeof a.json.nextCursor === 'string')) {
          throw new Violation(`a page without nextCursor\n${describeRequest(req)}\n${describeAnswer(a)}`);
        }
      },
    ),
    300,
    stillServing,
  );
});
