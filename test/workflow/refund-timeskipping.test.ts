// The refund workflow (workflows/refund.ts) on Temporal's time-skipping test server, with stub
// activities (their real versions run in test/integration/refunds.test.ts): the superapp's answer,
// a superapp down for hours, the notice's retries and its one alert, a refused claim, and how a full
// refund stops a purchase's delivery while a partial one does not.
import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/activity';
import type { Activities } from '../../activities';
import type { RefundClaim } from '../../activities/refunds';
import {
  Failures,
  getRefundStateQuery,
  getStatusQuery,
  recordPaymentUpdate,
  requestPaymentUpdate,
  requestRefundUpdate,
  SA_REFUND_STATUS,
  SEARCH_ATTRIBUTE_NAMES,
  type OrderDraft,
  type PurchaseInput,
  type RefundDraft,
  type RefundInput,
} from '../../workflows/definitions';
import { purchaseWorkflowId, refundWorkflowId } from '../../workflows/workflow-ids';
import { temporalTestServerPath } from '../../tools/dev/temporal-binaries';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait-for';
import { ensureSearchAttributes } from '../../lib/platform/temporal-setup';
import { installTemporalLogging } from '../../lib/platform/temporal-logging';
import { createLogger } from '../../lib/platform/logger';

const HOUR = 3_600_000;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  installTemporalLogging(createLogger(process.env.VPAY_TEST_LOG_LEVEL ?? 'silent'));
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await ensureSearchAttributes(env.connection, 'default', SEARCH_ATTRIBUTE_NAMES);
});
afterAll(async () => {
  await env?.teardown();
});

interface StubOptions {
  claim?: RefundClaim;
  /** Instead of `claim`: the refund recorded at once (a superapp's) with this effect on the order. */
  claimSucceeds?: { orderRefunded: boolean };
  /** The superapp is down (a retryable failure) this many times before it answers. */
  superappDownTimes?: number;
  superappRefuses?: boolean;
  noticeFailuresBeforeSuccess?: number;
  /** The first notice attempt fails with a failure no retry can mend (RefundNotNotifiable); later ones would succeed. */
  noticeFinalFailure?: boolean;
  /** The first delivery attempt succeeds but finds the order refunded in full when it finishes (begun before the refund). */
  refundedDuringAttempt?: boolean;
  /** The purchase's delivery fails this many times (Infinity: until the order is refunded). */
  deliverFailuresBeforeSuccess?: number;
}

function stubActivities(o: StubOptions = {}) {
  const calls = {
    claims: 0,
    superappCalls: 0,
    settled: 0,
    failed: [] as string[],
    notices: 0,
    refundAlerts: 0,
    deliveries: 0,
    deliveriesAtRefund: -1,
  };
  let orderRefunded = false;
  const activities: Partial<Activities> = {
    async claimRefund(d) {
      calls.claims++;
      const c: RefundClaim = o.claimSucceeds
        ? { claimed: true, refundId: d.refundId, status: 'SUCCEEDED', failReason: null, orderRefunded: o.claimSucceeds.orderRefunded }
        : (o.claim ?? { claimed: true, refundId: d.refundId, status: 'PENDING', failReason: null, orderRefunded: false });
      if (c.claimed && c.orderRefunded) {
        orderRefunded = true;
        calls.deliveriesAtRefund = calls.deliveries;
      }
      return c;
    },
    async askSuperappRefund() {
      calls.superappCalls++;
      if (calls.superappCalls <= (o.superappDownTimes ?? 0)) throw new Error('connect ECONNREFUSED');
      if (o.superappRefuses) {
        throw ApplicationFailure.create({ type: Failures.SuperappRefusedRefund, message: 'superapp refused: 1002', nonRetryable: true });
      }
    },
    async settleRefund() {
      calls.settled++;
      return { status: 'SUCCEEDED', failReason: null, orderRefunded: false };
    },
    async failRefund({ failReason }) {
      calls.failed.push(failReason);
    },
    async notifyRefund() {
      calls.notices++;
      if (o.noticeFinalFailure && calls.notices === 1) {
        throw ApplicationFailure.create({ type: Failures.RefundNotNotifiable, message: 'refund is FAILED: no notice', nonRetryable: true });
      }
      if (calls.notices <= (o.noticeFailuresBeforeSuccess ?? 0)) {
        throw ApplicationFailure.create({ type: Failures.RefundNoticeFailed, message: 'HTTP 503 from the game backend' });
      }
      return { notifiedAt: new Date().toISOString(), attempts: calls.notices };
    },
    async raiseRefundNoticeAlert() {
      calls.refundAlerts++;
    },
    // The purchase's, for the tests where a refund meets it.
    async saveNewOrder() {
      return { prepayId: null };
    },
    async projectOrder() {
      return { prepayId: null };
    },
    async requestPrepay(order) {
      return { prepayId: `prepay_${order.orderId}` };
    },
    async confirmPayment() {},
    async raiseDeliveryAlert() {},
    async deliverOrder() {
      // Like the real activity: no attempt starts for a REFUNDED order.
      if (orderRefunded) return { deliveredAt: '', attempts: calls.deliveries, refunded: true };
      calls.deliveries++;
      if (o.refundedDuringAttempt) {
        // Like the real activity: delivered, but the row stayed REFUNDED.
        orderRefunded = true;
        return { deliveredAt: new Date().toISOString(), attempts: calls.deliveries, refunded: true };
      }
      if (calls.deliveries <= (o.deliverFailuresBeforeSuccess ?? 0)) {
        throw ApplicationFailure.create({ type: Failures.DeliveryFailed, message: 'HTTP 500 from the developer' });
      }
      return { deliveredAt: new Date().toISOString(), attempts: calls.deliveries };
    },
  };
  return { calls, activities };
}

