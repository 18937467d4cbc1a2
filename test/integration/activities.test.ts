// The activities that keep their state in PostgreSQL (activities/delivery.ts, alerts.ts) or read
// it (the order row's stored prepayId, activities/projection.ts saveNewOrder), each
// run in a MockActivityEnvironment on a database of its own: no worker, no workflow. HTTP is
// scripted (test/unit/activities/activity-deps.ts), so every outcome is chosen by the test.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/common';
import { createDb, type Db } from '../../lib/db/db';
import { getOrderWithApp, insertApp, type App } from '../../lib/db/repos/apps';
import { claimRefund, finishRefundNotifyAttempt } from '../../lib/db/repos/refunds';
import { finishDeliveryAttempt, getOrder, insertNewOrder, projectOrder, type OrderRow } from '../../lib/db/repos/orders';
import { payEventSigOf } from '../../lib/domain/signatures';
import { createDeliveryActivities, HEARTBEAT_BEFORE_POST_AFTER_MS } from '../../activities/delivery';
import { EndpointShare, endpointOf } from '../../lib/outbound/endpoint-share';
import { createAlertActivities } from '../../activities/alerts';
import { createProjectionActivities } from '../../activities/projection';
import { Failures, type DeliveryFailureDetails, type OrderDraft } from '../../workflows/definitions';
import { openTestDatabase } from '../support/vpay';
import { waitFor } from '../support/wait-for';
import { orderDraft } from '../support/order-draft';
import { activityEnvironment, failureOf, testDeps, type Answer } from '../support/activity-deps';
import { startRefusingProxy, type RefusingProxy } from '../support/tcp-proxy';

const DELIVERY_URL = 'http://developer.test/deliver';
const WEBHOOK_URL = 'http://ops.test/alerts';

let db: Db & { url: string };

beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

async function newApp(o: { deliveryTestUrl?: string | null } = {}): Promise<App> {
  return insertApp(db, { name: 'game', deliveryUrl: DELIVERY_URL, deliveryTestUrl: o.deliveryTestUrl ?? null, paymentEnabled: true });
}

/** A CREATED order of `app`, as the first step of the purchase workflow writes it. */
async function newOrder(app: App, env: 0 | 1 = 0): Promise<OrderDraft> {
  const draft = orderDraft(app.appId, env);
  await insertNewOrder(db, draft);
  return draft;
}

/** A PAID order of `app`, as the purchase workflow leaves it before delivery. */
async function paidOrder(app: App, env: 0 | 1 = 0): Promise<OrderRow> {
  const { orderId } = await newOrder(app, env);
  await projectOrder(db, { orderId, status: 'PAID', transactionId: `txn_${orderId}`, paidAmount: 300, paidAt: new Date().toISOString() });
  return (await getOrder(db, orderId))!;
}

const counted = async (c: { get(): Promise<{ values: Array<{ value: number; labels: object }> }> }, labels: object) =>
  (await c.get()).values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value ?? 0;

const attemptsOf = (orderId: string) => db('delivery_attempts').where({ order_id: orderId }).orderBy('attempt');

describe('saveNewOrder', () => {
  const save = (order: OrderDraft) => {
    const t = testDeps([], { db });
    return activityEnvironment().run(createProjectionActivities(t.deps).saveNewOrder, order);
  };

  it('answers no prepayId for a new order, nor for its own CREATED row met again', async () => {
    const order = await newOrder(await newApp());
    await expect(save({ ...order, orderId: `ord_${randomUUID()}`, outTradeNo: `T-${randomUUID()}` })).resolves.toEqual({
      prepayId: null,
    });
    await expect(save(order)).resolves.toEqual({ prepayId: null });
  });

  it('answers the prepayId a lost run wrote to the PREPAID row', async () => {
    // The run that wrote it died before its workflow task completed: the rerun meets its row.
    const order = await newOrder(await newApp());
    await projectOrder(db, { orderId: order.orderId, status: 'PREPAID', prepayId: 'pp_lost' });
    await expect(save(order)).resolves.toEqual({ prepayId: 'pp_lost' });
  });

  it('still refuses an outTradeNo another order holds', async () => {
    const order = await newOrder(await newApp());
    const failure = await failureOf(save({ ...order, orderId: `ord_${randomUUID()}` }));
    expect(failure.type).toBe(Failures.OutTradeNoConflict);
  });
});

