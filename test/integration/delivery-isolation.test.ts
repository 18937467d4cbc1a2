// Issue 12, item 3: a developer endpoint that hangs must not hold back other apps' payments. Its
// delivery attempts run on the delivery task queue, in the delivery Worker's own slots
// (workflows/task-queues.ts), so a payment callback's PAID row still finds a slot in the main Worker;
// and each endpoint gets only its share of those slots (lib/outbound/endpoint-share.ts).
import { startVpay, type Vpay } from '../support/vpay';
import { paidOrder, setupApp, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { getStatusQuery } from '../../workflows/definitions';
import { createDb } from '../../lib/db/db';

/** Both Workers' activity slots: the hanging deliveries outnumber either. */
const SLOTS = 3;
const HANGING = 2 * SLOTS;

/** Two apps at the fake developer: "slow", delivering to `slowUrl` and held there, and "other", acknowledged. */
async function slowAndOther(vpay: Vpay, slowUrl: string): Promise<{ slow: TestApp; other: TestApp }> {
  const slow = await setupApp(vpay, { deliveryUrl: slowUrl });
  vpay.developer.appKeys.set('slow', slow.appKey);
  vpay.developer.appModes.set('slow', 'hold');
  const other = await setupApp(vpay, { deliveryUrl: vpay.developer.deliveryUrlFor('other') });
  vpay.developer.appKeys.set('other', other.appKey);
  return { slow, other };
}

describe('a hanging developer endpoint', () => {
  let vpay: Vpay;
  let slow: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    vpay = await startVpay(
      // The endpoint's share as large as the slots, so that this one endpoint can fill them (the
      // next describe tests the share).
      { WORKER_MAX_CONCURRENT_DELIVERIES: String(SLOTS), WORKER_MAX_DELIVERIES_PER_ENDPOINT: String(SLOTS) },
      { workerTuning: { maxConcurrentActivityTaskExecutions: SLOTS } },
    );
    // The slow app delivers to its own path of the fake developer, which holds every notification.
    ({ slow, other } = await slowAndOther(vpay, vpay.developer.deliveryUrlFor('slow')));
  });
  afterAll(async () => {
    vpay?.developer.releaseHeld();
    await vpay?.stop();
  });

  it('fills only the delivery slots: another app is paid while its deliveries hang, and they are delivered once after', async () => {
    expect(vpay.worker.deliveryWorker.options.taskQueue).toBe(`${vpay.config.taskQueue}-delivery`);
    const hanging = await Promise.all(Array.from({ length: HANGING }, () => paidOrder(vpay, slow)));
    // Every delivery slot holds an attempt the endpoint does not answer (it would for 10 s).
    await waitFor('the delivery slots full of held attempts', () => vpay.developer.heldCount === SLOTS);
    const heldIds = vpay.developer.received.map((d) => String(d.payload.OrderId));
    expect(heldIds).toHaveLength(SLOTS);

    // Another app's payment request and callback complete: paidOrder throws on anything but 200.
    const paid = await paidOrder(vpay, other);
    // ...while the same attempts still hang: none timed out and was tried again, none answered.
    expect(vpay.developer.heldCount).toBe(SLOTS);
    expect(vpay.developer.received.map((d) => String(d.payload.OrderId))).toEqual(heldIds);
    const otherState = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(other.appId, paid.outTradeNo)).query(getStatusQuery);
    expect(otherState.payment).toMatchObject({ transactionId: `txn_${paid.orderId}` });
    expect(otherState.paymentRecordedAt).not.toBeNull();

    // The endpoint recovers: every purchase is delivered, each notified exactly once.
    vpay.developer.appModes.set('slow', 'ok');
    vpay.developer.releaseHeld();
    const finals = await Promise.all([
      ...hanging.map((h) => vpay.api.client.workflow.getHandle(purchaseWorkflowId(slow.appId, h.outTradeNo)).result()),
      vpay.api.client.workflow.getHandle(purchaseWorkflowId(other.appId, paid.outTradeNo)).result(),
    ]);
    expect(finals.map((f) => f.status)).toEqual(Array(HANGING + 1).fill('DELIVERED'));
    for (const { orderId } of [...hanging, paid]) {
      expect(vpay.developer.received.filter((d) => d.payload.OrderId === orderId)).toHaveLength(1);
    }
  });
});

