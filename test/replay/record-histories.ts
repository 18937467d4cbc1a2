// Records real workflow histories (purchases, a redelivery, and refunds) for the replay tests
// (test/replay/replay.test.ts).
//
//   npm run record-histories            all scenarios
//   npm run record-histories -- NAME…   only those (e.g. `delivered duplicate-callbacks`)
//
// Starts its own PostgreSQL and Temporal dev server in a temporary directory on free ports,
// bundles the workflows, then drives each scenario through vpay's real HTTP API (with the fake
// superapp and fake developer of the integration tests) and writes each workflow's history to
// test/replay/histories/<scenario>.json, in the standard Temporal JSON history format
// (`historyToJSON`, the format `temporal workflow show --output json` also produces).
//
// Only re-record when the workflow change is made replay-safe (patched()/versioning): recording
// after a breaking change replaces the histories the change would break, so CI no longer sees it.
// See test/replay/README.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import * as proto from '@temporalio/proto';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../tools/dev/embedded-pg';
import { startTemporalDevServer, VPAY_SEARCH_ATTRIBUTES, type TemporalDevServer } from '../../tools/dev/temporal-dev-server';
import { freePort } from '../../tools/dev/free-port';
import { purchaseWorkflowId, redeliverWorkflowId, refundWorkflowId } from '../../workflows/workflow-ids';
import type { PurchaseState, RefundState } from '../../workflows/definitions';
import { pathSigOf } from '../../lib/domain/signatures';
import type { RedeliveryResult } from '../../workflows/redeliver';
import { createPurchaseClient, startRedelivery } from '../../application/purchase-client';
import { insertNewOrder, projectOrder } from '../../lib/db/repos/orders';
import { newOrderId } from '../../lib/domain/order-id';
import { paySigOf, userSignatureOf } from '../../lib/domain/signatures';
import type { OrderDraft } from '../../workflows/definitions';
import { startVpay, type Vpay } from '../support/vpay';
import { call, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { updateAdmitted, watchRecordPaymentUpdates } from '../support/late-callback';

const OUT_DIR = path.resolve(__dirname, 'histories');
const EventType = proto.temporal.api.enums.v1.EventType;

interface Recorded {
  workflowId: string;
  /** The purchase's final state (for a redelivery, the purchase's it redelivered). */
  state: PurchaseState;
  history: History;
  /** For the redelivery scenario: what its workflow answered. */
  redelivery?: RedeliveryResult;
  /** For a refund scenario (its history is the refund's): the refund workflow's final state. */
  refund?: RefundState;
}

interface Scenario {
  name: string;
  /** Env overrides for startVpay. */
  env?: Record<string, string>;
  run(vpay: Vpay, app: TestApp): Promise<Recorded>;
  /** Sanity checks on the outcome, so a recording never silently misses its path. */
  check(r: Recorded): string[];
}

// ---- helpers -------------------------------------------------------------------------------

async function startPurchase(vpay: Vpay, app: TestApp, expectStatus = 200, sd = signData(app)) {
  const outTradeNo: string = JSON.parse(sd).outTradeNo;
  const r = await requestPayment(vpay, app, sd);
  if (r.status !== expectStatus) {
    throw new Error(`payment request: expected HTTP ${expectStatus}, got ${r.status} ${JSON.stringify(r.json)}`);
  }
  return { outTradeNo, orderId: r.json?.orderId as string | undefined, workflowId: purchaseWorkflowId(app.appId, outTradeNo) };
}

/** The payment callback body, built once so that repeated sends are byte-identical. */
function callbackBody(orderId: string, amount: number) {
  return { orderId, transactionId: `txn_${orderId}`, paidAmount: amount, currencyType: 'USD', paidAt: new Date().toISOString() };
}

async function payOnce(vpay: Vpay, orderId: string, amount: number): Promise<void> {
  const r = await vpay.superapp.callback(vpay.url, callbackBody(orderId, amount));
  if (r.status !== 200) throw new Error(`payment callback: HTTP ${r.status} ${JSON.stringify(r.json)}`);
}

async function finish(vpay: Vpay, workflowId: string): Promise<Recorded> {
  const handle = vpay.api.client.workflow.getHandle(workflowId);
  const state = (await withTimeout(handle.result(), 60_000, `the result of ${workflowId}`)) as PurchaseState;
  const history = await handle.fetchHistory();
  return { workflowId, state, history };
}

/** The order the API drafts for a payment request of `app` (application/request-payment.ts). */
function orderDraftOf(app: TestApp, sd = signData(app)): OrderDraft {
  const s = JSON.parse(sd);
  return {
    orderId: newOrderId(),
    appId: app.appId,
    openId: app.openId,
    outTradeNo: s.outTradeNo,
    productId: s.productId,
    buyQuantity: s.buyQuantity,
    goodsPrice: s.goodsPrice,
    totalAmount: s.goodsPrice * s.buyQuantity,
    currencyType: s.currencyType,
    platform: s.platform ?? null,
    env: s.env,
    attach: s.attach ?? null,
    signData: sd,
    paySig: paySigOf(app.appKey, sd),
    signature: userSignatureOf(app.sessionKey, sd),
    createdAt: new Date().toISOString(),
  };
}

/**
 * A purchase whose order row already holds a prepayId when its workflow starts, as a run of the
 * payment request's steps lost after its PREPAID row leaves it (its workflow task never completed,
 * so the rerun records nothing of it): saveNewOrder returns it and no prepay call is made
 * ('prepay-from-row'). The rerun is the same workflow's retried task in production; here the
 * workflow starts (as the API starts it) on the row written beforehand. Paid and delivered.
 */
async function prepayFromRow(vpay: Vpay, app: TestApp): Promise<Recorded> {
  const draft = orderDraftOf(app);
  const lost = `prepay_${draft.orderId}_lost`;
  await insertNewOrder(vpay.api.db, draft);
  await projectOrder(vpay.api.db, { orderId: draft.orderId, status: 'PREPAID', prepayId: lost });
  const answer = await createPurchaseClient(vpay.api.client, vpay.config).requestPayment(draft);
  if (answer.prepayId !== lost) throw new Error(`answered ${answer.prepayId}, not the row's ${lost}`);
  if (vpay.superapp.prepays.some((p) => p.orderId === draft.orderId)) throw new Error('the superapp was asked for a prepay order');
  await payOnce(vpay, draft.orderId, app.price);
  return finish(vpay, purchaseWorkflowId(app.appId, draft.outTradeNo));
}

/**
 * A purchase whose PAID row a lost local attempt wrote: the worker that wrote it died before its
 * workflow task completed, so no payment reached the history, and the superapp's retry was
 * answered from the row. Here the row is written beforehand, with no callback at all; the payment
 * timeout's close finds it paid and adopts its payment ('close-adopts-row-payment'). Delivered.
 */
async function paidRowAdoptedAtTimeout(vpay: Vpay, app: TestApp): Promise<Recorded> {
  const p = await startPurchase(vpay, app);
  const { transactionId, paidAmount, paidAt } = callbackBody(p.orderId!, app.price);
  await projectOrder(vpay.api.db, { orderId: p.orderId!, status: 'PAID', transactionId, paidAmount, paidAt });
  return finish(vpay, p.workflowId);
}

/** A paid and delivered purchase, finished. */
async function deliveredPurchase(vpay: Vpay, app: TestApp) {
  const p = await startPurchase(vpay, app);
  await payOnce(vpay, p.orderId!, app.price);
  const purchase = await finish(vpay, p.workflowId);
  return { ...p, orderId: p.orderId!, purchase };
}

/** The superapp's refund of `amount` of a purchase paid by payOnce (CONTRACT.md 8.1). */
async function superappRefund(vpay: Vpay, orderId: string, amount: number): Promise<string> {
  const refundId = `sarf_${orderId}_${amount}`;
  const r = await vpay.superapp.refund(vpay.url, {
    refundId,
    orderId,
    transactionId: `txn_${orderId}`,
    refundAmount: amount,
    currencyType: 'USD',
    reason: 'player asked',
    refundedAt: new Date().toISOString(),
  });
  if (r.status !== 200) throw new Error(`superapp refund: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return refundId;
}

/** A game backend's refund (CONTRACT.md 8.2); answers its refund as vpay did. */
async function gameRefund(vpay: Vpay, app: TestApp, outTradeNo: string, outRefundNo: string, amount: number) {
  const raw = JSON.stringify({ appId: app.appId, outTradeNo, outRefundNo, refundAmount: amount, reason: 'bug' });
  const r = await call(vpay, 'POST', '/v1/minigame/refunds', raw, { 'pay-sig': pathSigOf(app.appKey, '/v1/minigame/refunds', raw) });
  if (r.status !== 200) throw new Error(`game refund: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  return r.json.refund as { refundId: string; status: string };
}

/** The refund workflow's end: its history, its state, and the purchase's state. */
async function finishRefund(vpay: Vpay, workflowId: string, purchase: PurchaseState): Promise<Recorded> {
  const handle = vpay.api.client.workflow.getHandle(workflowId);
  const refund = (await withTimeout(handle.result(), 60_000, `the result of ${workflowId}`)) as RefundState;
  return { workflowId, state: purchase, history: await handle.fetchHistory(), refund };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const events = (r: Recorded) => r.history.events ?? [];
const count = (r: Recorded, type: number) => events(r).filter((e) => e.eventType === type).length;
const acceptedUpdates = (r: Recorded, name: string) =>
  events(r).filter(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED &&
      e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === name,
  ).length;
const scheduled = (r: Recorded, activityType: string) =>
  events(r).filter(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
      e.activityTaskScheduledEventAttributes?.activityType?.name === activityType,
  ).length;
/** How many of the activity's tasks were scheduled on the delivery task queue (workflows/task-queues.ts). */
const onDeliveryQueue = (r: Recorded, activityType: string) =>
  events(r).filter(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED &&
      e.activityTaskScheduledEventAttributes?.activityType?.name === activityType &&
      e.activityTaskScheduledEventAttributes.taskQueue?.name?.endsWith('-delivery'),
  ).length;
const need = (ok: boolean, what: string): string[] => (ok ? [] : [what]);

// ---- scenarios ---------------------------------------------------------------------------

const scenarios: Scenario[] = [
  {
    name: 'delivered',
    async run(vpay, app) {
      const p = await startPurchase(vpay, app);
      await payOnce(vpay, p.orderId!, app.price);
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(r.state.deliveryAttempts === 1, `one delivery attempt (got ${r.state.deliveryAttempts})`),
      ...need(r.state.confirmed, 'confirmed'),
    ],
  },
  {
    name: 'local-steps-delivered',
    env: { PURCHASE_LOCAL_STEPS: 'true' },
    async run(vpay, app) {
      const p = await startPurchase(vpay, app);
      await payOnce(vpay, p.orderId!, app.price);
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 4, 'the local-request-steps patch marker and 3 local activity markers'),
      ...need(r.state.deliveryAttempts === 1, `one delivery attempt (got ${r.state.deliveryAttempts})`),
    ],
  },
  {
    name: 'local-paid-row-delivered',
    env: { PURCHASE_LOCAL_STEPS: 'true', PURCHASE_LOCAL_PAID_ROW: 'true' },
    run: async (vpay, app) => (await deliveredPurchase(vpay, app)).purchase,
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(
        count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 7,
        'the local-request-steps, 3 local, the local-paid-row, 1 local and the delivery-task-queue markers',
      ),
      ...need(scheduled(r, 'projectOrder') === 0, 'no projectOrder activity task'),
    ],
  },
  {
    // npm start's purchase, the purchaseV2 type: no patch asked for, so no patch marker nor
    // TemporalChangeVersion upsert.
    name: 'v2-delivered',
    env: { PURCHASE_LOCAL_STEPS: 'true', PURCHASE_LOCAL_PAID_ROW: 'true', PURCHASE_WORKFLOW_V2: 'true' },
    run: async (vpay, app) => (await deliveredPurchase(vpay, app)).purchase,
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 4, 'only the 4 local activity markers (3 request steps, the PAID row)'),
      ...need(
        count(r, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES) === 3,
        'the 3 VpayOrderStatus upserts, no TemporalChangeVersion',
      ),
      ...need(scheduled(r, 'projectOrder') === 0, 'no projectOrder activity task'),
    ],
  },
  {
    name: 'local-paid-row-adopted-at-timeout',
    env: { PURCHASE_LOCAL_STEPS: 'true', PURCHASE_LOCAL_PAID_ROW: 'true', PAYMENT_TIMEOUT_MS: '1500' },
    run: paidRowAdoptedAtTimeout,
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(r.state.closeReason === null, `no closeReason (got ${r.state.closeReason})`),
      ...need(count(r, EventType.EVENT_TYPE_TIMER_FIRED) >= 1, 'a fired payment timer'),
      ...need(scheduled(r, 'projectOrder') === 1, 'one projectOrder activity task: the close that found the row paid'),
    ],
  },
  {
    name: 'local-steps-prepay-rejected',
    env: { PURCHASE_LOCAL_STEPS: 'true' },
    async run(vpay, app) {
      vpay.superapp.prepayMode = 'reject';
      const p = await startPurchase(vpay, app, 502);
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.closeReason === 'prepay_rejected', `closeReason prepay_rejected (got ${r.state.closeReason})`),
      ...need(count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 3, 'the patch marker and 2 local activity markers (row, failed prepay)'),
      ...need(count(r, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) === 1, 'one activity task: the CLOSED row'),
    ],
  },
  {
    // The row holds a lost run's prepayId: the prepay-from-row patch marker, no requestPrepay.
    name: 'prepay-from-row',
    run: prepayFromRow,
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(r.state.prepayId?.endsWith('_lost') === true, `the row's prepayId (got ${r.state.prepayId})`),
      ...need(count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 2, 'the prepay-from-row and delivery-task-queue markers'),
      ...need(scheduled(r, 'requestPrepay') === 0 && scheduled(r, 'saveNewOrder') === 1, 'the order row, no prepay call'),
    ],
  },
  {
    name: 'local-steps-prepay-from-row',
    env: { PURCHASE_LOCAL_STEPS: 'true' },
    run: prepayFromRow,
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(r.state.prepayId?.endsWith('_lost') === true, `the row's prepayId (got ${r.state.prepayId})`),
      ...need(
        count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 5,
        'the local-request-steps, prepay-from-row and delivery-task-queue markers, 2 local activity markers (order row, PREPAID row)',
      ),
      ...need(scheduled(r, 'requestPrepay') === 0, 'no prepay call'),
    ],
  },
  {
    // A stalled older run writes its prepayId to the row while this run's prepay call is retried
    // (after its saveNewOrder read the row empty): this run's PREPAID write keeps the row's, and
    // the workflow adopts it (no patch: an activity result, no other command).
    name: 'local-steps-prepay-adopt-row',
    env: { PURCHASE_LOCAL_STEPS: 'true' },
    async run(vpay, app) {
      vpay.superapp.prepayMode = 'http500';
      const sd = signData(app);
      const outTradeNo: string = JSON.parse(sd).outTradeNo;
      const started = startPurchase(vpay, app, 200, sd);
      const { orderId } = await waitFor('the local prepay try', () => vpay.superapp.prepays.find((p) => p.outTradeNo === outTradeNo));
      await projectOrder(vpay.api.db, { orderId, status: 'PREPAID', prepayId: `prepay_${orderId}_stalled` });
      vpay.superapp.prepayMode = 'ok';
      const p = await started;
      await payOnce(vpay, p.orderId!, app.price);
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(r.state.prepayId?.endsWith('_stalled') === true, `the stalled run's prepayId adopted (got ${r.state.prepayId})`),
      ...need(scheduled(r, 'requestPrepay') === 1, 'the prepay call handed to an activity task'),
      ...need(
        count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 5,
        'the local-request-steps and delivery-task-queue markers, 3 local activity markers (one a failed prepay try)',
      ),
    ],
  },
  {
    name: 'local-steps-prepay-retried',
    env: { PURCHASE_LOCAL_STEPS: 'true' },
    async run(vpay, app) {
      // The local try meets a superapp answering 500; the step goes on as an activity task.
      vpay.superapp.prepayMode = 'http500';
      const before = vpay.superapp.prepays.length;
      const started = startPurchase(vpay, app);
      await waitFor('the local prepay try', () => vpay.superapp.prepays.length > before);
      vpay.superapp.prepayMode = 'ok';
      const p = await started;
      await payOnce(vpay, p.orderId!, app.price);
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(
        count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 4,
        'the patch marker and 3 local activity markers (one a failed prepay try)',
      ),
      ...need(
        r.history.events!.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'requestPrepay'),
        'the prepay call handed to an activity task',
      ),
    ],
  },
  {
    name: 'closed-payment-timeout',
    env: { PAYMENT_TIMEOUT_MS: '1500' },
    async run(vpay, app) {
      const p = await startPurchase(vpay, app);
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'CLOSED', `status CLOSED (got ${r.state.status})`),
      ...need(r.state.closeReason === 'payment_timeout', `closeReason payment_timeout (got ${r.state.closeReason})`),
      ...need(count(r, EventType.EVENT_TYPE_TIMER_FIRED) >= 1, 'a fired payment timer'),
    ],
  },
  {
    name: 'prepay-rejected',
    async run(vpay, app) {
      vpay.superapp.prepayMode = 'reject';
      const p = await startPurchase(vpay, app, 502);
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'CLOSED', `status CLOSED (got ${r.state.status})`),
      ...need(r.state.closeReason === 'prepay_rejected', `closeReason prepay_rejected (got ${r.state.closeReason})`),
      ...need(count(r, EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED) >= 1, 'a failed prepay activity'),
    ],
  },
  {
    name: 'delivery-retried',
    env: { DELIVERY_RETRY_INITIAL_MS: '200', DELIVERY_RETRY_MAX_MS: '1000', DELIVERY_ALERT_AFTER_MS: '300' },
    async run(vpay, app) {
      vpay.developer.mode = 'http500';
      const p = await startPurchase(vpay, app);
      await payOnce(vpay, p.orderId!, app.price);
      // Three failed attempts (the alert is due 300 ms after the payment, well before), then OK.
      await waitFor(
        'three failed delivery attempts',
        () => vpay.developer.received.filter((d) => d.payload?.OrderId === p.orderId).length >= 3,
        30_000,
      );
      vpay.developer.mode = 'ok';
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(r.state.deliveryAttempts >= 4, `at least 4 delivery attempts (got ${r.state.deliveryAttempts})`),
      ...need(r.state.alerted, 'the stuck-delivery alert raised'),
      ...need(scheduled(r, 'raiseDeliveryAlert') === 1, 'one raiseDeliveryAlert activity'),
      ...need(count(r, EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED) >= 3, 'at least 3 failed delivery activities'),
      ...need(count(r, EventType.EVENT_TYPE_TIMER_FIRED) >= 3, 'backoff timers fired'),
    ],
  },
  {
    name: 'delivery-woken',
    env: { DELIVERY_RETRY_INITIAL_MS: '600000', DELIVERY_RETRY_MAX_MS: '3600000' },
    async run(vpay, app) {
      // A waits out a 10-minute backoff; B's delivery, once the endpoint is back, wakes it.
      vpay.developer.mode = 'http500';
      const a = await startPurchase(vpay, app);
      await payOnce(vpay, a.orderId!, app.price);
      await waitFor('a failed delivery attempt', () => vpay.developer.received.some((d) => d.payload?.OrderId === a.orderId), 30_000);
      vpay.developer.mode = 'ok';
      const b = await startPurchase(vpay, app);
      await payOnce(vpay, b.orderId!, app.price);
      return finish(vpay, a.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(r.state.deliveryAttempts === 2, `2 delivery attempts (got ${r.state.deliveryAttempts})`),
      ...need(
        events(r).some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'retryDeliveryNow'),
        'a retryDeliveryNow signal',
      ),
      ...need(count(r, EventType.EVENT_TYPE_TIMER_CANCELED) >= 1, 'the backoff timer cancelled'),
      ...need(count(r, EventType.EVENT_TYPE_MARKER_RECORDED) >= 1, 'the outage-paced-backoff patch marker'),
    ],
  },
  {
    name: 'duplicate-callbacks',
    async run(vpay, app) {
      const p = await startPurchase(vpay, app);
      const body = callbackBody(p.orderId!, app.price);
      const replies = await Promise.all(Array.from({ length: 8 }, () => vpay.superapp.callback(vpay.url, body)));
      const bad = replies.filter((r) => r.status !== 200 || r.json?.returnCode !== 0);
      if (bad.length) throw new Error(`duplicate callbacks: not all answered OK: ${JSON.stringify(bad)}`);
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(
        acceptedUpdates(r, 'recordPayment') >= 2,
        `at least 2 recordPayment updates in the history (got ${acceptedUpdates(r, 'recordPayment')})`,
      ),
      ...need(scheduled(r, 'deliverOrder') === 1, 'one delivery'),
    ],
  },
  {
    name: 'timeout-race',
    // The callback waits on the workflow while no worker runs.
    env: { PAYMENT_TIMEOUT_MS: '3000', WORKFLOW_ANSWER_TIMEOUT_MS: '60000' },
    async run(vpay, app) {
      // The worker is down over the payment deadline; the timer fires, then the superapp's
      // callback arrives; a new worker gets both in one workflow task. The recordPayment validator
      // refuses the callback (past the deadline), so it leaves no event: the history shows the
      // close, and the test below that the callback was refused.
      const p = await startPurchase(vpay, app);
      const handle = vpay.api.client.workflow.getHandle(p.workflowId);
      await vpay.worker.stop();
      await waitFor(
        'the payment timer to fire',
        async () => (await handle.fetchHistory()).events?.some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED),
        30_000,
      );
      const sent = watchRecordPaymentUpdates(vpay.api.client);
      const reply = vpay.superapp.callback(vpay.url, callbackBody(p.orderId!, app.price));
      try {
        await waitFor('the callback’s update to be admitted', async () => {
          const [updateId] = sent.ids;
          return updateId !== undefined && (await updateAdmitted(vpay.api.client, p.workflowId, updateId));
        });
      } finally {
        sent.stop();
      }
      await vpay.restartWorker();
      const r = await reply;
      if (r.status !== 409 || r.json?.returnCode !== 40902) {
        throw new Error(`late payment callback: expected HTTP 409 / 40902, got ${r.status} ${JSON.stringify(r.json)}`);
      }
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'CLOSED', `status CLOSED (got ${r.state.status})`),
      ...need(r.state.closeReason === 'payment_timeout', `closeReason payment_timeout (got ${r.state.closeReason})`),
      ...need(r.state.payment === null, 'no payment in the final state'),
      ...need(count(r, EventType.EVENT_TYPE_TIMER_FIRED) === 1, 'the fired payment timer'),
      ...need(acceptedUpdates(r, 'recordPayment') === 0, `no accepted recordPayment update (got ${acceptedUpdates(r, 'recordPayment')})`),
    ],
  },
  {
    // Not a purchase: the redeliver workflow (workflows/redeliver.ts) a console user starts for a
    // DELIVERED order, recorded so that changes to it are checked against a real run too.
    name: 'redelivered',
    async run(vpay, app) {
      const p = await startPurchase(vpay, app);
      await payOnce(vpay, p.orderId!, app.price);
      const purchase = await finish(vpay, p.workflowId);
      const keys = { appId: app.appId, outTradeNo: p.outTradeNo, orderId: p.orderId!, attemptsSeen: 1 };
      await startRedelivery(vpay.api.client, vpay.config, keys);
      const handle = vpay.api.client.workflow.getHandle(redeliverWorkflowId(app.appId, p.outTradeNo, keys.attemptsSeen));
      const redelivery = (await withTimeout(handle.result(), 60_000, 'the redelivery')) as RedeliveryResult;
      return { workflowId: handle.workflowId, state: purchase.state, history: await handle.fetchHistory(), redelivery };
    },
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `the purchase DELIVERED (got ${r.state.status})`),
      ...need(
        r.redelivery?.sent === true && r.redelivery.ok && r.redelivery.attempt === 2,
        `sent and acknowledged as attempt 2 (got ${JSON.stringify(r.redelivery)})`,
      ),
      ...need(scheduled(r, 'redeliverOrder') === 1, 'one redeliverOrder activity'),
    ],
  },
  {
    // A refund the superapp made (8.1): recorded SUCCEEDED at once, then the game backend notified.
    name: 'refund-superapp',
    async run(vpay, app) {
      const p = await deliveredPurchase(vpay, app);
      const refundId = await superappRefund(vpay, p.orderId, 300);
      const workflowId = refundWorkflowId({ appId: app.appId, source: 'superapp', refundId, outRefundNo: null });
      return finishRefund(vpay, workflowId, p.purchase.state);
    },
    check: (r) => [
      ...need(r.refund?.status === 'SUCCEEDED', `refund SUCCEEDED (got ${r.refund?.status})`),
      ...need(r.refund?.notifyAttempts === 1 && r.refund.notifiedAt !== null, 'notified on the first attempt'),
      ...need(scheduled(r, 'claimRefund') === 1 && scheduled(r, 'askSuperappRefund') === 0, 'one claim, no superapp call'),
      ...need(acceptedUpdates(r, 'requestRefund') === 1, 'the requestRefund update'),
    ],
  },
  {
    // A refund asked by a game backend (8.2): claimed PENDING, refunded by the superapp, settled, notified.
    name: 'refund-game',
    async run(vpay, app) {
      const p = await deliveredPurchase(vpay, app);
      const outRefundNo = `R_${p.orderId}`;
      const refund = await gameRefund(vpay, app, p.outTradeNo, outRefundNo, 400);
      if (refund.status !== 'SUCCEEDED') throw new Error(`game refund: ${JSON.stringify(refund)}`);
      const workflowId = refundWorkflowId({ appId: app.appId, source: 'game', refundId: refund.refundId, outRefundNo });
      return finishRefund(vpay, workflowId, p.purchase.state);
    },
    check: (r) => [
      ...need(r.refund?.status === 'SUCCEEDED', `refund SUCCEEDED (got ${r.refund?.status})`),
      ...need(scheduled(r, 'askSuperappRefund') === 1 && scheduled(r, 'settleRefund') === 1, 'asked the superapp and settled'),
      ...need(scheduled(r, 'notifyRefund') === 1, 'one notice'),
    ],
  },
  {
    // The superapp refused (8.2): FAILED with its reason, the amount released, nobody notified.
    name: 'refund-failed',
    async run(vpay, app) {
      const p = await deliveredPurchase(vpay, app);
      vpay.superapp.refundMode = 'reject';
      const outRefundNo = `R_${p.orderId}`;
      const refund = await gameRefund(vpay, app, p.outTradeNo, outRefundNo, 400);
      const workflowId = refundWorkflowId({ appId: app.appId, source: 'game', refundId: refund.refundId, outRefundNo });
      return finishRefund(vpay, workflowId, p.purchase.state);
    },
    check: (r) => [
      ...need(r.refund?.status === 'FAILED', `refund FAILED (got ${r.refund?.status})`),
      ...need(scheduled(r, 'failRefund') === 1 && scheduled(r, 'notifyRefund') === 0, 'failed, not notified'),
    ],
  },
  {
    // The superapp down at first (8.2): the call retried until it answers; then the notice fails
    // three times (backoff timers, the refund_notify_stuck alert) before it is acknowledged.
    name: 'refund-retried',
    env: { DELIVERY_RETRY_INITIAL_MS: '200', DELIVERY_RETRY_MAX_MS: '1000', DELIVERY_ALERT_AFTER_MS: '300' },
    async run(vpay, app) {
      const p = await deliveredPurchase(vpay, app);
      vpay.superapp.refundMode = 'http500';
      vpay.developer.mode = 'http500';
      const outRefundNo = `R_${p.orderId}`;
      const asked = gameRefund(vpay, app, p.outTradeNo, outRefundNo, 400);
      await waitFor('two refund calls to the superapp', () => vpay.superapp.refunds.length >= 2, 30_000);
      vpay.superapp.refundMode = 'ok';
      const refund = await asked;
      await waitFor('three failed notices', () => vpay.developer.refundNotices.length >= 3, 30_000);
      vpay.developer.mode = 'ok';
      const workflowId = refundWorkflowId({ appId: app.appId, source: 'game', refundId: refund.refundId, outRefundNo });
      return finishRefund(vpay, workflowId, p.purchase.state);
    },
    check: (r) => [
      ...need(r.refund?.status === 'SUCCEEDED', `refund SUCCEEDED (got ${r.refund?.status})`),
      ...need(r.refund?.alerted === true && scheduled(r, 'raiseRefundNoticeAlert') === 1, 'one refund_notify_stuck alert'),
      ...need((r.refund?.notifyAttempts ?? 0) >= 4, `at least 4 notice attempts (got ${r.refund?.notifyAttempts})`),
      ...need(count(r, EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED) >= 3, 'failed notice attempts'),
      ...need(count(r, EventType.EVENT_TYPE_TIMER_FIRED) >= 3, 'notice backoff timers fired'),
    ],
  },
  {
    // A purchase (its history is the purchase's): delivery failing, then a full refund (8.1) stops
    // it: the orderRefunded signal ends the backoff, the refund-stops-delivery patch is marked, REFUNDED.
    name: 'refund-stops-delivery',
    env: { DELIVERY_RETRY_INITIAL_MS: '600000', DELIVERY_RETRY_MAX_MS: '3600000' },
    async run(vpay, app) {
      vpay.developer.mode = 'http500';
      const p = await startPurchase(vpay, app);
      await payOnce(vpay, p.orderId!, app.price);
      await waitFor('a failed delivery attempt', () => vpay.developer.received.some((d) => d.payload?.OrderId === p.orderId), 30_000);
      await superappRefund(vpay, p.orderId!, app.price);
      const recorded = await finish(vpay, p.workflowId);
      vpay.developer.mode = 'ok';
      return recorded;
    },
    check: (r) => [
      ...need(r.state.status === 'REFUNDED', `status REFUNDED (got ${r.state.status})`),
      ...need(r.state.deliveryAttempts === 1, `one delivery attempt (got ${r.state.deliveryAttempts})`),
      ...need(
        events(r).some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'orderRefunded'),
        'an orderRefunded signal',
      ),
      ...need(count(r, EventType.EVENT_TYPE_MARKER_RECORDED) >= 2, 'the outage-paced-backoff and refund-stops-delivery markers'),
    ],
  },
  {
    // The delivery attempt on the delivery task queue: the delivery-task-queue patch marker, then
    // deliverOrder scheduled on <taskQueue>-delivery (the delivery Worker's slots).
    name: 'delivery-queue-delivered',
    env: { PURCHASE_LOCAL_STEPS: 'true' },
    async run(vpay, app) {
      const p = await startPurchase(vpay, app);
      await payOnce(vpay, p.orderId!, app.price);
      return finish(vpay, p.workflowId);
    },
    check: (r) => [
      ...need(r.state.status === 'DELIVERED', `status DELIVERED (got ${r.state.status})`),
      ...need(
        count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 5,
        'the local-request-steps and delivery-task-queue markers, 3 local activity markers',
      ),
      ...need(onDeliveryQueue(r, 'deliverOrder') === 1, 'deliverOrder on the delivery task queue'),
      ...need(onDeliveryQueue(r, 'confirmPayment') === 0, 'confirmPayment on the workflow task queue'),
    ],
  },
  {
    // A redeliver workflow whose one activity runs on the delivery task queue.
    name: 'delivery-queue-redelivered',
    async run(vpay, app) {
      const p = await startPurchase(vpay, app);
      await payOnce(vpay, p.orderId!, app.price);
      const purchase = await finish(vpay, p.workflowId);
      const keys = { appId: app.appId, outTradeNo: p.outTradeNo, orderId: p.orderId!, attemptsSeen: 1 };
      await startRedelivery(vpay.api.client, vpay.config, keys);
      const handle = vpay.api.client.workflow.getHandle(redeliverWorkflowId(app.appId, p.outTradeNo, keys.attemptsSeen));
      const redelivery = (await withTimeout(handle.result(), 60_000, 'the redelivery')) as RedeliveryResult;
      return { workflowId: handle.workflowId, state: purchase.state, history: await handle.fetchHistory(), redelivery };
    },
    check: (r) => [
      ...need(r.redelivery?.sent === true && r.redelivery.ok, `sent and acknowledged (got ${JSON.stringify(r.redelivery)})`),
      ...need(count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 1, 'the delivery-task-queue marker'),
      ...need(onDeliveryQueue(r, 'redeliverOrder') === 1, 'redeliverOrder on the delivery task queue'),
    ],
  },
  {
    // A game backend's refund whose notice runs on the delivery task queue, the rest on the workflow's.
    name: 'delivery-queue-refund',
    async run(vpay, app) {
      const p = await deliveredPurchase(vpay, app);
      const outRefundNo = `R_${p.orderId}`;
      const refund = await gameRefund(vpay, app, p.outTradeNo, outRefundNo, 400);
      if (refund.status !== 'SUCCEEDED') throw new Error(`game refund: ${JSON.stringify(refund)}`);
      const workflowId = refundWorkflowId({ appId: app.appId, source: 'game', refundId: refund.refundId, outRefundNo });
      return finishRefund(vpay, workflowId, p.purchase.state);
    },
    check: (r) => [
      ...need(r.refund?.status === 'SUCCEEDED' && r.refund.notifiedAt !== null, `refund SUCCEEDED and notified (got ${r.refund?.status})`),
      ...need(count(r, EventType.EVENT_TYPE_MARKER_RECORDED) === 1, 'the delivery-task-queue marker'),
      ...need(onDeliveryQueue(r, 'notifyRefund') === 1, 'notifyRefund on the delivery task queue'),
      ...need(onDeliveryQueue(r, 'askSuperappRefund') === 0, 'askSuperappRefund on the workflow task queue'),
    ],
  },
];

