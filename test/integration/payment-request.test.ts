// CONTRACT.md 0 and 2 on the real stack: every status code of the payment request, the order of
// the checks, idempotent replays, and the prepay outcomes.
import { userSignatureOf } from '../../lib/domain/signatures';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { getStatusQuery, requestPaymentUpdate } from '../../workflows/definitions';
import { getOrder, projectOrder } from '../../lib/db/repos/orders';
import { waitFor } from '../support/wait-for';
import { startVpay, type Vpay } from '../support/vpay';
import {
  admin,
  call,
  newTradeNo,
  pay,
  paymentBody,
  queryOrder,
  requestPayment,
  setupApp,
  signData,
  type TestApp,
} from '../support/minigame';

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});
beforeEach(() => {
  vpay.superapp.prepayMode = 'ok';
});

const post = (body: unknown, headers: Record<string, string> = {}) => call(vpay, 'POST', '/v1/minigame/payments', body, headers);

/** Another logged-in player of the app, who may have got hold of someone's signData and paySig. */
async function otherPlayer(): Promise<{ openId: string; sessionKey: string }> {
  const openId = `other_${newTradeNo()}`;
  const sessionKey = `session-of-${openId}`;
  const r = await admin(vpay, 'PUT', `/v1/admin/apps/${app.appId}/sessions/${openId}`, { sessionKey });
  expect(r.status).toBe(201);
  return { openId, sessionKey };
}

/** The payment request of `sd` (paySig as the game made it) sent by another player, signed with their own session. */
const asPlayer = (sd: string, p: { openId: string; sessionKey: string }) => ({
  ...paymentBody(app, sd, { sessionKey: p.sessionKey }),
  openId: p.openId,
});

function expectError(r: { status: number; json: any }, status: number, errCode: number) {
  expect({ status: r.status, errCode: r.json?.errCode }).toEqual({ status, errCode });
  expect(typeof r.json.errMsg).toBe('string');
  expect(r.json.errMsg.length).toBeGreaterThan(0);
}

