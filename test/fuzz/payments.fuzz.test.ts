// Property-based fuzzing of POST /v1/minigame/payments on the real stack (CONTRACT.md 0 and 2):
// random bodies and headers, mutated envelopes, and mutated but correctly signed signData. The
// server never answers a client mistake with a 5xx, every error is the contract's JSON body, a
// 200 is a real order, and vpay keeps serving afterwards.
import fc from 'fast-check';
import { paySigOf, userSignatureOf } from '../../lib/domain/signatures';
import { startVpay, type Vpay } from '../support/vpay';
import { newTradeNo, paymentBody, setupApp, signData, queryOrder, type TestApp } from '../support/minigame';
import {
  assertProperty,
  changeText,
  checkContractAnswer,
  contentType,
  describeAnswer,
  describeRequest,
  entriesOf,
  expectStillServing,
  invalidUtf8,
  jsonRequest,
  applyChanges,
  objectChanges,
  objectText,
  randomHeaders,
  rarely,
  rawBody,
  send,
  stopVpay,
  textChange,
  Violation,
  withBytesAt,
  type Answer,
  type Sent,
} from './fuzz-support';

const PATH = '/v1/minigame/payments';

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
});
afterAll(async () => {
  await stopVpay(vpay);
});

const stillServing = () => expectStillServing(vpay, app);

/**
 * A 200 must be the contract's success body, the order it names must exist as answered, and the
 * identical request again must get the same order and prepay (CONTRACT.md 2, idempotency).
 */
async function checkSuccess(req: Sent, a: Answer, sdText: string | undefined): Promise<void> {
  if (a.status !== 200) return;
  const fail = (why: string, extra = ''): never => {
    throw new Violation(`${why}\n--- request\n${describeRequest(req)}\n--- answer\n${describeAnswer(a)}${extra}`);
  };
  const { orderId, outTradeNo, status, prepayId } = a.json;
  if (typeof orderId !== 'string' || typeof outTradeNo !== 'string' || typeof prepayId !== 'string')
    fail('a 200 lacks orderId, outTradeNo or prepayId');
  if (!['PREPAID', 'PAID', 'DELIVERED'].includes(status)) fail(`a 200 with status ${status}`);
  const again = await send(vpay, req);
  if (again.status !== 200 || again.json?.orderId !== orderId || again.json?.prepayId !== prepayId) {
    fail(
      'the identical request again is not answered with the same order and prepay',
      `\n--- answer to the identical request\n${describeAnswer(again)}`,
    );
  }
  if (sdText === undefined) return;
  let sd: any;
  try {
    sd = JSON.parse(sdText);
  } catch {
    fail('a signData that is not JSON was accepted');
  }
  if (sd.outTradeNo !== outTradeNo) fail(`the answer's outTradeNo differs from signData's ${JSON.stringify(sd.outTradeNo)}`);
  const q = await queryOrder(vpay, app, outTradeNo);
  if (q.status !== 200 || q.json.order?.orderId !== orderId)
    fail(`the order answered is not found by the order query: ${JSON.stringify(q)}`);
  if (q.json.order.totalAmount !== sd.goodsPrice * sd.buyQuantity)
    fail(`totalAmount ${q.json.order.totalAmount} is not goodsPrice * buyQuantity`);
}

it('random bodies and headers never get a 5xx or a non-contract error body', async () => {
  await assertProperty(
    fc.asyncProperty(rawBody, randomHeaders, fc.option(fc.tuple(fc.nat(), invalidUtf8), { nil: undefined }), async (body, headers, bad) => {
      const sentBody = bad && typeof body === 'string' ? withBytesAt(body, bad[0], bad[1]) : body;
      const req: Sent = { method: 'POST', path: PATH, headers, body: sentBody };
      const a = checkContractAnswer(req, await send(vpay, req));
      // Nothing here can carry valid signatures.
      if (a.status < 400) throw new Violation(`a random request was accepted\n${describeRequest(req)}\n${describeAnswer(a)}`);
    }),
    200,
    stillServing,
  );
});

it('a valid request with its envelope mutated (fields dropped, retyped, duplicated, added) is answered by the contract', async () => {
  await assertProperty(
    fc.asyncProperty(
      objectChanges(5),
      textChange,
      fc.option(contentType, { nil: undefined }),
      rarely(fc.tuple(fc.nat(), invalidUtf8)),
      async (changes, change, ctype, bad) => {
        const valid = paymentBody(app, signData(app));
        const text = changeText(objectText(applyChanges(entriesOf(valid), changes)), change);
        const req: Sent = {
          method: 'POST',
          path: PATH,
          headers: ctype ? [['content-type', ctype]] : [],
          body: bad ? withBytesAt(text, bad[0], bad[1]) : text,
        };
        const a = checkContractAnswer(req, await send(vpay, req));
        await checkSuccess(req, a, undefined);
      },
    ),
    150,
    stillServing,
  );
});

it('mutated signData, correctly signed (paySig and signature over the mutated text), is answered by the contract', async () => {
  await assertProperty(
    fc.asyncProperty(objectChanges(9), textChange, rarely(fc.tuple(fc.nat(), invalidUtf8)), async (changes, change, bad) => {
      // A fresh outTradeNo each run; a change may replace it (and so replay an earlier one).
      const base = entriesOf(JSON.parse(signData(app, { outTradeNo: newTradeNo() })));
      let sd = changeText(objectText(applyChanges(base, changes)), change);
      // Invalid UTF-8 inside signData: the server can only see it decoded (U+FFFD), so the
      // client signs that; the server may refuse the bytes (400) or go on.
      if (bad) sd = withBytesAt(sd, bad[0], bad[1]).toString('utf8');
      const body = JSON.stringify({
        appId: app.appId,
        openId: app.openId,
        signData: sd,
        paySig: paySigOf(app.appKey, sd),
        signature: userSignatureOf(app.sessionKey, sd),
      });
      const req = jsonRequest('POST', PATH, body);
      const a = checkContractAnswer(req, await send(vpay, req));
      await checkSuccess(req, a, sd);
    }),
    100,
    stillServing,
  );
});
