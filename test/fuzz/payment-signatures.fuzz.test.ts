// Property-based checks of the payment request's signatures on the real stack (CONTRACT.md 0 and
// 2): starting from one valid, signed request, any one-byte change to signData (paySig and
// signature kept), to paySig, to signature, to appId or to openId is rejected, never a 200; and
// the original is still accepted afterwards, and again (idempotently) when replayed.
import fc from 'fast-check';
import { startVpay, type Vpay } from '../support/vpay';
import { paymentBody, setupApp, signData, type TestApp } from '../support/minigame';
import {
  assertProperty,
  describeAnswer,
  describeRequest,
  expectRejected,
  expectStillServing,
  jsonRequest,
  latin1Char,
  replaceByteArb,
  replaceCharArb,
  send,
  stopVpay,
  type Sent,
} from './fuzz-support';

const PATH = '/v1/minigame/payments';

let vpay: Vpay;
let app: TestApp;
/** The valid request every property mutates; it is sent for real only at the end. */
let original: ReturnType<typeof paymentBody>;
let firstOrderId: string | undefined;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
  original = paymentBody(app, signData(app));
});
afterAll(async () => {
  await stopVpay(vpay);
});

/** After each property: the original request is accepted, with the same order each time. */
const originalAccepted = async () => {
  const req = jsonRequest('POST', PATH, JSON.stringify(original));
  const a = await send(vpay, req);
  if (a.status !== 200 || a.json?.errCode !== 0 || (firstOrderId && a.json.orderId !== firstOrderId)) {
    throw new Error(`the original request is no longer accepted as before: ${describeAnswer(a)}\n${describeRequest(req)}`);
  }
  firstOrderId = a.json.orderId;
  await expectStillServing(vpay, app);
};

const post = (body: Record<string, unknown>): Sent => jsonRequest('POST', PATH, JSON.stringify(body));

const REJECTED_SIGNDATA: Array<[number, number]> = [
  [401, 40101],
  [400, 40001],
];

describe('a one-byte change is rejected', () => {
  it('to signData (any character 0..255 at any position), keeping paySig and signature: 401 / 40101, or 400 / 40001 when it no longer parses', async () => {
    await assertProperty(
      fc.asyncProperty(replaceCharArb(original.signData, latin1Char), async ({ result }) => {
        const req = post({ ...original, signData: result });
        expectRejected(req, await send(vpay, req), REJECTED_SIGNDATA);
      }),
      200,
      originalAccepted,
    );
  });

  it('to the bytes of signData inside the raw body (invalid UTF-8 included): 401 / 40101 or 400 / 40001', async () => {
    const raw = Buffer.from(JSON.stringify(original));
    const encoded = Buffer.from(JSON.stringify(original.signData));
    const start = raw.indexOf(encoded);
    if (start < 0) throw new Error('signData not found in the raw body');
    // Inside the JSON string of signData, quotes excluded.
    await assertProperty(
      fc.asyncProperty(replaceByteArb(raw, start + 1, start + encoded.length - 1), async ({ result }) => {
        const req = jsonRequest('POST', PATH, result);
        expectRejected(req, await send(vpay, req), REJECTED_SIGNDATA);
      }),
      200,
      originalAccepted,
    );
  });

  it('to paySig: 401 / 40101 (a change of letter case only is the same hex, so never generated)', async () => {
    await assertProperty(
      fc.asyncProperty(replaceCharArb(original.paySig, latin1Char, { hex: true }), async ({ result }) => {
        const req = post({ ...original, paySig: result });
        expectRejected(req, await send(vpay, req), [[401, 40101]]);
      }),
      200,
      originalAccepted,
    );
  });

  it('to signature: 401 / 40102', async () => {
    await assertProperty(
      fc.asyncProperty(replaceCharArb(original.signature, latin1Char, { hex: true }), async ({ result }) => {
        const req = post({ ...original, signature: result });
        expectRejected(req, await send(vpay, req), [[401, 40102]]);
      }),
      200,
      originalAccepted,
    );
  });

  it('to appId: 401 / 40101 (unknown app), or 400 / 40001 for a character appIds cannot have', async () => {
    await assertProperty(
      fc.asyncProperty(replaceCharArb(original.appId, latin1Char), async ({ result }) => {
        const req = post({ ...original, appId: result });
        expectRejected(req, await send(vpay, req), [
          [401, 40101],
          [400, 40001],
        ]);
      }),
      150,
      originalAccepted,
    );
  });

  it('to openId: 401 / 40102 (no session key for that user), or 400 when it is no longer storable text', async () => {
    await assertProperty(
      fc.asyncProperty(replaceCharArb(original.openId, latin1Char), async ({ result }) => {
        const req = post({ ...original, openId: result });
        expectRejected(req, await send(vpay, req), [
          [401, 40102],
          [400, 40001],
        ]);
      }),
      150,
      originalAccepted,
    );
  });
});