describe('400 / 40001: malformed', () => {
  it.each([
    ['a body that is not JSON', '{"appId":'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['a missing signData', { appId: 'x', openId: 'u', paySig: 'a', signature: 'b' }],
  ])('rejects %s', async (_what, body) => {
    expectError(await post(body), 400, 40001);
  });

  it('rejects signData that is not JSON, even with valid signatures', async () => {
    const sd = '{"mode":"goods",';
    expectError(await post(paymentBody(app, sd)), 400, 40001);
  });

  it('rejects signData of the wrong shape', async () => {
    for (const over of [{ mode: 'sub' }, { buyQuantity: 0 }, { goodsPrice: 1.5 }, { outTradeNo: 'has space' }, { env: 3 }]) {
      expectError(await post(paymentBody(app, signData(app, over))), 400, 40001);
    }
  });

  it('checks the body before the signatures (the first failing check wins)', async () => {
    expectError(await post({ ...paymentBody(app, '{"broken"'), paySig: 'zz' }), 400, 40001);
  });
});

describe('401: signatures', () => {
  it('40101 for a wrong paySig', async () => {
    const sd = signData(app);
    expectError(await post(paymentBody(app, sd, { appKey: 'not-the-key' })), 401, 40101);
  });
  it('40101 for an unknown app', async () => {
    const sd = signData(app);
    expectError(await post({ ...paymentBody(app, sd), appId: 'appdoesnotexist' }), 401, 40101);
  });
  // CONTRACT.md 0: a malformed signature (wrong length, not hex, missing) is a 401, never a 400.
  const malformedSignatures: Array<[string, unknown]> = [
    ['missing', undefined],
    ['null', null],
    ['empty', ''],
    ['not hex', 'z'.repeat(64)],
    ['too short', 'ab'],
    ['too long', 'ab'.repeat(300)],
    ['a number', 42],
    ['an object', { hex: 'ab' }],
  ];
  it.each(malformedSignatures)('a malformed paySig (%s) is 401 / 40101', async (_what, paySig) => {
    expectError(await post({ ...paymentBody(app, signData(app)), paySig }), 401, 40101);
  });
  it.each(malformedSignatures)('a malformed signature (%s) is 401 / 40102', async (_what, signature) => {
    expectError(await post({ ...paymentBody(app, signData(app)), signature }), 401, 40102);
  });
  it('a body malformed otherwise is still 400 first, also without its signatures', async () => {
    expectError(await post({ appId: app.appId, openId: app.openId }), 400, 40001);
    expectError(await post({ appId: app.appId, signData: signData(app) }), 400, 40001);
  });
  it('a paySig in upper-case hex is accepted', async () => {
    const sd = signData(app);
    const body = paymentBody(app, sd);
    const r = await post({ ...body, paySig: body.paySig.toUpperCase() });
    expect(r.status).toBe(200);
  });
  it('paySig is checked over the exact bytes of signData (re-serialised JSON fails)', async () => {
    const sd = signData(app);
    const spaced = JSON.stringify(JSON.parse(sd), null, 1);
    const body = paymentBody(app, sd);
    expectError(await post({ ...body, signData: spaced, signature: userSignatureOf(app.sessionKey, spaced) }), 401, 40101);
  });
  it('40102 for a wrong user signature', async () => {
    expectError(await post(paymentBody(app, signData(app), { sessionKey: 'wrong' })), 401, 40102);
  });
  it('40102 when vpay has no session key for the user', async () => {
    const sd = signData(app);
    expectError(await post({ ...paymentBody(app, sd), openId: 'stranger' }), 401, 40102);
  });
  it('40102 when the session key has expired', async () => {
    const openId = 'expired-user';
    await admin(vpay, 'PUT', `/v1/admin/apps/${app.appId}/sessions/${openId}`, {
      sessionKey: 'old-key',
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const sd = signData(app);
    expectError(await post({ ...paymentBody(app, sd, { sessionKey: 'old-key' }), openId }), 401, 40102);
  });
  it('checks paySig before the user signature', async () => {
    expectError(await post(paymentBody(app, signData(app), { appKey: 'x', sessionKey: 'y' })), 401, 40101);
  });
});

describe('403, 404, 409, 422', () => {
  it('403 / 40301 when payment is not enabled for the app', async () => {
    const other = await setupApp(vpay);
    await admin(vpay, 'PATCH', `/v1/admin/apps/${other.appId}`, { paymentEnabled: false });
    expectError(await requestPayment(vpay, other), 403, 40301);
  });
  it('404 / 40401 for an unregistered item', async () => {
    expectError(await requestPayment(vpay, app, signData(app, { productId: 'nosuchitem' })), 404, 40401);
  });
  it('404 / 40401 for a registered but unreleased item', async () => {
    await admin(vpay, 'PUT', `/v1/admin/apps/${app.appId}/items/draft_item`, { name: 'draft', price: 100, currencyType: 'USD' });
    expectError(await requestPayment(vpay, app, signData(app, { productId: 'draft_item', goodsPrice: 100 })), 404, 40401);
  });
  it('422 / 42201 when goodsPrice differs from the registered price', async () => {
    expectError(await requestPayment(vpay, app, signData(app, { goodsPrice: app.price + 1 })), 422, 42201);
  });
  it('422 / 42202 when currencyType differs from the item currency', async () => {
    expectError(await requestPayment(vpay, app, signData(app, { currencyType: 'EUR' })), 422, 42202);
  });
  it('checks the price before the currency', async () => {
    expectError(await requestPayment(vpay, app, signData(app, { goodsPrice: 1, currencyType: 'EUR' })), 422, 42201);
  });
  it('409 / 40901 when outTradeNo is reused with a different signData', async () => {
    const outTradeNo = newTradeNo();
    const first = await requestPayment(vpay, app, signData(app, { outTradeNo }));
    expect(first.status).toBe(200);
    expectError(await requestPayment(vpay, app, signData(app, { outTradeNo, attach: 'other' })), 409, 40901);
  });
  it('409 / 40901 when outTradeNo is reused by another player of the app with the same signData', async () => {
    const sd = signData(app);
    const first = await requestPayment(vpay, app, sd);
    expect(first.status).toBe(200);
    const other = await otherPlayer();
    const r = await post(asPlayer(sd, other));
    expectError(r, 409, 40901);
    expect(r.json.prepayId).toBeUndefined();
    // The owner's own repeat still gets the order.
    expect((await requestPayment(vpay, app, sd)).json).toEqual(first.json);
  });
  it('the same outTradeNo in another app is another order', async () => {
    const other = await setupApp(vpay);
    const outTradeNo = newTradeNo();
    const a = await requestPayment(vpay, app, signData(app, { outTradeNo }));
    const b = await requestPayment(vpay, other, signData(other, { outTradeNo }));
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.json.orderId).not.toBe(b.json.orderId);
  });
});

describe('200 and idempotency', () => {
  it('answers an identical request with the same order and prepay, creating neither again', async () => {
    const sd = signData(app);
    const first = await requestPayment(vpay, app, sd);
    expect(first.status).toBe(200);
    const prepays = vpay.superapp.prepays.length;
    const again = await requestPayment(vpay, app, sd);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(vpay.superapp.prepays.length).toBe(prepays);
  });

  it('answers concurrent identical requests with one order and one prepay', async () => {
    const sd = signData(app);
    const outTradeNo = JSON.parse(sd).outTradeNo;
    const answers = await Promise.all(Array.from({ length: 12 }, () => requestPayment(vpay, app, sd)));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    expect(new Set(answers.map((a) => a.json.orderId)).size).toBe(1);
    expect(new Set(answers.map((a) => a.json.prepayId)).size).toBe(1);
    expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === outTradeNo)).toHaveLength(1);
  });

  it('a replay answers the current status once the order moved on', async () => {
    const sd = signData(app);
    const first = await requestPayment(vpay, app, sd);
    await vpay.superapp.callback(vpay.url, {
      orderId: first.json.orderId,
      transactionId: `t_${first.json.orderId}`,
      paidAmount: app.price,
      currencyType: 'USD',
      paidAt: new Date().toISOString(),
    });
    const again = await requestPayment(vpay, app, sd);
    expect(again.status).toBe(200);
    expect(['PAID', 'DELIVERED']).toContain(again.json.status);
    expect(again.json.orderId).toBe(first.json.orderId);
  });

  it('totalAmount is goodsPrice * buyQuantity', async () => {
    const sd = signData(app, { buyQuantity: 7 });
    const r = await requestPayment(vpay, app, sd);
    const q = await queryOrder(vpay, app, JSON.parse(sd).outTradeNo);
    expect(q.json.order).toMatchObject({ orderId: r.json.orderId, buyQuantity: 7, totalAmount: app.price * 7, status: 'PREPAID' });
    expect(q.json.order).toMatchObject({ transactionId: null, paidAt: null, deliveredAt: null, deliveryAttempts: 0 });
  });
});

