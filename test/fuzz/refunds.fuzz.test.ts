// Property-based fuzzing of the refund routes (CONTRACT.md 8) on the real stack:
// POST /v1/superapp/refunds (8.1), POST /v1/minigame/refunds and /v1/minigame/refunds/query (8.2),
// POST /v1/console/apps/{appId}/orders/{orderId}/refunds (8.2). Random and unsigned bodies, and
// mutated bodies correctly signed for real orders. Whatever the caller gets wrong, the answer is
// never a 5xx and every error is in its audience's shape ({returnCode, returnMessage} for the
// superapp, {errCode, errMsg} otherwise); and no order ever gives back more than was paid: after
// every run, each order's refunded and pending totals are the sums of its refunds, within its
// total. The file ends reconciled.
import fc from 'fast-check';
import { pathSigOf, superappSignatureOf } from '../../lib/domain/signatures';
import { ordersContradictingRefunds } from '../../lib/db/repos/refund-consistency';
import { startVpay, type Vpay } from '../support/vpay';
import { paidOrder, setupApp, type TestApp } from '../support/minigame';
import { newRefundNo, superappRefundBody } from '../support/refunds';
import { expectReconciled } from '../support/reconciled';
import {
  applyChanges,
  assertProperty,
  changeText,
  checkContractAnswer,
  describeAnswer,
  describeRequest,
  entriesOf,
  expectStillServing,
  objectChanges,
  objectText,
  randomHeaders,
  rawBody,
  send,
  stopVpay,
  textChange,
  Violation,
  weirdString,
  type Body,
  type Sent,
} from './fuzz-support';

const ORDERS = 8;

let vpay: Vpay;
let app: TestApp;
let orders: Array<{ orderId: string; outTradeNo: string }> = [];

beforeAll(async () => {
  vpay = await startVpay({ WORKFLOW_ANSWER_TIMEOUT_MS: '3000' });
  app = await setupApp(vpay);
  orders = await Promise.all(Array.from({ length: ORDERS }, () => paidOrder(vpay, app)));
  for (const o of orders) await vpay.developer.waitFor(o.orderId, 20_000);
});
afterAll(async () => {
  await stopVpay(vpay);
});

const now = () => Math.floor(Date.now() / 1000);
const bytesOf = (body: Body) => (body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));

const superappSigned = (body: Body): Sent => {
  const ts = String(now());
  return {
    method: 'POST',
    path: '/v1/superapp/refunds',
    headers: [
      ['content-type', 'application/json'],
      ['x-vpay-timestamp', ts],
      ['x-vpay-signature', superappSignatureOf(vpay.superapp.secret, ts, bytesOf(body))],
    ],
    body,
  };
};

const gameSigned = (path: string, body: Body): Sent => ({
  method: 'POST',
  path,
  headers: [
    ['content-type', 'application/json'],
    ['pay-sig', pathSigOf(app.appKey, path, bytesOf(body).toString('utf8'))],
  ],
  body,
});

const consoleRequest = (path: string, body: Body): Sent => ({
  method: 'POST',
  path,
  headers: [
    ['content-type', 'application/json'],
    ['authorization', `Bearer ${vpay.adminToken}`],
  ],
  body,
});

/** No order gives back more than was paid, and its totals are its refunds' sums (the constraint says the first again). */
async function expectMoneyRight(req: Sent) {
  const breaches = await ordersContradictingRefunds(vpay.api.db, { until: new Date(Date.now() + 86_400_000) });
  if (breaches.length) throw new Violation(`refund totals broken: ${JSON.stringify(breaches)}\n${describeRequest(req)}`);
}

/** An accepted refund is one of its three statuses, for the order it names. */
function expectRefundAnswer(req: Sent, a: { status: number; json: any; text: string; contentType: string; isJson: boolean; ms: number }) {
  if (a.status === 200 && !['SUCCEEDED', 'PENDING', 'FAILED'].includes(a.json?.refund?.status)) {
    throw new Violation(`an accepted refund has no status\n${describeRequest(req)}\n${describeAnswer(a)}`);
  }
}