describe('finishDeliveryAttempt (lib/db/repos/orders.ts)', () => {
  it('records an attempt once when written again (a try whose commit went unanswered)', async () => {
    const order = await paidOrder(await newApp());
    const record = { orderId: order.orderId, attempt: 1, url: DELIVERY_URL, ok: true, httpStatus: 200, error: null, durationMs: 12 };
    const first = await finishDeliveryAttempt(db, record);
    const again = await finishDeliveryAttempt(db, record);
    expect(again).toMatchObject({ status: 'DELIVERED', deliveredAt: first.deliveredAt });
    expect((await attemptsOf(order.orderId)).map((a) => [a.attempt, a.ok, a.duration_ms])).toEqual([[1, true, 12]]);
    // Another attempt of the same order is its own record.
    await finishDeliveryAttempt(db, { ...record, attempt: 2 });
    expect((await attemptsOf(order.orderId)).map((a) => a.attempt)).toEqual([1, 2]);
  });
});

describe('finishRefundNotifyAttempt (lib/db/repos/refunds.ts)', () => {
  it('records a notice attempt once when written again', async () => {
    const order = await paidOrder(await newApp());
    const refundId = `rf_${randomUUID()}`;
    const claim = await claimRefund(db, {
      refundId,
      source: 'superapp',
      appId: order.appId,
      orderId: order.orderId,
      outTradeNo: order.outTradeNo,
      outRefundNo: null,
      openId: order.openId,
      transactionId: order.transactionId!,
      refundAmount: 100,
      currencyType: order.currencyType,
      reason: 'test',
      env: 0,
      createdAt: new Date().toISOString(),
      refundedAt: new Date().toISOString(),
    });
    expect(claim.claimed).toBe(true);
    const record = { refundId, attempt: 1, url: DELIVERY_URL, ok: true, httpStatus: 200, error: null, durationMs: 9 };
    const first = await finishRefundNotifyAttempt(db, record);
    await expect(finishRefundNotifyAttempt(db, record)).resolves.toMatchObject({ notifiedAt: first.notifiedAt });
    expect(await db('refund_notify_attempts').where({ refund_id: refundId }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });
});

describe('projectOrder (lib/db/repos/orders.ts)', () => {
  it("keeps a stored prepayId: a stalled run's late PREPAID write does not replace the one answered", async () => {
    const order = await newOrder(await newApp());
    await expect(projectOrder(db, { orderId: order.orderId, status: 'PREPAID', prepayId: 'pp_rerun' })).resolves.toEqual({
      status: 'PREPAID',
      prepayId: 'pp_rerun',
      payment: null,
    });
    await projectOrder(db, { orderId: order.orderId, status: 'PREPAID', prepayId: 'pp_stalled' });
    expect(await getOrder(db, order.orderId)).toMatchObject({ status: 'PREPAID', prepayId: 'pp_rerun' });
  });

  it('returns the prepayId the row holds after the write: a stalled run wrote first, its own is kept and returned', async () => {
    // The stalled older run's PREPAID write lands after the rerun's saveNewOrder read the row
    // empty; the rerun's write (its prepay call answered another prepayId) learns the stored one.
    const order = await newOrder(await newApp());
    await projectOrder(db, { orderId: order.orderId, status: 'PREPAID', prepayId: 'pp_stalled' });
    await expect(projectOrder(db, { orderId: order.orderId, status: 'PREPAID', prepayId: 'pp_rerun' })).resolves.toEqual({
      status: 'PREPAID',
      prepayId: 'pp_stalled',
      payment: null,
    });
    const t = testDeps([], { db });
    const write = createProjectionActivities(t.deps).projectOrder;
    await expect(
      activityEnvironment().run(write, { orderId: order.orderId, status: 'PREPAID' as const, prepayId: 'pp_third' }),
    ).resolves.toEqual({ prepayId: 'pp_stalled', status: 'PREPAID', payment: null });
    expect(await getOrder(db, order.orderId)).toMatchObject({ status: 'PREPAID', prepayId: 'pp_stalled' });
    await expect(projectOrder(db, { orderId: `ord_${randomUUID()}`, status: 'PREPAID', prepayId: 'pp_x' })).resolves.toBeUndefined();
  });

  it('fills in a prepayId on a row that has none, even one moved past PREPAID', async () => {
    const order = await newOrder(await newApp());
    await projectOrder(db, {
      orderId: order.orderId,
      status: 'PAID',
      transactionId: 'txn_1',
      paidAmount: 300,
      paidAt: new Date().toISOString(),
    });
    await projectOrder(db, { orderId: order.orderId, status: 'PREPAID', prepayId: 'pp_late' });
    expect(await getOrder(db, order.orderId)).toMatchObject({ status: 'PAID', prepayId: 'pp_late' });
  });

  const paid = (orderId: string, transactionId: string, paidAt = '2026-12-02T03:00:00.000Z') =>
    ({ orderId, status: 'PAID', transactionId, paidAmount: 300, paidAt }) as const;

  it("keeps the first payment written: a later transaction's PAID write learns it and changes nothing", async () => {
    // A lost local attempt wrote txn_lost (the superapp's retry was answered from the row); a
    // second transaction reaching the workflow afterwards must not replace it.
    const order = await newOrder(await newApp());
    await projectOrder(db, { orderId: order.orderId, status: 'PREPAID', prepayId: 'pp_1' });
    const first = { transactionId: 'txn_lost', paidAmount: 300, paidAt: '2026-12-02T03:00:00.000Z' };
    await expect(projectOrder(db, paid(order.orderId, 'txn_lost'))).resolves.toEqual({ status: 'PAID', prepayId: 'pp_1', payment: first });
    await expect(projectOrder(db, paid(order.orderId, 'txn_second', '2026-12-02T03:05:00.000Z'))).resolves.toEqual({
      status: 'PAID',
      prepayId: 'pp_1',
      payment: first,
    });
    // The same payment again (a retried write) is the same.
    await expect(projectOrder(db, paid(order.orderId, 'txn_lost'))).resolves.toMatchObject({ payment: first });
    expect(await getOrder(db, order.orderId)).toMatchObject({ status: 'PAID', transactionId: 'txn_lost', paidAmount: 300 });
  });

  it('does not close a paid row: the close learns its payment, and the row keeps no close reason', async () => {
    const order = await newOrder(await newApp());
    await projectOrder(db, { orderId: order.orderId, status: 'PREPAID', prepayId: 'pp_1' });
    await projectOrder(db, paid(order.orderId, 'txn_lost'));
    await expect(projectOrder(db, { orderId: order.orderId, status: 'CLOSED', closeReason: 'payment_timeout' })).resolves.toEqual({
      status: 'PAID',
      prepayId: 'pp_1',
      payment: { transactionId: 'txn_lost', paidAmount: 300, paidAt: '2026-12-02T03:00:00.000Z' },
    });
    const row = await db('orders').where({ order_id: order.orderId }).first();
    expect(row).toMatchObject({ status: 'PAID', close_reason: null, closed_at: null, transaction_id: 'txn_lost' });
  });

  it('does not pay a closed row: a stalled attempt writing PAID after the close leaves it closed and unpaid', async () => {
    const order = await newOrder(await newApp());
    await projectOrder(db, { orderId: order.orderId, status: 'PREPAID', prepayId: 'pp_1' });
    await expect(projectOrder(db, { orderId: order.orderId, status: 'CLOSED', closeReason: 'payment_timeout' })).resolves.toEqual({
      status: 'CLOSED',
      prepayId: 'pp_1',
      payment: null,
    });
    await expect(projectOrder(db, paid(order.orderId, 'txn_stalled'))).resolves.toEqual({
      status: 'CLOSED',
      prepayId: 'pp_1',
      payment: null,
    });
    const row = await db('orders').where({ order_id: order.orderId }).first();
    expect(row).toMatchObject({
      status: 'CLOSED',
      close_reason: 'payment_timeout',
      transaction_id: null,
      paid_amount: null,
      payment_recorded_at: null,
    });
  });
});

describe('deliverOrder', () => {
  function delivery(answers: Answer[], o: { share?: EndpointShare; info?: Parameters<typeof activityEnvironment>[0]; noDb?: true } = {}) {
    const t = testDeps(answers, { db: o.noDb ? undefined : db, env: { DELIVERY_ALLOW_PRIVATE: 'true' } });
    const { deliverOrder } = createDeliveryActivities(t.deps, undefined, o.share);
    const env = activityEnvironment(o.info);
    let heartbeats = 0;
    env.on('heartbeat', () => heartbeats++);
    // run() cannot infer the result type from the function; name it.
    return {
      ...t,
      heartbeats: () => heartbeats,
      deliver: (orderId: string) => env.run(deliverOrder, { orderId }) as ReturnType<typeof deliverOrder>,
    };
  }

  it('sends one signed notice, marks the order DELIVERED and records the attempt when acknowledged', async () => {
    const app = await newApp();
    const order = await paidOrder(app);
    const t = delivery([{ status: 200, json: { returnCode: 0 } }]);

    const result = await t.deliver(order.orderId);

    expect(result.attempts).toBe(1);
    const row = (await getOrder(db, order.orderId))!;
    expect(row.status).toBe('DELIVERED');
    expect(result.deliveredAt).toBe(row.deliveredAt!.toISOString());
    expect(t.posts).toHaveLength(1);
    const [{ url, body, opts }] = t.posts;
    expect(url).toBe(DELIVERY_URL);
    expect(opts.headers).toEqual({ 'x-vpay-delivery-id': `dlv_${order.orderId}`, 'x-vpay-attempt': '1' });
    expect(opts.allowPrivate).toBe(true);
    const notice = JSON.parse(body);
    expect(JSON.parse(notice.Payload)).toMatchObject({ OrderId: order.orderId, TransactionId: order.transactionId });
    expect(notice.PayEventSig).toBe(payEventSigOf(app.appKey!, notice.Payload));
    expect(await attemptsOf(order.orderId)).toMatchObject([{ attempt: 1, ok: true, http_status: 200, url: DELIVERY_URL }]);
    expect(await counted(t.metrics.deliveryAttempts, { outcome: 'delivered' })).toBe(1);
  });

  describe('a heartbeat before the POST', () => {
    /** An attempt whose POST answers 200, with the heartbeats sent before it. */
    async function deliverNoting(justBefore = (): void => undefined): Promise<{ beforePost: number }> {
      const order = await paidOrder(await newApp());
      let beforePost = -1;
      const t = delivery([
        () => {
          beforePost = t.heartbeats();
          return { status: 200, json: { returnCode: 0 } };
        },
      ]);
      justBefore();
      await expect(t.deliver(order.orderId)).resolves.toMatchObject({ attempts: 1 });
      return { beforePost };
    }

    it('is not sent when the attempt reaches its POST quickly: it would cost the server a write per delivery', async () => {
      await expect(deliverNoting()).resolves.toEqual({ beforePost: 0 });
    });

    it('is sent when the reads before the POST were slow, so the heartbeat timeout counts from the POST', async () => {
      // The clock jumps once the attempt's first read has answered: as if that read took 5 s.
      const realNow = Date.now.bind(Date);
      let offset = 0;
      const slowRead = () => (offset = HEARTBEAT_BEFORE_POST_AFTER_MS);
      const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
      try {
        await expect(deliverNoting(() => db.once('query-response', slowRead))).resolves.toEqual({ beforePost: 1 });
      } finally {
        clock.mockRestore();
        db.off('query-response', slowRead);
      }
    });
  });

  it('fails retryably with the endpoint outage in its details on an unacknowledged answer, then counts on', async () => {
    const app = await newApp();
    const order = await paidOrder(app);
    const t = delivery([{ status: 500, json: { error: 'boom' } }, { status: 200, json: { returnCode: 1 } }, new Error('socket hang up')]);

    for (const [n, message] of [
      [1, /^HTTP 500: \{"error":"boom"\}/],
      [2, /^HTTP 200: /],
      [3, /^socket hang up$/],
    ] as const) {
      const failure = await failureOf(t.deliver(order.orderId));
      expect(failure.type).toBe(Failures.DeliveryFailed);
      expect(failure.nonRetryable).toBe(false);
      expect(failure.message).toMatch(message);
      const [details] = failure.details as [DeliveryFailureDetails];
      expect(details.endpointFailingForMs).toBeGreaterThanOrEqual(0);
      expect(t.posts[n - 1].opts.headers?.['x-vpay-attempt']).toBe(String(n));
    }
    const row = (await getOrder(db, order.orderId))!;
    expect(row).toMatchObject({ status: 'PAID', deliveryAttempts: 3, lastDeliveryError: 'socket hang up' });
    expect((await attemptsOf(order.orderId)).map((a) => [a.attempt, a.ok, a.http_status])).toEqual([
      [1, false, 500],
      [2, false, 200],
      [3, false, null],
    ]);
    expect(await counted(t.metrics.deliveryAttempts, { outcome: 'failed' })).toBe(3);
  });

  describe("the endpoint's share of the delivery slots", () => {
    const ENDPOINT = endpointOf(DELIVERY_URL);

    it('reads the order with its app in one query: the order as getOrder reads it, the app as it is', async () => {
      const app = await newApp();
      const order = await paidOrder(app);
      expect(await getOrderWithApp(db, order.orderId)).toEqual({ order, app });
      expect(await getOrderWithApp(db, 'ord_none')).toBeUndefined();
    });

    it('refuses an attempt beyond the share before counting or sending it, for the server to retry after a delay', async () => {
      const app = await newApp();
      const order = await paidOrder(app);
      const share = new EndpointShare(1);
      share.tryTake(ENDPOINT, 'another order')!;
      const t = delivery([{ status: 200, json: { returnCode: 0 } }], { share });

      const failure = await failureOf(t.deliver(order.orderId));

      expect(failure.type).toBe(Failures.EndpointBusy);
      expect(failure.nonRetryable).toBe(false);
      expect(failure.nextRetryDelay).toBeGreaterThanOrEqual(1_000);
      expect(failure.message).not.toContain('developer.test');
      expect(t.posts).toHaveLength(0);
      expect((await getOrder(db, order.orderId))!).toMatchObject({ status: 'PAID', deliveryAttempts: 0 });
      expect(await attemptsOf(order.orderId)).toEqual([]);
      expect((await t.metrics.deliveryEndpointBusy.get()).values[0]?.value).toBe(1);
      expect(share.waiting(ENDPOINT)).toBe(1);
    });

    it('gives the place back after a failed attempt and after a success; the next attempt is numbered on', async () => {
      const app = await newApp();
      const order = await paidOrder(app);
      const share = new EndpointShare(1);
      const t = delivery([{ status: 500 }, { status: 200, json: { returnCode: 0 } }], { share });

      expect((await failureOf(t.deliver(order.orderId))).type).toBe(Failures.DeliveryFailed);
      expect(share.held(ENDPOINT)).toBe(0);
      await expect(t.deliver(order.orderId)).resolves.toMatchObject({ attempts: 2 });
      expect(share.held(ENDPOINT)).toBe(0);
      expect(t.posts.map((p) => p.opts.headers?.['x-vpay-attempt'])).toEqual(['1', '2']);
    });

    it('takes no place for an order already DELIVERED: it answers at once however busy its endpoint', async () => {
      const app = await newApp();
      const order = await paidOrder(app);
      const first = await delivery([{ status: 200, json: { returnCode: 0 } }]).deliver(order.orderId);
      const share = new EndpointShare(1);
      share.tryTake(ENDPOINT, 'another order');
      await expect(delivery([], { share }).deliver(order.orderId)).resolves.toEqual(first);
    });

    it('takes no place for an attempt scheduled under the old policy (tried once): a refusal would reach its workflow', async () => {
      const app = await newApp();
      const order = await paidOrder(app);
      const share = new EndpointShare(1);
      share.tryTake(ENDPOINT, 'another order');
      const t = delivery([{ status: 200, json: { returnCode: 0 } }], {
        share,
        info: { retryPolicy: { maximumAttempts: 1 } } as Parameters<typeof activityEnvironment>[0],
      });
      await expect(t.deliver(order.orderId)).resolves.toMatchObject({ attempts: 1 });
      expect(t.posts).toHaveLength(1);
    });
  });

  it("hands any failure but a busy endpoint and the developer's own to the workflow: non-retryable here", async () => {
    // No database at all: the first read fails, as when PostgreSQL is down before the POST.
    const t = delivery([{ status: 200, json: { returnCode: 0 } }], { noDb: true });
    const failure = await failureOf(t.deliver('ord_any'));
    expect(failure.message).toMatch(/used the database/);
    expect(failure.nonRetryable).toBe(true);
    expect(t.posts).toHaveLength(0);
  });

  it('sends nothing for an order already DELIVERED (a retry after a worker died)', async () => {
    const app = await newApp();
    const order = await paidOrder(app);
    const first = await delivery([{ status: 200, json: { returnCode: 0 } }]).deliver(order.orderId);
    const t = delivery([]);
    await expect(t.deliver(order.orderId)).resolves.toEqual(first);
    expect(t.posts).toHaveLength(0);
  });

  it('wakes the other orders waiting on the endpoint once a delivery gets through after an outage', async () => {
    const app = await newApp();
    const [a, b] = [await paidOrder(app), await paidOrder(app)];
    const t = delivery([{ status: 503 }, { status: 503 }, { status: 200, json: { returnCode: 0 } }]);
    await failureOf(t.deliver(a.orderId));
    await failureOf(t.deliver(b.orderId));
    await t.deliver(a.orderId);
    await waitFor('the wake-up', () => t.woken.length > 0);
    expect(t.woken).toEqual([{ appId: app.appId, outTradeNo: b.outTradeNo }]);
  });

  describe('while the database refuses the record of an attempt the developer answered', () => {
    let proxy: RefusingProxy;
    let viaProxy: Db;
    beforeAll(async () => {
      // The same database, reached through a proxy the test can make refuse every connection.
      const url = new URL(db.url);
      proxy = await startRefusingProxy(`${url.hostname}:${url.port}`);
      url.host = proxy.address;
      viaProxy = createDb(url.toString(), 2);
    });
    afterAll(async () => {
      await viaProxy?.destroy();
      await proxy?.close();
    });
    afterEach(() => proxy.accept());

    /** deliverOrder on the proxied database, in an activity of `startToCloseTimeoutMs`; the developer acknowledges as the database goes. */
    function deliverAsTheDatabaseGoes(orderId: string, startToCloseTimeoutMs: number) {
      const t = testDeps(
        [
          () => {
            proxy.refuse();
            return { status: 200, json: { returnCode: 0 } };
          },
        ],
        { db: viaProxy, env: { DELIVERY_ALLOW_PRIVATE: 'true' } },
      );
      const env = activityEnvironment({ startToCloseTimeoutMs });
      let heartbeats = 0;
      env.on('heartbeat', () => heartbeats++);
      const { deliverOrder } = createDeliveryActivities(t.deps);
      const result = env.run(deliverOrder, { orderId }) as ReturnType<typeof deliverOrder>;
      const retries = () => t.logs.filter((l) => l.msg === 'could not record the delivery attempt yet; retrying');
      return { ...t, result, retries, heartbeats: () => heartbeats };
    }

    it('retries the record, heartbeating, and never sends again: the order ends DELIVERED with one attempt', async () => {
      const app = await newApp();
      const order = await paidOrder(app);
      const t = deliverAsTheDatabaseGoes(order.orderId, 60_000);
      await waitFor('the record refused twice', () => t.retries().length >= 2);
      expect(proxy.refused()).toBeGreaterThan(0);
      proxy.accept();

      const result = await t.result;
      expect(result.attempts).toBe(1);
      expect(t.posts).toHaveLength(1);
      expect(t.heartbeats()).toBeGreaterThanOrEqual(2);
      expect((await getOrder(db, order.orderId))!).toMatchObject({ status: 'DELIVERED', deliveryAttempts: 1, lastDeliveryError: null });
      expect((await attemptsOf(order.orderId)).map((a) => [a.attempt, a.ok])).toEqual([[1, true]]);
      expect(t.retries()[0]).toMatchObject({ orderId: order.orderId, attempt: 1, ok: true, tries: 1 });
    });

    it('gives up shortly before the activity would time out, leaving the attempt unrecorded', async () => {
      const app = await newApp();
      const order = await paidOrder(app);
      // 9 s less the 7 s kept for the last try: about 2 s of retries.
      const t = deliverAsTheDatabaseGoes(order.orderId, 9_000);
      const err = await t.result.then(
        () => undefined,
        (e: unknown) => e,
      );
      // The proxy's refusal as pg reports it, and a log line that says a second notice is coming.
      expect((err as Error).message).toMatch(/Connection terminated|ECONNRESET|ECONNREFUSED|timeout/i);
      // Sent, so the workflow's backoff paces the next attempt, never the server's quick retries.
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).nonRetryable).toBe(true);
      expect(t.posts).toHaveLength(1);
      expect(t.retries().length).toBeGreaterThanOrEqual(2);
      expect(t.logs.filter((l) => l.msg === 'could not record the delivery attempt; the next attempt notifies again')).toMatchObject([
        { level: 50, orderId: order.orderId, ok: true },
      ]);
      // Begun but not recorded: the workflow's next attempt notifies again (docs/ARCHITECTURE.md,
      // *Exactly once, in effect*).
      expect((await getOrder(db, order.orderId))!).toMatchObject({ status: 'PAID', deliveryAttempts: 1 });
      expect(await attemptsOf(order.orderId)).toEqual([]);
    });
  });

  it('fails for good on an order that does not exist', async () => {
    const t = delivery([]);
    const failure = await failureOf(t.deliver('ord_missing'));
    expect(failure.type).toBe(Failures.OrderMissing);
    expect(failure.nonRetryable).toBe(true);
  });

  it('never sends a sandbox order to the live URL: no test URL is a failed attempt', async () => {
    const app = await newApp({ deliveryTestUrl: null });
    const order = await paidOrder(app, 1);
    const t = delivery([]);
    const failure = await failureOf(t.deliver(order.orderId));
    expect(failure.type).toBe(Failures.DeliveryFailed);
    expect(failure.message).toMatch(/no deliveryTestUrl/);
    expect(t.posts).toHaveLength(0);
    expect((await getOrder(db, order.orderId))!.deliveryAttempts).toBe(1);
  });
});