async function refundInput(over: Partial<RefundDraft> = {}): Promise<RefundInput> {
  const id = randomBytes(4).toString('hex');
  return {
    refund: {
      refundId: `rfd_${id}`,
      source: 'game',
      appId: 'app1',
      orderId: `ord_${id}`,
      outTradeNo: `T_${id}`,
      outRefundNo: `R_${id}`,
      openId: 'u1',
      transactionId: 'txn1',
      refundAmount: 400,
      currencyType: 'USD',
      reason: 'r',
      env: 0,
      createdAt: new Date(await env.currentTimeMs()).toISOString(),
      refundedAt: null,
      ...over,
    },
    timings: { noticeRetryInitialMs: 15_000, noticeRetryMaxMs: HOUR, noticeAlertAfterMs: 10 * 60_000 },
  };
}

const requestOf = ({ refundId: _r, createdAt: _c, ...fields }: RefundDraft) => fields;

async function withWorker<T>(activities: Partial<Activities>, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `ts-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: testEnv().bundlePath },
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}

// The time-skipping server has no update-with-start: start, then send the update the API sends.
async function startRefund(taskQueue: string, inp: RefundInput) {
  return env.client.workflow.start('refund', {
    workflowId: refundWorkflowId(inp.refund),
    taskQueue,
    args: [inp],
    typedSearchAttributes: [{ key: SA_REFUND_STATUS, value: 'PENDING' }],
  });
}

describe('refund workflow over virtual time', () => {
  it('asks the superapp, records SUCCEEDED, answers the request, then notifies once', async () => {
    const { calls, activities } = stubActivities();
    const inp = await refundInput();
    const { answer, state, sa } = await withWorker(activities, async (tq) => {
      const handle = await startRefund(tq, inp);
      const answer = await handle.executeUpdate(requestRefundUpdate, { args: [requestOf(inp.refund)] });
      const state = await handle.result();
      return { answer, state, sa: (await handle.describe()).searchAttributes.VpayRefundStatus };
    });
    expect(answer).toEqual({ refundId: inp.refund.refundId, status: 'SUCCEEDED' });
    expect(state).toMatchObject({ status: 'SUCCEEDED', notifyAttempts: 1, alerted: false, orderRefunded: false });
    expect(state.notifiedAt).not.toBeNull();
    expect(calls).toMatchObject({ claims: 1, superappCalls: 1, settled: 1, failed: [], notices: 1 });
    expect(sa).toEqual(['SUCCEEDED']);
  });

  it('refuses a request for another refund under the same key (40904) without touching the first', async () => {
    const { activities } = stubActivities();
    const inp = await refundInput();
    const err = await withWorker(activities, async (tq) => {
      const handle = await startRefund(tq, inp);
      const e = await handle
        .executeUpdate(requestRefundUpdate, { args: [{ ...requestOf(inp.refund), refundAmount: 401 }] })
        .catch((x: unknown) => x);
      await handle.result();
      return e;
    });
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(Failures.RefundConflict);
  });

  it("records the superapp's refusal as FAILED with its reason and notifies nobody", async () => {
    const { calls, activities } = stubActivities({ superappRefuses: true });
    const inp = await refundInput();
    const { answer, state } = await withWorker(activities, async (tq) => {
      const handle = await startRefund(tq, inp);
      const answer = await handle.executeUpdate(requestRefundUpdate, { args: [requestOf(inp.refund)] });
      return { answer, state: await handle.result() };
    });
    expect(answer.status).toBe('FAILED');
    expect(state).toMatchObject({ status: 'FAILED', failReason: 'superapp refused: 1002', notifiedAt: null });
    expect(calls.failed).toEqual(['superapp refused: 1002']);
    expect(calls.settled).toBe(0);
    expect(calls.notices).toBe(0);
  });

  it('keeps asking a superapp that is down for hours, and succeeds once it answers', async () => {
    const { calls, activities } = stubActivities({ superappDownTimes: 40 });
    const inp = await refundInput();
    const { state, elapsed } = await withWorker(activities, async (tq) => {
      const handle = await startRefund(tq, inp);
      const t0 = await env.currentTimeMs();
      const state = await handle.result();
      return { state, elapsed: (await env.currentTimeMs()) - t0 };
    });
    // 1 s doubling to a 5-minute cap: 40 failures span more than two hours.
    expect(elapsed).toBeGreaterThan(2 * HOUR);
    expect(calls.superappCalls).toBe(41);
    expect(state).toMatchObject({ status: 'SUCCEEDED' });
    expect(calls.notices).toBe(1);
  });

  it('retries a failing notice without end, alerts once (refund_notify_stuck), and stops at the first success', async () => {
    const { calls, activities } = stubActivities({ noticeFailuresBeforeSuccess: 37 });
    const inp = await refundInput({ source: 'superapp', outRefundNo: null, refundedAt: new Date().toISOString() });
    const { state, elapsed } = await withWorker(activities, async (tq) => {
      const handle = await startRefund(tq, inp);
      const t0 = await env.currentTimeMs();
      const state = await handle.result();
      return { state, elapsed: (await env.currentTimeMs()) - t0 };
    });
    expect(elapsed).toBeGreaterThanOrEqual(30 * HOUR);
    expect(calls.refundAlerts).toBe(1);
    expect(calls.notices).toBe(38);
    expect(state).toMatchObject({ status: 'SUCCEEDED', alerted: true, notifyAttempts: 38 });
  });

  it('stops notifying (and alerts once) on a failure no retry can mend, instead of retrying it without end', async () => {
    const { calls, activities } = stubActivities({ noticeFinalFailure: true });
    const inp = await refundInput({ source: 'superapp', outRefundNo: null, refundedAt: new Date().toISOString() });
    const state = await withWorker(activities, async (tq) => (await startRefund(tq, inp)).result());
    expect(calls.notices).toBe(1);
    expect(calls.refundAlerts).toBe(1);
    expect(state).toMatchObject({ status: 'SUCCEEDED', notifiedAt: null, alerted: true, lastNotifyError: 'refund is FAILED: no notice' });
  });

  it('answers a refused claim with its named failure and records nothing more', async () => {
    const { calls, activities } = stubActivities({ claim: { claimed: false, refusal: 'amountNotRefundable' } });
    const inp = await refundInput();
    const { err, state } = await withWorker(activities, async (tq) => {
      const handle = await startRefund(tq, inp);
      const err = await handle.executeUpdate(requestRefundUpdate, { args: [requestOf(inp.refund)] }).catch((e: unknown) => e);
      return { err, state: await handle.result() };
    });
    expect(((err as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe(Failures.RefundAmountNotRefundable);
    expect(state).toMatchObject({ status: 'REFUSED', refusal: 'amountNotRefundable' });
    expect(calls.superappCalls + calls.settled + calls.notices).toBe(0);
  });
});

async function purchaseInput(): Promise<PurchaseInput> {
  const id = randomBytes(4).toString('hex');
  const order: OrderDraft = {
    orderId: `ord_${id}`,
    appId: 'app1',
    openId: 'u1',
    outTradeNo: `T_${id}`,
    productId: 'p1',
    buyQuantity: 1,
    goodsPrice: 1000,
    totalAmount: 1000,
    currencyType: 'USD',
    platform: null,
    env: 0,
    attach: null,
    signData: `{"outTradeNo":"T_${id}"}`,
    paySig: 'x',
    signature: 'y',
    createdAt: new Date(await env.currentTimeMs()).toISOString(),
  };
  return {
    order,
    // Hour-long backoffs: a purchase that ends within the hour was stopped by the refund's signal.
    timings: { paymentTimeoutMs: 15 * 60_000, deliveryRetryInitialMs: HOUR, deliveryRetryMaxMs: HOUR, deliveryAlertAfterMs: 10 * HOUR },
  };
}

/** A paid purchase whose delivery has failed once (waiting out an hour), then a refund of `orderRefunded`. */
async function refundDuringDelivery(orderRefunded: boolean) {
  const { calls, activities } = stubActivities({ deliverFailuresBeforeSuccess: 1, claimSucceeds: { orderRefunded } });
  const pIn = await purchaseInput();
  return withWorker(activities, async (tq) => {
    const purchase = await env.client.workflow.start('purchase', {
      workflowId: purchaseWorkflowId(pIn.order.appId, pIn.order.outTradeNo),
      taskQueue: tq,
      args: [pIn],
    });
    await purchase.executeUpdate(requestPaymentUpdate, { args: [{ signData: pIn.order.signData, openId: pIn.order.openId }] });
    await purchase.executeUpdate(recordPaymentUpdate, {
      args: [{ transactionId: 'txn1', paidAmount: 1000, currencyType: 'USD', paidAt: new Date().toISOString() }],
    });
    await waitFor('the first attempt to fail', async () => (await purchase.query(getStatusQuery)).deliveryAttempts === 1);
    const rIn = await refundInput({
      source: 'superapp',
      outRefundNo: null,
      orderId: pIn.order.orderId,
      outTradeNo: pIn.order.outTradeNo,
      refundAmount: orderRefunded ? 1000 : 400,
      refundedAt: new Date().toISOString(),
    });
    const refund = await startRefund(tq, rIn);
    await refund.executeUpdate(requestRefundUpdate, { args: [requestOf(rIn.refund)] });
    const state = await purchase.result();
    const { startTime, closeTime } = await purchase.describe();
    const refundState = await refund.query(getRefundStateQuery).catch(() => undefined);
    return { state, calls, elapsed: closeTime!.getTime() - startTime.getTime(), refundState };
  });
}

describe('a refund meets a purchase still delivering', () => {
  it('a full refund stops the delivery at once: no attempt after it, the purchase ends REFUNDED', async () => {
    const { state, calls, elapsed, refundState } = await refundDuringDelivery(true);
    expect(refundState?.orderRefunded).toBe(true);
    expect(state.status).toBe('REFUNDED');
    expect(state.deliveredAt).toBeNull();
    expect(calls.deliveries).toBe(1);
    expect(calls.deliveriesAtRefund).toBe(1);
    // The signal ended the hour-long backoff.
    expect(elapsed).toBeLessThan(HOUR);
  });

  it('an attempt that succeeds after a full refund: the purchase ends REFUNDED (with its deliveredAt), not DELIVERED', async () => {
    const { calls, activities } = stubActivities({ refundedDuringAttempt: true });
    const pIn = await purchaseInput();
    const { state, sa } = await withWorker(activities, async (tq) => {
      const purchase = await env.client.workflow.start('purchase', {
        workflowId: purchaseWorkflowId(pIn.order.appId, pIn.order.outTradeNo),
        taskQueue: tq,
        args: [pIn],
      });
      await purchase.executeUpdate(requestPaymentUpdate, { args: [{ signData: pIn.order.signData, openId: pIn.order.openId }] });
      await purchase.executeUpdate(recordPaymentUpdate, {
        args: [{ transactionId: 'txn1', paidAmount: 1000, currencyType: 'USD', paidAt: new Date().toISOString() }],
      });
      const state = await purchase.result();
      return { state, sa: (await purchase.describe()).searchAttributes.VpayOrderStatus };
    });
    expect(state.status).toBe('REFUNDED');
    expect(state.deliveredAt).not.toBeNull();
    expect(sa).toEqual(['REFUNDED']);
    expect(calls.deliveries).toBe(1);
  });

  it('a partial refund does not: the purchase delivers after its backoff', async () => {
    const { state, calls, elapsed } = await refundDuringDelivery(false);
    expect(state.status).toBe('DELIVERED');
    expect(calls.deliveries).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(HOUR);
  });
});
