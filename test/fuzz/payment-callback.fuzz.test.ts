// Property-based fuzzing of POST /v1/superapp/payment-callback on the real stack (CONTRACT.md 0
// and 3.2): random and signed random bodies, mutated (correctly signed) callbacks for real
// orders, skewed timestamps, and one-byte changes under the original signature. Answers use
// {returnCode, returnMessage}; never a 5xx for the caller's mistake.
import fc from 'fast-check';
import { superappSignatureOf } from '../../lib/domain/signatures';
import { startVpay, type Vpay } from '../support/vpay';
import { queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
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
  randomHeaders,
  rarely,
  rawBody,
  replaceByteArb,
  replaceCharArb,
  send,
  stopVpay,
  textChange,
  Violation,
  withBytesAt,
  type Answer,
  type Body,
  type Sent,
} from './fuzz-support';

const PATH = '/v1/superapp/payment-callback';
const FRESH_ORDERS = 30;

let vpay: Vpay;
let app: TestApp;
/** PREPAID orders, each used by one run of the mutation property while they last. */
let orders: string[] = [];
let nextFresh = 0;

beforeAll(async () => {
  const t0 = Date.now();
  vpay = await startVpay();
  app = await setupApp(vpay);
  const t1 = Date.now();
  const created = await Promise.all(Array.from({ length: FRESH_ORDERS }, () => requestPayment(vpay, app)));
  orders = created.map((r) => {
    if (r.status !== 200) throw new Error(`order creation failed: ${JSON.stringify(r.json)}`);
    return r.json.orderId as string;
  });
  if (process.env.FUZZ_STATS) console.log(`start ${t1 - t0} ms, ${FRESH_ORDERS} orders ${Date.now() - t1} ms`);
});
afterAll(async () => {
  await stopVpay(vpay);
});

const now = () => Math.floor(Date.now() / 1000);

function signed(body: Body, ts = String(now()), extra: Array<[string, string]> = []): Sent {
  const bytes = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return {
    method: 'POST',
    path: PATH,
    headers: [
      ['content-type', 'application/json'],
      ['x-vpay-timestamp', ts],
      ['x-vpay-signature', superappSignatureOf(vpay.superapp.secret, ts, bytes)],
      ...extra,
    ],
    body,
  };
}

const validCallback = (orderId: string, over: Record<string, unknown> = {}) => ({
  orderId,
  transactionId: `txn_${orderId}`,
  paidAmount: app.price,
  currencyType: app.currencyType,
  paidAt: new Date().toISOString(),
  ...over,
});

const stillServing = async () => {
  await expectStillServing(vpay, app);
  // And a valid callback for a new order is still recorded.
  const order = await requestPayment(vpay, app, signData(app));
  const req = signed(JSON.stringify(validCallback(order.json.orderId)));
  const a = await send(vpay, req);
  if (a.status !== 200 || a.json?.returnCode !== 0)
    throw new Error(`a valid callback failed: ${describeAnswer(a)}\n${describeRequest(req)}`);
};

it('random bodies and headers (not signed) are answered 4xx with the contract error body', async () => {
  await assertProperty(
    fc.asyncProperty(rawBody, randomHeaders, rarely(fc.tuple(fc.nat(), invalidUtf8), 3), async (body, headers, bad) => {
      const req: Sent = {
        method: 'POST',
        path: PATH,
        headers,
        body: bad && typeof body === 'string' ? withBytesAt(body, bad[0], bad[1]) : body,
      };
      const a = checkContractAnswer(req, await send(vpay, req));
      if (a.status < 400) throw new Violation(`an unsigned callback was accepted\n${describeRequest(req)}\n${describeAnswer(a)}`);
    }),
    200,
    stillServing,
  );
});

it('signed random bodies, and timestamps skewed by more than 300 s, are answered by the contract', async () => {
  await assertProperty(
    fc.asyncProperty(
      rawBody,
      rarely(fc.tuple(fc.nat(), invalidUtf8), 3),
      fc.oneof(fc.constant(0), fc.integer({ min: -100_000, max: 100_000 })),
      rarely(fc.tuple(fc.constantFrom('content-type', 'content-encoding', 'x-vpay-signature'), headerValue), 4),
      async (body, bad, skew, header) => {
        const sentBody = bad && typeof body === 'string' ? withBytesAt(body, bad[0], bad[1]) : body;
        const req = signed(sentBody, String(now() + skew));
        // A second X-Vpay-Signature (or another content-type / -encoding) must not confuse it.
        if (header) req.headers.push(header);
        const a = checkContractAnswer(req, await send(vpay, req));
        // (A content-encoding or a body over 64 KiB may be refused first, while the body is read.)
        const size = sentBody === undefined ? 0 : Buffer.byteLength(sentBody);
        if (Math.abs(skew) > 305 && !header && size <= 64 * 1024) expectRejected(req, a, [[401, 40101]]);
      },
    ),
    150,
    stillServing,
  );
});

