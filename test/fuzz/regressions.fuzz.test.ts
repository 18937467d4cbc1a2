// The smallest reproductions of what the fuzz properties found, kept as fixed cases so each one
// is reported by name whatever the random seed. Each asserts the contract's behaviour (no 5xx,
// no hang, the contract's error body, idempotent duplicates), not today's behaviour.
//
// All requests are sent concurrently in beforeAll (a hang costs REQUEST_TIMEOUT_MS once, not once
// per case); the tests then check the recorded answers.
import { orderQuerySigOf, paySigOf, superappSignatureOf, userSignatureOf } from '../../lib/domain/signatures';
import { encodeCursor } from '../../lib/db/paging';
import { startVpay, type Vpay } from '../support/vpay';
import { requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import {
  checkContractAnswer,
  describeAnswer,
  describeRequest,
  expectRejected,
  jsonRequest,
  send,
  stopVpay,
  type Answer,
  type Sent,
} from './fuzz-support';

let vpay: Vpay;
let app: TestApp;

const now = () => String(Math.floor(Date.now() / 1000));
const adminReq = (method: string, path: string, body?: unknown): Sent =>
  jsonRequest(method, path, body === undefined ? undefined : JSON.stringify(body), [['authorization', `Bearer ${vpay.adminToken}`]]);
const callbackReq = (body: Record<string, unknown>): Sent => {
  const raw = JSON.stringify(body);
  const ts = now();
  return jsonRequest('POST', '/v1/superapp/payment-callback', raw, [
    ['x-vpay-timestamp', ts],
    ['x-vpay-signature', superappSignatureOf(vpay.superapp.secret, ts, raw)],
  ]);
};
const queryReq = (body: Record<string, unknown>, sig?: string): Sent => {
  const raw = JSON.stringify(body);
  return jsonRequest('POST', '/v1/minigame/orders/query', raw, [['pay-sig', sig ?? orderQuerySigOf(app.appKey, raw)]]);
};
/** A console list as the super admin (who sees every app), with a cursor carrying `key`. */
const consoleListReq = (path: string, key: unknown[]): Sent =>
  jsonRequest('GET', `/v1/console${path}${path.includes('?') ? '&' : '?'}cursor=${encodeCursor(key)}`, undefined, [
    ['authorization', `Bearer ${vpay.adminToken}`],
  ]);
/** A payment request whose signData is `sd`, correctly signed. */
const paymentReq = (sd: string, over: Record<string, unknown> = {}): Sent =>
  jsonRequest(
    'POST',
    '/v1/minigame/payments',
    JSON.stringify({
      appId: app.appId,
      openId: app.openId,
      signData: sd,
      paySig: paySigOf(app.appKey, sd),
      signature: userSignatureOf(app.sessionKey, sd),
      ...over,
    }),
  );
const callbackFor = (orderId: string, over: Record<string, unknown> = {}) => ({
  orderId,
  transactionId: `txn_${orderId}`,
  paidAmount: app.price,
  currencyType: app.currencyType,
  paidAt: new Date().toISOString(),
  ...over,
});

/** One step of a case: what was sent and what came back (or the failure to answer). */
interface Step {
  req: Sent;
  answer?: Answer;
  error?: Error;
}
const step = async (req: Sent): Promise<Step> => {
  try {
    return { req, answer: await send(vpay, req) };
  } catch (err) {
    return { req, error: err as Error };
  }
};

/** Each case: a function sending its steps in order; all cases run concurrently. */
const cases: Record<string, () => Promise<Step[]>> = {
  adminGetNul: async () => [await step(adminReq('GET', '/v1/admin/apps/%00'))],
  adminCreateNulName: async () => [
    await step(adminReq('POST', '/v1/admin/apps', { name: 'a\u0000b', deliveryUrl: 'https://dev.example.com/d' })),
  ],
  adminPatchNulName: async () => [await step(adminReq('PATCH', `/v1/admin/apps/${app.appId}x`, { name: 'a\u0000b' }))],
  adminItemNulName: async () => [
    await step(adminReq('PUT', `/v1/admin/apps/${app.appId}/items/nul_item`, { name: 'a\u0000b', price: 1, currencyType: 'USD' })),
  ],
  adminSessionNulOpenId: async () => [await step(adminReq('PUT', `/v1/admin/apps/${app.appId}/sessions/a%00`, { sessionKey: 'k' }))],
  adminSessionNulKey: async () => [
    await step(adminReq('PUT', `/v1/admin/apps/${app.appId}/sessions/nul_key_user`, { sessionKey: 'k\u0000' })),
  ],
  adminSessionYear0: async () => [
    await step(adminReq('PUT', `/v1/admin/apps/${app.appId}/sessions/year0_user`, { sessionKey: 'k', expiresAt: '0000-01-01T00:00:00Z' })),
  ],
  queryNulAppIdUnsigned: async () => [await step(queryReq({ appId: '\u0000', outTradeNo: 'x' }, '00'.repeat(32)))],
  queryNulOutTradeNo: async () => [await step(queryReq({ appId: app.appId, outTradeNo: 'x\u0000' }))],
  paymentNulOpenId: async () => [await step(paymentReq(signData(app), { openId: 'u\u0000' }))],
  callbackNulOrderId: async () => [await step(callbackReq(callbackFor('\u0000')))],
  paymentNulAttach: async () => [await step(paymentReq(signData(app, { attach: 'a\u0000' })))],
  paymentNulPlatform: async () => [await step(paymentReq(signData(app, { platform: '\u0000' })))],
  callbackNulTransactionId: async () => {
    const order = await requestPayment(vpay, app);
    const orderId = order.json.orderId as string;
    return [await step(callbackReq(callbackFor(orderId, { transactionId: 't\u0000' }))), await step(callbackReq(callbackFor(orderId)))];
  },
  callbackYear0PaidAt: async () => {
    const order = await requestPayment(vpay, app);
    const orderId = order.json.orderId as string;
    return [
      await step(callbackReq(callbackFor(orderId, { paidAt: '0000-01-01T00:00:00Z' }))),
      await step(callbackReq(callbackFor(orderId))),
    ];
  },
  callbackOffsetPaidAt: async () => {
    // ISO 8601 allows the offset -23:59; PostgreSQL's timestamptz does not (±15:59 at most).
    const order = await requestPayment(vpay, app);
    const orderId = order.json.orderId as string;
    return [
      await step(callbackReq(callbackFor(orderId, { paidAt: '1970-01-01T00:00:00-23:59' }))),
      await step(callbackReq(callbackFor(orderId))),
    ];
  },
  callbackLoneSurrogateDuplicate: async () => {
    const order = await requestPayment(vpay, app);
    const req = callbackReq(callbackFor(order.json.orderId, { transactionId: 't\ud800' }));
    return [await step(req), await step(req)];
  },
  paymentLoneSurrogateReplay: async () => {
    // signData itself holds a lone surrogate (sent as a \ud800 escape in the body's JSON).
    const req = paymentReq(signData(app).replace('"attach":"testdata"', '"attach":"x\ud800"'));
    return [await step(req), await step(req)];
  },
  // Forged console cursors (test/fuzz/console.fuzz.test.ts): each list's key reached its query.
  consoleAuditCursorBeyondBigint: async () => [await step(consoleListReq('/audit-log', ['9999999999999999999']))],
  consoleItemsCursorUnknownZone: async () => [
    await step(consoleListReq(`/apps/${app.appId}/items`, ['2026-01-01 00:00:00 Mars/Olympus', 'gem_pack_100'])),
  ],
  consoleItemsCursorSixDigitYear: async () => [
    await step(consoleListReq(`/apps/${app.appId}/items`, ['+010000-01-01T00:00:00.000Z', 'infinity'])),
  ],
  consoleReviewsCursorOffsetOutOfRange: async () => [
    await step(consoleListReq(`/reviews?appId=${app.appId}`, ['2026-01-01T00:00:00+99:00', app.appId, 'gem_pack_100'])),
  ],
  consoleAppsCursorInvalidDate: async () => [await step(consoleListReq('/apps', ['not a date', app.appId]))],
  // A request head over Node's 16 KiB limit (test/fuzz/refunds.fuzz.test.ts, with long order IDs):
  // Node's parser answered it itself, 431 with no body.
  consoleRefundLongOrderId: async () => [
    await step(adminReq('POST', `/v1/console/apps/${app.appId}/orders/${'x'.repeat(17_000)}/refunds`, { refundAmount: 1, reason: 'r' })),
  ],
  consoleOrderLongEncodedId: async () => [await step(adminReq('GET', `/v1/console/apps/${app.appId}/orders/${'%e2%82%ac'.repeat(4_000)}`))],
  superappRefundLongPath: async () => [await step(jsonRequest('POST', `/v1/superapp/refunds/${'x'.repeat(70_000)}`, '{}'))],
};

const results: Record<string, Step[]> = {};

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
  await Promise.all(
    Object.entries(cases).map(async ([name, run]) => {
      const t = Date.now();
      results[name] = await run();
      if (process.env.FUZZ_STATS) {
        const steps = results[name].map((st) =>
          st.answer ? `${st.answer.status} ${st.answer.text.slice(0, 120)}` : String(st.error?.message).split('\n')[0],
        );
        console.log(`${name}: ${Date.now() - t} ms\n  ${steps.join('\n  ')}`);
      }
    }),
  );
});
afterAll(async () => {
  await stopVpay(vpay);
});