// ---- serialisation -----------------------------------------------------------------------

/**
 * The history as Temporal's standard JSON (proto3 JSON: int64 as strings, enums by name,
 * timestamps as RFC 3339), which `historyFromJSON` and `Worker.runReplayHistories` read back.
 * (`JSON.stringify` of the History message is not that format: its timestamps come out as
 * {seconds, nanos} objects.)
 */
function historyJson(history: History): string {
  return JSON.stringify(JSON.parse(historyToJSON(history)), null, 2);
}

// ---- main --------------------------------------------------------------------------------

/** Attempts per scenario: the concurrent-callbacks path depends on timing. */
const ATTEMPTS = 3;

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length) throw new Error(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  const selected = only.length ? scenarios.filter((s) => only.includes(s.name)) : scenarios;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-record-'));
  fs.chmodSync(dir, 0o755); // PostgreSQL runs as the postgres OS user when we are root
  let pg: EmbeddedPostgres | undefined;
  let server: TemporalDevServer | undefined;
  const running = new Set<Vpay>();

  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await Promise.allSettled([...running].map((v) => v.stop()));
      await Promise.allSettled([server?.stop(), pg?.stop()]);
      fs.rmSync(dir, { recursive: true, force: true });
    })());
  const onSignal = (sig: NodeJS.Signals) => {
    console.error(`\n${sig}: stopping…`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    console.log(`starting PostgreSQL and the Temporal dev server in ${dir}…`);
    const [pgPort, grpcPort] = await Promise.all([freePort(), freePort()]);
    // allSettled: whatever started is stopped by cleanup, even when something else failed.
    const [pgR, serverR, bundleR] = await Promise.allSettled([
      startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: pgPort, database: 'postgres' }),
      startTemporalDevServer({ dbFile: path.join(dir, 'temporal.db'), grpcPort, searchAttributes: { ...VPAY_SEARCH_ATTRIBUTES } }),
      bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger() }),
    ]);
    if (pgR.status === 'fulfilled') pg = pgR.value;
    if (serverR.status === 'fulfilled') server = serverR.value;
    for (const r of [pgR, serverR, bundleR]) if (r.status === 'rejected') throw r.reason;
    const bundle = (bundleR as PromiseFulfilledResult<{ code: string }>).value;
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    fs.writeFileSync(bundlePath, bundle.code);
    process.env.VPAY_TEST_PG_URL = pg!.url;
    process.env.VPAY_TEST_TEMPORAL_ADDRESS = server!.address;
    process.env.VPAY_TEST_BUNDLE = bundlePath;

    // Everything is recorded first and written only when all scenarios succeeded.
    const results: Array<{ name: string; json: string; r: Recorded }> = [];
    for (const s of selected) {
      let problems: string[] = [];
      let recorded: Recorded | undefined;
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        // The scenarios recorded before PURCHASE_LOCAL_STEPS ran the request's steps as activity
        // tasks, and those before PURCHASE_LOCAL_PAID_ROW the PAID row; they record that way again
        // unless they say otherwise (the local-steps-* and local-paid-row-* ones do). All but the
        // purchaseV2 ones run as the `purchase` type, with the patches the versions they stand for asked.
        const vpay = await startVpay({
          PURCHASE_LOCAL_STEPS: 'false',
          PURCHASE_LOCAL_PAID_ROW: 'false',
          PURCHASE_WORKFLOW_V2: 'false',
          ...s.env,
        });
        running.add(vpay);
        try {
          const app = await setupApp(vpay);
          recorded = await s.run(vpay, app);
        } finally {
          await vpay.stop();
          running.delete(vpay);
        }
        problems = s.check(recorded!);
        if (problems.length === 0) break;
        console.warn(`  ${s.name}: attempt ${attempt} missed: ${problems.join('; ')}`);
      }
      if (problems.length) throw new Error(`${s.name}: the recorded history does not show the path: ${problems.join('; ')}`);
      results.push({ name: s.name, json: `${historyJson(recorded!.history)}\n`, r: recorded! });
      console.log(`  recorded ${s.name} (${events(recorded!).length} events, final status ${recorded!.state.status})`);
    }

    fs.mkdirSync(OUT_DIR, { recursive: true });
    for (const { name, json, r } of results) {
      const file = path.join(OUT_DIR, `${name}.json`);
      fs.writeFileSync(file, json);
      console.log(`wrote ${path.relative(process.cwd(), file)}  (${events(r).length} events, ${json.length} bytes)`);
    }
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop } as any;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