describe('a prepayId a stalled older run of the steps wrote to the row (docs/ARCHITECTURE.md)', () => {
  afterEach(() => {
    vpay.superapp.freshPrepayIds = false;
  });

  it("is the answer, the workflow's and the row's, though this run's prepay call got another", async () => {
    // The stalled run's PREPAID write lands while this run's prepay call is retried, after its
    // saveNewOrder read the row empty: this run gets a second prepayId, the row keeps the first.
    vpay.superapp.freshPrepayIds = true;
    vpay.superapp.prepayMode = 'http500';
    const sd = signData(app);
    const outTradeNo: string = JSON.parse(sd).outTradeNo;
    const pending = requestPayment(vpay, app, sd);
    const { orderId } = await waitFor('the first prepay call', () => vpay.superapp.prepays.find((p) => p.outTradeNo === outTradeNo));
    const stalled = `prepay_stalled_${orderId}`;
    await projectOrder(vpay.api.db, { orderId, status: 'PREPAID', prepayId: stalled });
    vpay.superapp.prepayMode = 'ok';

    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ orderId, status: 'PREPAID', prepayId: stalled });
    // This run's prepay call did create another one, which nobody is given.
    expect([...vpay.superapp.issuedPrepayIds].filter(([, o]) => o === orderId)).toHaveLength(1);
    expect(await getOrder(vpay.api.db, orderId)).toMatchObject({ status: 'PREPAID', prepayId: stalled });
    const handle = vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo));
    expect((await handle.query(getStatusQuery)).prepayId).toBe(stalled);
    expect((await requestPayment(vpay, app, sd)).json.prepayId).toBe(stalled);

    // The callback names the order, not the prepayId: the payment is taken and delivered.
    expect((await pay(vpay, orderId, app.price)).status).toBe(200);
    expect(await handle.result()).toMatchObject({ status: 'DELIVERED', prepayId: stalled });
  });
});