it('mutated callbacks for real orders, correctly signed, are answered by the contract and agree with the order', async () => {
  await assertProperty(
    fc.asyncProperty(objectChanges(5), textChange, fc.nat(), async (changes, change, pick) => {
      // Each run pays a fresh PREPAID order while they last, then replays on random ones.
      const orderId = nextFresh < orders.length ? orders[nextFresh++] : orders[pick % orders.length];
      const text = changeText(objectText(applyChanges(entriesOf(validCallback(orderId)), changes)), change);
      const req = signed(text);
      const a: Answer = checkContractAnswer(req, await send(vpay, req));
      if (a.status === 200) {
        // Accepted: the order is paid by exactly this transaction.
        let cb: any;
        try {
          cb = JSON.parse(text);
        } catch {
          throw new Violation(`a callback that is not JSON was accepted\n${describeRequest(req)}\n${describeAnswer(a)}`);
        }
        const row = await vpay.api.db('orders').where({ order_id: cb.orderId }).first();
        const q = row ? await queryOrder(vpay, app, row.out_trade_no) : undefined;
        if (!q || q.status !== 200 || !['PAID', 'DELIVERED'].includes(q.json.order.status)) {
          throw new Violation(
            `an accepted callback does not show in the order: ${JSON.stringify(q?.json)}\n${describeRequest(req)}\n${describeAnswer(a)}`,
          );
        }
        // Every duplicate of an accepted callback gets the same answer (CONTRACT.md 3.2).
        const dup = signed(text);
        const again = await send(vpay, dup);
        if (again.status !== 200 || again.json?.returnCode !== 0) {
          throw new Violation(
            `a duplicate of an accepted callback is not answered alike\n--- request\n${describeRequest(dup)}\n--- first answer\n${describeAnswer(a)}\n--- answer to the duplicate\n${describeAnswer(again)}\n--- the order\n${JSON.stringify(q.json.order)}`,
          );
        }
      }
    }),
    80,
    stillServing,
  );
});

describe('signature: any one-byte change is rejected with 401 / 40101', () => {
  let orderId: string;
  let body: Buffer;
  let ts: string;
  let sig: string;

  beforeAll(async () => {
    const order = await requestPayment(vpay, app, signData(app));
    orderId = order.json.orderId;
    body = Buffer.from(JSON.stringify(validCallback(orderId)));
    ts = String(now());
    sig = superappSignatureOf(vpay.superapp.secret, ts, body);
  });

  const headers = (t: string, s: string): Array<[string, string]> => [
    ['content-type', 'application/json'],
    ['x-vpay-timestamp', t],
    ['x-vpay-signature', s],
  ];

  // After the properties the original is still accepted, and its duplicate answered alike.
  const originalAccepted = async () => {
    for (let i = 0; i < 2; i++) {
      const req: Sent = { method: 'POST', path: PATH, headers: headers(ts, sig), body };
      expectRejected(req, await send(vpay, req), [[200, 0]]);
    }
    await expectStillServing(vpay, app);
  };

  it('a one-byte change to the body, under the original X-Vpay-Signature', async () => {
    await assertProperty(
      fc.asyncProperty(replaceByteArb(body), async ({ result }) => {
        const req: Sent = { method: 'POST', path: PATH, headers: headers(ts, sig), body: result };
        expectRejected(req, await send(vpay, req), [[401, 40101]]);
      }),
      200,
      originalAccepted,
    );
  });

  it('a one-character change to X-Vpay-Signature or X-Vpay-Timestamp', async () => {
    const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
    await assertProperty(
      fc.asyncProperty(
        fc.oneof(
          replaceCharArb(sig, printable, { hex: true }).map((c) => ({ t: ts, s: c.result })),
          replaceCharArb(ts, printable).map((c) => ({ t: c.result, s: sig })),
        ),
        async ({ t, s }) => {
          const req: Sent = { method: 'POST', path: PATH, headers: headers(t, s), body };
          expectRejected(req, await send(vpay, req), [[401, 40101]]);
        },
      ),
      200,
      originalAccepted,
    );
  });
});