/** The step's answer, or the failure to answer (a hang) thrown. */
function answerOf(s: Step): Answer {
  if (s.error) throw s.error;
  return s.answer!;
}

/** No 5xx, the contract's body, and (when given) one of the allowed status / code pairs. */
function expectContract(name: string, i: number, allowed?: Array<[number, number]>): Answer {
  const s = results[name][i];
  const a = answerOf(s);
  if (allowed) expectRejected(s.req, a, allowed);
  else checkContractAnswer(s.req, a);
  return a;
}

describe('a NUL character (\\u0000) in any string that reaches PostgreSQL is a client error, never a 500', () => {
  it.each([
    [
      'GET /v1/admin/apps/%00',
      'adminGetNul',
      [
        [404, 40403],
        [400, 40001],
      ],
    ],
    ['POST /v1/admin/apps with a NUL in name', 'adminCreateNulName', [[400, 40001]]],
    [
      'PATCH /v1/admin/apps/:unknown with a NUL in name',
      'adminPatchNulName',
      [
        [400, 40001],
        [404, 40403],
      ],
    ],
    ['PUT .../items/:productId with a NUL in name', 'adminItemNulName', [[400, 40001]]],
    ['PUT .../sessions/a%00', 'adminSessionNulOpenId', [[400, 40001]]],
    ['PUT .../sessions/:openId with a NUL in sessionKey', 'adminSessionNulKey', [[400, 40001]]],
    [
      'POST /v1/minigame/orders/query with a NUL in appId (unauthenticated)',
      'queryNulAppIdUnsigned',
      [
        [401, 40101],
        [400, 40001],
      ],
    ],
    [
      'POST /v1/minigame/orders/query, signed, with a NUL in outTradeNo',
      'queryNulOutTradeNo',
      [
        [404, 40402],
        [400, 40001],
      ],
    ],
    [
      'POST /v1/minigame/payments, validly signed signData, with a NUL in openId',
      'paymentNulOpenId',
      [
        [401, 40102],
        [400, 40001],
      ],
    ],
    [
      'POST /v1/superapp/payment-callback, signed, with a NUL in orderId',
      'callbackNulOrderId',
      [
        [404, 40401],
        [400, 40001],
      ],
    ],
  ] as Array<[string, string, Array<[number, number]>]>)('%s', (_what, name, allowed) => {
    expectContract(name, 0, allowed);
  });
});