/** Every byte of the text's UTF-8 (a lone surrogate as U+FFFD) percent-encoded, but the unreserved ones. */
const percentEncoded = (s: string): string =>
  [...Buffer.from(s, 'utf8')]
    .map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`))
    .join('');

const stillServing = async () => {
  await expectStillServing(vpay, app);
};

const ROUTES = [
  '/v1/superapp/refunds',
  '/v1/minigame/refunds',
  '/v1/minigame/refunds/query',
  () => `/v1/console/apps/${app.appId}/orders/${orders[0].orderId}/refunds`,
];

it('random bodies and headers (unsigned or unauthenticated) to every refund route are answered 4xx in the contract shape', async () => {
  await assertProperty(
    fc.asyncProperty(fc.nat(ROUTES.length - 1), rawBody, randomHeaders, async (i, body, headers) => {
      const r = ROUTES[i];
      const req: Sent = { method: 'POST', path: typeof r === 'function' ? r() : r, headers, body };
      const a = checkContractAnswer(req, await send(vpay, req));
      if (a.status < 400) throw new Violation(`an unsigned refund call was accepted\n${describeRequest(req)}\n${describeAnswer(a)}`);
    }),
    120,
    stillServing,
  );
  await expectMoneyRight({ method: 'POST', path: '(after the property)', headers: [], body: undefined });
});

it('8.1: mutated superapp refunds for real orders, correctly signed, are answered by the contract; money never over-refunded', async () => {
  await assertProperty(
    fc.asyncProperty(
      fc.nat(ORDERS - 1),
      fc.integer({ min: -10, max: 1200 }),
      objectChanges(4),
      textChange,
      async (pick, amount, changes, change) => {
        const text = changeText(objectText(applyChanges(entriesOf(superappRefundBody(orders[pick].orderId, amount)), changes)), change);
        const req = superappSigned(text);
        const a = checkContractAnswer(req, await send(vpay, req));
        if (a.status === 200) {
          // Every duplicate of an accepted refund gets the same answer (8.1).
          const again = checkContractAnswer(req, await send(vpay, superappSigned(text)));
          if (again.status !== 200)
            throw new Violation(`a duplicate of an accepted refund was refused\n${describeRequest(req)}\n${describeAnswer(again)}`);
        }
        await expectMoneyRight(req);
      },
    ),
    80,
    stillServing,
  );
});

it('8.2: mutated game refunds and refund queries, correctly signed, are answered by the contract; money never over-refunded', async () => {
  await assertProperty(
    fc.asyncProperty(
      fc.nat(ORDERS - 1),
      fc.integer({ min: -10, max: 1200 }),
      fc.oneof(fc.constant(''), weirdString),
      objectChanges(4),
      textChange,
      fc.boolean(),
      async (pick, amount, reason, changes, change, query) => {
        const outRefundNo = newRefundNo();
        const base = query
          ? { appId: app.appId, outRefundNo }
          : { appId: app.appId, outTradeNo: orders[pick].outTradeNo, outRefundNo, refundAmount: amount, reason };
        const text = changeText(objectText(applyChanges(entriesOf(base), changes)), change);
        const req = gameSigned(query ? '/v1/minigame/refunds/query' : '/v1/minigame/refunds', text);
        const a = checkContractAnswer(req, await send(vpay, req));
        expectRefundAnswer(req, a);
        await expectMoneyRight(req);
      },
    ),
    80,
    stillServing,
  );
});

it('console refunds with mutated bodies and path ids are answered by the contract; money never over-refunded', async () => {
  await assertProperty(
    fc.asyncProperty(
      fc.nat(ORDERS - 1),
      // Long ones too: a request line past Node's 16 KiB limit is refused before Express, and must
      // still be answered in the contract's shape (431/43101, api/http/client-error.ts).
      fc.oneof(fc.constant(undefined), weirdString),
      fc.integer({ min: -10, max: 1200 }),
      objectChanges(3),
      textChange,
      async (pick, badOrderId, amount, changes, change) => {
        const orderId = badOrderId === undefined ? orders[pick].orderId : percentEncoded(badOrderId);
        const text = changeText(objectText(applyChanges(entriesOf({ refundAmount: amount, reason: 'fuzz' }), changes)), change);
        const req = consoleRequest(`/v1/console/apps/${app.appId}/orders/${orderId}/refunds`, text);
        const a = checkContractAnswer(req, await send(vpay, req));
        expectRefundAnswer(req, a);
        await expectMoneyRight(req);
      },
    ),
    60,
    stillServing,
  );
});

it('ends reconciled: every refund agrees with its order, each SUCCEEDED one notified once', async () => {
  await expectReconciled(vpay);
}, 60_000);