describe('a repeat must come from the player who placed the order (signData names no player)', () => {
  it('whoever asks first owns the order; another player asking at the same time gets 409 / 40901', async () => {
    const sd = signData(app);
    const outTradeNo = JSON.parse(sd).outTradeNo;
    const other = await otherPlayer();
    const answers = await Promise.all([
      requestPayment(vpay, app, sd),
      post(asPlayer(sd, other)),
      requestPayment(vpay, app, sd),
      post(asPlayer(sd, other)),
    ]);
    const statuses = answers.map((a) => a.status);
    // Either player may win the race, but only one: their two requests get 200, the other's 409.
    expect([...statuses].sort()).toEqual([200, 200, 409, 409]);
    expect(statuses[0]).toBe(statuses[2]);
    for (const a of answers.filter((x) => x.status === 409)) expectError(a, 409, 40901);
    expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === outTradeNo)).toHaveLength(1);
    const owner = statuses[0] === 200 ? app.openId : other.openId;
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.openId).toBe(owner);
  });

  it('also once the order is paid (answered from its row)', async () => {
    const sd = signData(app);
    const first = await requestPayment(vpay, app, sd);
    expect((await pay(vpay, first.json.orderId, app.price)).status).toBe(200);
    expectError(await post(asPlayer(sd, await otherPlayer())), 409, 40901);
  });

  it("the purchase's requestPayment update refuses another openId in its validator", async () => {
    const sd = signData(app);
    const first = await requestPayment(vpay, app, sd);
    expect(first.status).toBe(200);
    const handle = vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, JSON.parse(sd).outTradeNo));
    const stranger = { signData: sd, openId: 'someone-else' };
    const refused = await handle.executeUpdate(requestPaymentUpdate, { args: [stranger] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'OutTradeNoConflict' });
    const owner = { signData: sd, openId: app.openId };
    expect(await handle.executeUpdate(requestPaymentUpdate, { args: [owner] })).toMatchObject({ orderId: first.json.orderId });
  });
});