describe('year 0000 (valid ISO 8601 to zod, out of range for PostgreSQL) is a client error, never a 500', () => {
  it('PUT .../sessions/:openId with expiresAt 0000-01-01T00:00:00Z', () => {
    expectContract('adminSessionYear0', 0, [[400, 40001]]);
  });
});

describe('a signed request whose data the order row cannot store is answered at once, and does not wedge the order', () => {
  it.each([
    [
      'signData.attach with a NUL: answered (200 or 400) instead of hanging 30 s then 503, with a workflow retrying its insert forever',
      'paymentNulAttach',
    ],
    ['signData.platform with a NUL: likewise', 'paymentNulPlatform'],
  ])('%s', (_what, name) => {
    const a = expectContract(name, 0);
    if (a.status !== 200) expectRejected(results[name][0].req, a, [[400, 40001]]);
  });

  it.each([
    ['transactionId with a NUL', 'callbackNulTransactionId'],
    ['paidAt in year 0000', 'callbackYear0PaidAt'],
    ['paidAt at offset -23:59 (found by fuzzing: the PAID projection retried forever)', 'callbackOffsetPaidAt'],
  ])('a callback with %s is answered (200 or 400) instead of hanging; if refused, a valid callback still pays the order', (_what, name) => {
    const first = expectContract(name, 0);
    if (first.status !== 200) {
      expectRejected(results[name][0].req, first, [[400, 40001]]);
      // The refused payment must not have claimed the order: the real payment is accepted.
      expectContract(name, 1, [[200, 0]]);
    }
  });
});

