// Property-based fuzzing of the platform admin routes on the real stack (CONTRACT.md 0 and 6):
// POST /v1/admin/apps, GET and PATCH /v1/admin/apps/:appId, PUT .../items/:productId and
// PUT .../sessions/:openId. Wrong tokens are always 401 / 40100; with the right token, mutated
// bodies and odd path parameters are answered by the contract, never with a 5xx.
import fc from 'fast-check';
import { startVpay, type Vpay } from '../support/vpay';
import { admin, setupApp, type TestApp } from '../support/minigame';
import {
  applyChanges,
  assertProperty,
  changeText,
  checkContractAnswer,
  describeAnswer,
  describeRequest,
  entriesOf,
  expectRejected,
  expectStillServing,
  headerValue,
  invalidUtf8,
  objectChanges,
  objectText,
  rarely,
  rawBody,
  replaceCharArb,
  send,
  stopVpay,
  textChange,
  Violation,
  weirdString,
  withBytesAt,
  type Body,
  type Sent,
} from './fuzz-support';

let vpay: Vpay;
/** The app the final "still serving" payment uses; the fuzzing never names it. */
let app: TestApp;
/** The app the fuzzing patches and fills with items and sessions. */
let victim: TestApp;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
  victim = await setupApp(vpay);
});
afterAll(async () => {
  await stopVpay(vpay);
});

const stillServing = async () => {
  await expectStillServing(vpay, app);
  const r = await admin(vpay, 'GET', `/v1/admin/apps/${app.appId}`);
  if (r.status !== 200 || r.json.appId !== app.appId) throw new Error(`GET app failed: ${JSON.stringify(r)}`);
};

type Route = 'createApp' | 'getApp' | 'patchApp' | 'putItem' | 'putSession';

const validBodies: Record<Route, () => Record<string, unknown> | undefined> = {
  createApp: () => ({
    name: 'fuzz game',
    deliveryUrl: 'https://dev.example.com/deliver',
    deliveryTestUrl: 'https://dev.example.com/test',
    paymentEnabled: true,
  }),
  getApp: () => undefined,
  patchApp: () => ({ name: 'renamed', deliveryUrl: 'https://dev.example.com/d2', deliveryTestUrl: null, paymentEnabled: false }),
  putItem: () => ({ name: 'gems', price: 500, currencyType: 'USD', imageUrl: 'https://cdn.example.com/g.png', released: true }),
  putSession: () => ({ sessionKey: 'k'.repeat(32), expiresAt: new Date(Date.now() + 3_600_000).toISOString() }),
};

const methodOf: Record<Route, string> = { createApp: 'POST', getApp: 'GET', patchApp: 'PATCH', putItem: 'PUT', putSession: 'PUT' };

function pathOf(route: Route, appId: string, param: string): string {
  switch (route) {
    case 'createApp':
      return '/v1/admin/apps';
    case 'getApp':
    case 'patchApp':
      return `/v1/admin/apps/${appId}`;
    case 'putItem':
      return `/v1/admin/apps/${appId}/items/${param}`;
    case 'putSession':
      return `/v1/admin/apps/${appId}/sessions/${param}`;
  }
}

const route = fc.constantFrom<Route>('createApp', 'getApp', 'patchApp', 'putItem', 'putSession');

/** A path segment: a plain one, a weird string percent-encoded, or raw odd characters. */
const segment = (plain: () => string) =>
  fc.oneof(
    { arbitrary: fc.constant(null).map(plain), weight: 5 },
    // (Kept under Node's 16 KiB header limit: a longer request line is refused by Node itself.)
    {
      arbitrary: weirdString
        .map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\ufffd')))
        .filter((s) => s.length > 0 && s.length < 4000),
      weight: 4,
    },
    {
      arbitrary: fc.constantFrom(
        '%',
        '%ZZ',
        '%00',
        '%2F',
        '..',
        '.',
        '%2e%2e',
        'a%20b',
        '%C0%80',
        '%ED%A0%80',
        '%FF',
        '~',
        "!$&'()*+,;=:@",
      ),
      weight: 2,
    },
  );

const request = fc.record({
  route,
  appId: segment(() => victim.appId),
  param: segment(() => 'item_1'),
  changes: objectChanges(5),
  text: textChange,
  raw: rarely(rawBody, 5),
  bad: rarely(fc.tuple(fc.nat(), invalidUtf8), 10),
});

type AdminRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function build(r: AdminRequest, auth: string | undefined): Sent {
  const method = methodOf[r.route];
  const valid = validBodies[r.route]();
  let body: Body;
  if (method !== 'GET') {
    if (r.raw !== undefined) body = r.raw;
    else if (valid) body = changeText(objectText(applyChanges(entriesOf(valid), r.changes)), r.text);
    if (r.bad && typeof body === 'string') body = withBytesAt(body, r.bad[0], r.bad[1]);
  }
  const headers: Array<[string, string]> = [['content-type', 'application/json']];
  if (auth !== undefined) headers.push(['authorization', auth]);
  return { method, path: pathOf(r.route, r.appId, r.param), headers, body };
}

it('without the right bearer token every admin route answers 401 / 40100', async () => {
  const token = vpay.adminToken;
  const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
  const wrongAuth = fc.oneof(
    fc.constant(undefined),
    headerValue.filter((v) => !v.includes(token)),
    headerValue.filter((v) => !v.includes(token)).map((v) => `Bearer ${v}`),
    replaceCharArb(token, printable).map((c) => `Bearer ${c.result}`),
    fc.constantFrom(
      `Basic ${token}`,
      `Bearer`,
      `Bearer `,
      `Token ${token}`,
      `${token}`,
      `Bearer ${token}x`,
      `Bearer x${token}`,
      `Bearer ${token.toUpperCase()}`,
      `Bearer ${token} ${token}`,
    ),
  );
  await assertProperty(
    fc.asyncProperty(request, wrongAuth, async (r, auth) => {
      const req = build(r, auth);
      const a = await send(vpay, req);
      const allowed: Array<[number, number]> = [[401, 40100]];
      // A body over 64 KiB is refused while it is read, before the token is looked at.
      if (req.body !== undefined && Buffer.byteLength(req.body) > 64 * 1024) allowed.push([413, 41301]);
      expectRejected(req, a, allowed);
    }),
    150,
    stillServing,
  );
});

it('with the right token, mutated bodies and odd path parameters are answered by the contract', async () => {
  await assertProperty(
    fc.asyncProperty(request, async (r) => {
      const req = build(r, `Bearer ${vpay.adminToken}`);
      const a = checkContractAnswer(req, await send(vpay, req));
      if (a.status < 300) {
        const ok =
          r.route === 'createApp'
            ? a.status === 201 && typeof a.json.appId === 'string' && typeof a.json.appKey === 'string'
            : r.route === 'getApp' || r.route === 'patchApp'
              ? a.status === 200 && typeof a.json.appId === 'string' && a.json.appKey === undefined
              : a.status === 200 || a.status === 201;
        if (!ok) throw new Violation(`unexpected success answer\n${describeRequest(req)}\n${describeAnswer(a)}`);
      }
    }),
    200,
    stillServing,
  );
});
