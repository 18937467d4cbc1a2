// The superapp activities (activities/superapp.ts) in a MockActivityEnvironment, against a
// scripted superapp: which answers give a prepayId, a final rejection or a retry.
import { describe, it, expect } from '@jest/globals';
import { createSuperappActivities } from '../../../activities/superapp';
import { superappSignatureOf } from '../../../lib/domain/signatures';
import { Failures, type OrderDraft } from '../../../workflows/definitions';
import { SUPERAPP_SECRET, SUPERAPP_URL, activityEnvironment, failureOf, testDeps, type Answer } from '../../support/activity-deps';

const order: OrderDraft = {
  orderId: 'ord_1',
  appId: 'app1',
  openId: 'user1',
  outTradeNo: 'T-1',
  productId: 'gem_10',
  buyQuantity: 2,
  goodsPrice: 500,
  totalAmount: 1000,
  currencyType: 'USD',
  platform: 'android',
  env: 0,
  attach: 'a',
  signData: '{"outTradeNo":"T-1"}',
  paySig: 'pay-sig',
  signature: 'sig',
  createdAt: '2026-11-21T10:00:00.000Z',
};

function run(answers: Answer[]) {
  const t = testDeps(answers);
  const activities = createSuperappActivities(t.deps);
  const env = activityEnvironment();
  return {
    ...t,
    requestPrepay: () => env.run(activities.requestPrepay, order),
    confirmPayment: () => env.run(activities.confirmPayment, { orderId: 'ord_1', transactionId: 'txn_1' }),
  };
}

describe('requestPrepay', () => {
  it('answers the prepayId of a 200 with returnCode 0, after one signed POST of the order', async () => {
    const t = run([{ status: 200, json: { returnCode: 0, prepayId: 'pp_1' } }]);
    await expect(t.requestPrepay()).resolves.toEqual({ prepayId: 'pp_1' });

    expect(t.posts).toHaveLength(1);
    const [{ url, body, opts }] = t.posts;
    expect(url).toBe(`${SUPERAPP_URL}/minigame/prepay-orders`);
    expect(JSON.parse(body)).toMatchObject({ orderId: 'ord_1', outTradeNo: 'T-1', totalAmount: 1000, buyQuantity: 2 });
    expect(opts.timeoutMs).toBe(5_000);
    const timestamp = opts.headers?.['x-vpay-timestamp'];
    expect(timestamp).toMatch(/^\d+$/);
    expect(opts.headers?.['x-vpay-signature']).toBe(superappSignatureOf(SUPERAPP_SECRET, timestamp!, body));
    expect(t.logs.find((l) => l.msg === 'prepay order created')).toMatchObject({ orderId: 'ord_1', prepayId: 'pp_1' });
  });

  it('never touches the database: its few retries are no place for a PostgreSQL blip', async () => {
    // The order's database answers every use with an error (testDeps' noDatabase), as a
    // PostgreSQL that is down would; the prepay call does not notice. A prepayId a lost run left
    // in the row is saveNewOrder's to find (test/workflow/purchase-timeskipping.test.ts).
    const t = run([{ status: 200, json: { returnCode: 0, prepayId: 'pp_1' } }]);
    await expect(t.requestPrepay()).resolves.toEqual({ prepayId: 'pp_1' });
    expect(t.posts).toHaveLength(1);
  });

  it('accepts returnCode "0" as a string', async () => {
    await expect(run([{ status: 200, json: { returnCode: '0', prepayId: 'pp_2' } }]).requestPrepay()).resolves.toEqual({
      prepayId: 'pp_2',
    });
  });

  it.each([
    [
      'a non-zero returnCode',
      { status: 200, json: { returnCode: 40001, returnMessage: 'no such item' } },
      /returnCode 40001 \(no such item\)/,
    ],
    ['a 200 without a prepayId', { status: 200, json: { returnCode: 0 } }, /returnCode 0 without a usable prepayId/],
    ['a 400', { status: 400, json: { returnCode: 1 } }, /HTTP 400/],
    ['a 404 without a body', { status: 404 }, /HTTP 404, returnCode undefined/],
  ])('rejects for good (PrepayRejected, non-retryable) on %s', async (_, answer, message) => {
    const t = run([answer]);
    const failure = await failureOf(t.requestPrepay());
    expect(failure.type).toBe(Failures.PrepayRejected);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(message);
    expect(t.posts).toHaveLength(1);
  });

  it.each([500, 503])('fails retryably on HTTP %i (the superapp is down)', async (status) => {
    const failure = await failureOf(run([{ status }]).requestPrepay());
    expect(failure.type).toBe('SuperappUnavailable');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe(`superapp answered HTTP ${status}`);
  });

  it('passes a network error on as it is (retried by the activity policy) and logs it', async () => {
    const down = new Error('connect ECONNREFUSED');
    const t = run([down]);
    await expect(t.requestPrepay()).rejects.toBe(down);
    expect(t.logs.find((l) => l.msg === 'prepay request failed; will retry')).toMatchObject({
      orderId: 'ord_1',
      error: 'connect ECONNREFUSED',
    });
  });
});

describe('confirmPayment', () => {
  it('succeeds on 200 returnCode 0, after one signed POST of the confirmation', async () => {
    const t = run([{ status: 200, json: { returnCode: 0 } }]);
    await expect(t.confirmPayment()).resolves.toBeUndefined();
    expect(t.posts).toHaveLength(1);
    const [{ url, body, opts }] = t.posts;
    expect(url).toBe(`${SUPERAPP_URL}/minigame/payment-confirmations`);
    expect(JSON.parse(body)).toEqual({ orderId: 'ord_1', transactionId: 'txn_1', status: 'CONFIRMED' });
    expect(opts.headers?.['x-vpay-signature']).toBe(superappSignatureOf(SUPERAPP_SECRET, opts.headers!['x-vpay-timestamp'], body));
  });

  it.each([
    ['a non-zero returnCode', { status: 200, json: { returnCode: 7 } }, 200],
    ['an error status', { status: 502, json: { returnCode: 0 } }, 502],
  ])('fails retryably on %s', async (_, answer, status) => {
    const failure = await failureOf(run([answer]).confirmPayment());
    expect(failure.type).toBe('ConfirmationNotAccepted');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toBe(`superapp answered HTTP ${status} to the confirmation`);
  });
});