describe('a lone UTF-16 surrogate (a valid JSON escape) must not break idempotency', () => {
  it('a duplicate of an accepted callback whose transactionId holds "\\ud800" gets the same 200 (not 409 / 40903 "refund it")', () => {
    const first = expectContract('callbackLoneSurrogateDuplicate', 0);
    const again = expectContract('callbackLoneSurrogateDuplicate', 1);
    if (first.status === 200 && (again.status !== 200 || again.json.returnCode !== 0)) {
      throw new Error(
        `the duplicate was answered differently\n${describeRequest(results.callbackLoneSurrogateDuplicate[1].req)}\nfirst: ${describeAnswer(first)}\nduplicate: ${describeAnswer(again)}`,
      );
    }
  });

  it('the identical payment request (signData holding "\\ud800") again gets the same order (not 409 / 40901)', () => {
    const first = expectContract('paymentLoneSurrogateReplay', 0);
    const again = expectContract('paymentLoneSurrogateReplay', 1);
    if (first.status === 200 && (again.status !== 200 || again.json.orderId !== first.json.orderId)) {
      throw new Error(
        `the identical request was answered differently\n${describeRequest(results.paymentLoneSurrogateReplay[1].req)}\nfirst: ${describeAnswer(first)}\nagain: ${describeAnswer(again)}`,
      );
    }
  });
});

describe('a forged console cursor is refused as a cursor (400 / 40001), never by PostgreSQL', () => {
  it.each([
    ['audit log: an id beyond PostgreSQL bigint (was a 500: 22003, out of range)', 'consoleAuditCursorBeyondBigint'],
    ['items: a timestamp in a time zone PostgreSQL does not know (was a 500: 22023)', 'consoleItemsCursorUnknownZone'],
    ['items: a JavaScript time with a six-digit year (was a 500)', 'consoleItemsCursorSixDigitYear'],
    ['reviews: an offset of +99:00 (was a 500: 22009)', 'consoleReviewsCursorOffsetOutOfRange'],
    [
      'apps: a time that is no date (was refused only by PostgreSQL, after pg sent an invalid Date, which its next major will throw on)',
      'consoleAppsCursorInvalidDate',
    ],
  ])('%s', (_what, name) => {
    const a = expectContract(name, 0, [[400, 40001]]);
    // The list's own check refused it, saying what is wrong, not PostgreSQL's safety net.
    expect(a.json.errMsg).toMatch(/cursor/);
  });
});

describe("a request line and headers over Node's 16 KiB limit are refused in the contract's JSON shape (431 / 43101), not by Node's bare 431", () => {
  it.each([
    ['POST /v1/console/apps/:appId/orders/:orderId/refunds with a 17,000-character orderId', 'consoleRefundLongOrderId'],
    ['GET /v1/console/apps/:appId/orders/:orderId with a percent-encoded 36,000-character orderId', 'consoleOrderLongEncodedId'],
    ['POST under /v1/superapp/ with a 70,000-character path (as {returnCode, returnMessage})', 'superappRefundLongPath'],
  ])('%s', (_what, name) => {
    expectContract(name, 0, [[431, 43101]]);
  });
});