describe('raiseDeliveryAlert', () => {
  function alerts(answers: Answer[], o: { attempt?: number; webhook?: boolean } = {}) {
    const t = testDeps(answers, { db, env: o.webhook === false ? {} : { ALERT_WEBHOOK_URL: WEBHOOK_URL } });
    const { raiseDeliveryAlert } = createAlertActivities(t.deps);
    const env = activityEnvironment({ attempt: o.attempt ?? 1 });
    const alertLines = () => t.logs.filter((l) => l.msg === 'ALERT: delivery stuck');
    return { ...t, alertLines, raise: (orderId: string) => env.run(raiseDeliveryAlert, { orderId }) };
  }
  const alertedAt = async (orderId: string) => (await getOrder(db, orderId))!.alertedAt;

  it('on its first attempt logs and counts the alert, posts it to the webhook and marks the order alerted', async () => {
    const app = await newApp();
    const order = await paidOrder(app);
    const t = alerts([{ status: 204 }]);

    await t.raise(order.orderId);

    expect(t.alertLines()).toHaveLength(1);
    expect(t.alertLines()[0]).toMatchObject({ level: 50, type: 'delivery_stuck', orderId: order.orderId });
    expect(await counted(t.metrics.alerts, { type: 'delivery_stuck' })).toBe(1);
    expect(t.posts).toHaveLength(1);
    expect(t.posts[0].url).toBe(WEBHOOK_URL);
    expect(t.posts[0].opts.allowPrivate).toBe(true);
    expect(JSON.parse(t.posts[0].body)).toMatchObject({
      type: 'delivery_stuck',
      orderId: order.orderId,
      appId: app.appId,
      outTradeNo: order.outTradeNo,
      attempts: 0,
      paidAt: order.paidAt!.toISOString(),
    });
    expect(await alertedAt(order.orderId)).toBeInstanceOf(Date);
  });

  it('on a retry posts again without logging or counting a second alert', async () => {
    const order = await paidOrder(await newApp());
    const t = alerts([{ status: 200 }], { attempt: 2 });
    await t.raise(order.orderId);
    expect(t.alertLines()).toHaveLength(0);
    expect(await counted(t.metrics.alerts, { type: 'delivery_stuck' })).toBe(0);
    expect(t.posts).toHaveLength(1);
  });

  it('throws on a non-2xx answer from the webhook, leaving the order unmarked for the retry', async () => {
    const order = await paidOrder(await newApp());
    const t = alerts([{ status: 503 }]);
    await expect(t.raise(order.orderId)).rejects.toThrow('alert webhook answered HTTP 503');
    expect(t.alertLines()).toHaveLength(1); // logged and counted before the webhook failed
    expect(await alertedAt(order.orderId)).toBeNull();
  });

  it('without a webhook only logs, counts and marks', async () => {
    const order = await paidOrder(await newApp());
    const t = alerts([], { webhook: false });
    await t.raise(order.orderId);
    expect(t.posts).toHaveLength(0);
    expect(t.alertLines()).toHaveLength(1);
    expect(await alertedAt(order.orderId)).toBeInstanceOf(Date);
  });

  it('does nothing for an order that is gone', async () => {
    const t = alerts([]);
    await expect(t.raise('ord_missing')).resolves.toBeUndefined();
    expect(t.posts).toHaveLength(0);
    expect(t.alertLines()).toHaveLength(0);
  });
});
