// Property-based fuzzing of POST /v1/minigame/orders/query on the real stack (CONTRACT.md 0 and
// 5): random bodies and headers, mutated queries correctly signed with the app key, and one-byte
// changes to the body or to Pay-Sig under the original signature.
import fc from 'fast-check';
import { orderQuerySigOf } from '../../lib/domain/signatures';
import { startVpay, type Vpay } from '../support/vpay';
import { requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
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
  type Sent,
} from './fuzz-support';

const PATH = '/v1/minigame/orders/query';

let vpay: Vpay;
let app: TestApp;
let outTradeNo: string;
let orderId: string;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
  const sd = signData(app);
  const r = await requestPayment(vpay, app, sd);
  outTradeNo = JSON.parse(sd).outTradeNo;
  orderId = r.json.orderId;
});
afterAll(async () => {
  await stopVpay(vpay);
});

const signedQuery = (body: string | Buffer, sig = orderQuerySigOf(app.appKey, body)): Sent => ({
  method: 'POST',
  path: PATH,
  headers: [
    ['content-type', 'application/json'],
    ['pay-sig', sig],
  ],
  body,
});

const validBody = () => JSON.stringify({ appId: app.appId, outTradeNo });

const stillServing = async () => {
  await expectStillServing(vpay, app);
  const req = signedQuery(validBody());
  const a = await send(vpay, req);
  if (a.status !== 200 || a.json?.order?.orderId !== orderId)
    throw new Error(`a valid order query failed: ${describeAnswer(a)}\n${describeRequest(req)}`);
};

it('random bodies and headers are answered 4xx with the contract error body', async () => {
  await assertProperty(
    fc.asyncProperty(rawBody, randomHeaders, rarely(fc.tuple(fc.nat(), invalidUtf8), 3), async (body, headers, bad) => {
      const req: Sent = {
        method: 'POST',
        path: PATH,
        headers,
        body: bad && typeof body === 'string' ? withBytesAt(body, bad[0], bad[1]) : body,
      };
      const a = checkContractAnswer(req, await send(vpay, req));
      if (a.status < 400) throw new Violation(`an unsigned query was answered\n${describeRequest(req)}\n${describeAnswer(a)}`);
    }),
    200,
    stillServing,
  );
});

it("mutated queries, correctly signed with the app key, are answered by the contract and only with the app's own order", async () => {
  await assertProperty(
    fc.asyncProperty(objectChanges(2), textChange, rarely(fc.tuple(fc.nat(), invalidUtf8)), async (changes, change, bad) => {
      const text = changeText(objectText(applyChanges(entriesOf({ appId: app.appId, outTradeNo }), changes)), change);
      const body = bad ? withBytesAt(text, bad[0], bad[1]) : text;
      const req = signedQuery(body);
      const a = checkContractAnswer(req, await send(vpay, req));
      if (a.status === 200) {
        const q = JSON.parse(Buffer.from(body).toString('utf8'));
        const o = a.json.order;
        if (o?.appId !== app.appId || o?.outTradeNo !== q.outTradeNo || o?.orderId !== orderId) {
          throw new Violation(`the answered order is not the one asked for\n${describeRequest(req)}\n${describeAnswer(a)}`);
        }
      }
    }),
    150,
    stillServing,
  );
});

describe('signature: any one-byte change is rejected', () => {
  it('a one-byte change to the body, under the original Pay-Sig: 401 / 40101 (or 400 / 40001 when the JSON breaks)', async () => {
    const body = Buffer.from(validBody());
    const sig = orderQuerySigOf(app.appKey, body);
    await assertProperty(
      fc.asyncProperty(replaceByteArb(body), async ({ result }) => {
        const req = signedQuery(result, sig);
        expectRejected(req, await send(vpay, req), [
          [401, 40101],
          [400, 40001],
        ]);
      }),
      200,
      stillServing,
    );
  });

  it('a one-character change to Pay-Sig: 401 / 40101', async () => {
    const body = validBody();
    const sig = orderQuerySigOf(app.appKey, body);
    const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
    await assertProperty(
      fc.asyncProperty(replaceCharArb(sig, printable, { hex: true }), async ({ result }) => {
        const req = signedQuery(body, result);
        expectRejected(req, await send(vpay, req), [[401, 40101]]);
      }),
      200,
      stillServing,
    );
  });
});
