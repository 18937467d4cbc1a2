// The refund asked of the superapp (activities/refunds.ts askSuperappRefund) in a
// MockActivityEnvironment, against a scripted superapp: only an explicit answer decides the refund
// (CONTRACT.md 8.2); everything unclear is retried, never FAILED (which would release the amount
// though the money may have moved).
import { describe, it, expect } from '@jest/globals';
import { createRefundActivities } from '../../../activities/refunds';
import type { Db } from '../../../lib/db/db';
import { Failures } from '../../../workflows/definitions';
import { activityEnvironment, failureOf, testDeps, type Answer } from '../../support/activity-deps';

/** The one refund row getRefund reads (a stand-in for the table: the activity only reads it here). */
const refundRow = {
  refund_id: 'rfd_1',
  source: 'game',
  app_id: 'app1',
  order_id: 'ord_1',
  out_trade_no: 'T-1',
  out_refund_no: 'R-1',
  open_id: 'u1',
  transaction_id: 'txn_1',
  refund_amount: '400',
  currency_type: 'USD',
  reason: 'r',
  status: 'PENDING',
  fail_reason: null,
  env: 0,
  created_at: new Date(),
  refunded_at: null,
  notified_at: null,
  notify_attempts: 0,
  last_notify_error: null,
  notify_alerted_at: null,
};
const oneRow = (() => ({ where: () => ({ first: async () => refundRow }) })) as unknown as Db;

function ask(answer: Answer) {
  const t = testDeps([answer], { db: oneRow });
  const activities = createRefundActivities(t.deps, { onAttempt: async () => ({}) } as never);
  return activityEnvironment().run(activities.askSuperappRefund, { refundId: 'rfd_1' });
}

describe('askSuperappRefund', () => {
  it('a 200 with returnCode 0 is a refund', async () => {
    await expect(ask({ status: 200, json: { returnCode: 0 } })).resolves.toBeUndefined();
  });

  it.each([
    ['a 200 with another returnCode', { status: 200, json: { returnCode: 1002, returnMessage: 'window closed' } }],
    ['a 400', { status: 400, json: { returnCode: 40001 } }],
    ['a 404 without a body', { status: 404 }],
  ])('%s is a refusal (non-retryable)', async (_what, answer) => {
    const f = await failureOf(ask(answer));
    expect(f.type).toBe(Failures.SuperappRefusedRefund);
    expect(f.nonRetryable).toBe(true);
  });

  it.each([
    ['a 500', { status: 500, json: { returnCode: 50000 } }],
    ['a 302', { status: 302 }],
    ['a 202', { status: 202, json: { returnCode: 1 } }],
    ['a 204', { status: 204 }],
    ['a 200 without a body', { status: 200 }],
    ['a 200 whose JSON has no returnCode', { status: 200, json: { ok: true } }],
    ['a 200 whose JSON is an array', { status: 200, json: [0] }],
  ])('%s is no answer: retryable SuperappUnavailable, never a refusal', async (_what, answer) => {
    const f = await failureOf(ask(answer));
    expect(f.type).toBe(Failures.SuperappUnavailable);
    expect(f.nonRetryable).toBe(false);
  });
});