describe('502 / 50201: the superapp cannot create the prepay order', () => {
  it.each([
    ['rejects it with another returnCode', 'reject' as const],
    ['answers 4xx', 'http400' as const],
  ])('when it %s, the order is CLOSED at once and a replay answers 502 again', async (_what, mode) => {
    vpay.superapp.prepayMode = mode;
    const sd = signData(app);
    const outTradeNo = JSON.parse(sd).outTradeNo;
    const before = vpay.superapp.prepays.length;
    expectError(await requestPayment(vpay, app, sd), 502, 50201);
    // A rejection is not retried.
    expect(vpay.superapp.prepays.length).toBe(before + 1);
    const q = await queryOrder(vpay, app, outTradeNo);
    expect(q.json.order.status).toBe('CLOSED');
    vpay.superapp.prepayMode = 'ok';
    expectError(await requestPayment(vpay, app, sd), 502, 50201);
    expect(vpay.superapp.prepays.length).toBe(before + 1);
  });

  it('when it cannot be reached, the client gets a fixed message: the address stays in the workflow', async () => {
    vpay.superapp.prepayMode = 'drop';
    const sd = signData(app);
    const outTradeNo = JSON.parse(sd).outTradeNo;
    const r = await requestPayment(vpay, app, sd);
    expectError(r, 502, 50201);
    expect(r.json.errMsg).not.toMatch(/127\.0\.0\.1|http:|POST|socket|ECONN|prepay-orders/i);
    const wf = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo)).result();
    expect(wf).toMatchObject({ status: 'CLOSED', closeReason: 'prepay_rejected', prepayError: expect.stringContaining(vpay.superapp.url) });
    // The replay, answered from the CLOSED row, says the same.
    expect(await requestPayment(vpay, app, sd)).toEqual(r);
  });

  it("when it rejects, the client does not get the superapp's own words either", async () => {
    vpay.superapp.prepayMode = 'reject';
    const sd = signData(app);
    const r = await requestPayment(vpay, app, sd);
    expectError(r, 502, 50201);
    expect(r.json.errMsg).not.toMatch(/risk control|1001|returnCode/);
    expect(await requestPayment(vpay, app, sd)).toEqual(r);
  });

  it('when it answers 5xx, the call is retried briefly, then the order is CLOSED', async () => {
    vpay.superapp.prepayMode = 'http500';
    const sd = signData(app);
    const outTradeNo = JSON.parse(sd).outTradeNo;
    expectError(await requestPayment(vpay, app, sd), 502, 50201);
    expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === outTradeNo).length).toBeGreaterThan(1);
    const q = await queryOrder(vpay, app, outTradeNo);
    expect(q.json.order.status).toBe('CLOSED');
    const wf = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo)).result();
    expect(wf).toMatchObject({ status: 'CLOSED', closeReason: 'prepay_rejected' });
  });
});

describe('502 / 50201 when the superapp is too slow', () => {
  it('times out each prepay call, retries briefly, then closes the order', async () => {
    vpay.superapp.prepayMode = 'hang';
    const sd = signData(app);
    const outTradeNo = JSON.parse(sd).outTradeNo;
    expectError(await requestPayment(vpay, app, sd), 502, 50201);
    expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === outTradeNo)).toHaveLength(3);
    expect((await queryOrder(vpay, app, outTradeNo)).json.order.status).toBe('CLOSED');
  }, 60_000);
});

describe('conventions', () => {
  it('413 for a body over 64 KiB', async () => {
    const sd = signData(app, { attach: 'x' });
    const r = await post({ ...paymentBody(app, sd), padding: 'p'.repeat(70 * 1024) });
    expect(r.status).toBe(413);
    expect(r.json.errCode).toEqual(expect.any(Number));
  });
  it('a body just under 64 KiB is read', async () => {
    const r = await post({ ...paymentBody(app, signData(app)), padding: 'p'.repeat(60 * 1024) });
    expect(r.status).toBe(200);
  });
  it('unknown routes answer a JSON 404', async () => {
    const r = await call(vpay, 'GET', '/v1/nothing-here');
    expectError(r, 404, 40404);
  });
  it('GET /healthz answers ok', async () => {
    expect(await call(vpay, 'GET', '/healthz')).toEqual({ status: 200, json: { status: 'ok' } });
  });
  it('GET /metrics exposes the payment request counters', async () => {
    const res = await fetch(`${vpay.url}/metrics`, { headers: { authorization: `Bearer ${vpay.metricsToken}` } });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/vpay_payment_requests_total\{result="ok"\} \d+/);
    expect(text).toMatch(/vpay_payment_requests_total\{result="40101"\} \d+/);
    expect(text).toContain('vpay_payment_request_seconds_bucket');
  });
});