describe("each endpoint's share of the delivery slots (WORKER_MAX_DELIVERIES_PER_ENDPOINT)", () => {
  const SHARE_SLOTS = 4;
  const SHARE = 2;
  let vpay: Vpay;
  let slow: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    vpay = await startVpay({ WORKER_MAX_CONCURRENT_DELIVERIES: String(SHARE_SLOTS), WORKER_MAX_DELIVERIES_PER_ENDPOINT: String(SHARE) });
    // Two developers, each on an origin of its own: the share is counted per origin.
    ({ slow, other } = await slowAndOther(vpay, await vpay.developer.serveOnOwnOrigin('slow')));
  });
  afterAll(async () => {
    vpay?.developer.releaseHeld();
    await vpay?.stop();
  });

  it('a hanging endpoint holds only its share: another developer is delivered meanwhile, and the refused attempts count nothing', async () => {
    // As many of the slow app's purchases as there are slots: without the share they would fill them all.
    const hanging = await Promise.all(Array.from({ length: SHARE_SLOTS }, () => paidOrder(vpay, slow)));
    await waitFor('the slow endpoint holding its share', () => vpay.developer.heldCount === SHARE);
    const busy = () => vpay.metrics.registry.getSingleMetric('vpay_delivery_endpoint_busy_total')?.get();
    await waitFor('attempts beyond the share refused', async () => ((await busy())?.values[0]?.value ?? 0) > 0);

    // The other developer's delivery takes one of the free slots while the slow endpoint still hangs.
    const paid = await paidOrder(vpay, other);
    const otherFinal = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(other.appId, paid.outTradeNo)).result();
    expect(otherFinal).toMatchObject({ status: 'DELIVERED', deliveryAttempts: 1 });
    expect(vpay.developer.heldCount).toBe(SHARE);
    // The held attempts are counted in their rows, the refused ones not at all; none was sent twice.
    const db = createDb(vpay.databaseUrl, 1);
    try {
      const rows = await db('orders')
        .whereIn(
          'order_id',
          hanging.map((h) => h.orderId),
        )
        .select('order_id', 'delivery_attempts');
      const heldIds = new Set(vpay.developer.received.map((d) => String(d.payload.OrderId)));
      expect(rows.map((r) => [heldIds.has(r.order_id), r.delivery_attempts]).sort()).toEqual([
        [false, 0],
        [false, 0],
        [true, 1],
        [true, 1],
      ]);
    } finally {
      await db.destroy();
    }
    expect(vpay.developer.received.filter((d) => hanging.some((h) => h.orderId === d.payload.OrderId))).toHaveLength(SHARE);

    // The endpoint recovers: every order is delivered once, as its first attempt.
    vpay.developer.appModes.set('slow', 'ok');
    vpay.developer.releaseHeld();
    const finals = await Promise.all(
      hanging.map((h) => vpay.api.client.workflow.getHandle(purchaseWorkflowId(slow.appId, h.outTradeNo)).result()),
    );
    expect(finals.map((f) => [f.status, f.deliveryAttempts])).toEqual(Array(SHARE_SLOTS).fill(['DELIVERED', 1]));
    for (const { orderId } of hanging) {
      expect(vpay.developer.received.filter((d) => d.payload.OrderId === orderId).map((d) => d.attempt)).toEqual([1]);
    }
  });
});

describe('SEPARATE_DELIVERY_QUEUE', () => {
  let vpay: Vpay | undefined;
  afterEach(async () => {
    await vpay?.stop();
    vpay = undefined;
  });

  /** The task queue the delivery attempt of a purchase, paid and delivered, was scheduled on. */
  async function deliveryQueueOfAPurchase(v: Vpay): Promise<string | null | undefined> {
    const app = await setupApp(v);
    const { outTradeNo } = await paidOrder(v, app);
    const handle = v.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo));
    expect(await handle.result()).toMatchObject({ status: 'DELIVERED' });
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverOrder');
    return scheduled?.activityTaskScheduledEventAttributes?.taskQueue?.name;
  }

  it('on (the default): the delivery runs on the delivery task queue', async () => {
    vpay = await startVpay();
    expect(await deliveryQueueOfAPurchase(vpay)).toBe(`${vpay.config.taskQueue}-delivery`);
  });

  it('off (a rolling upgrade): the delivery runs on the workflow task queue, as before', async () => {
    vpay = await startVpay({ SEPARATE_DELIVERY_QUEUE: 'false' });
    expect(await deliveryQueueOfAPurchase(vpay)).toBe(vpay.config.taskQueue);
  });
});
