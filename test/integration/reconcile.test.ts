// `npm run reconcile` (tools/ops/reconcile.ts, tools/ops/reconcile-cli.ts) on the real stack: a clean stack
// reconciles; every problem class, made by tampering behind vpay's back, is named for the right
// order; the CLI's exit codes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runReconcileCli } from '../support/reconcile-cli';
import { startVpay, type Vpay } from '../support/vpay';
import { newTradeNo, pay, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { developerLogs } from '../support/reconciled';
import { freePort } from '../../tools/dev/free-port';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { SA_APP_ID, SA_ORDER_STATUS, SA_OUT_TRADE_NO, type PurchaseInput } from '../../workflows/definitions';
import {
  reconcile,
  type DeliveryLogEntry,
  type OrderVerdict,
  type ReconcileOptions,
  type ReconcileReport,
} from '../../tools/ops/reconcile';
import { CONSOLE_KINDS } from '../../tools/ops/reconcile-console';
import { REFUND_KINDS } from '../../tools/ops/reconcile-refunds';

interface Order {
  orderId: string;
  outTradeNo: string;
}

/** What the fake developer received, as the reconciliation's delivery log. */
const deliveryLog = (vpay: Vpay): DeliveryLogEntry[] => developerLogs(vpay).deliveries;

const run = (vpay: Vpay, o: Partial<ReconcileOptions> = {}) =>
  reconcile({ db: vpay.api.db, client: vpay.api.client, taskQueue: vpay.config.taskQueue, deliveries: deliveryLog(vpay), ...o });

const handleOf = (vpay: Vpay, app: TestApp, o: Order) => vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, o.outTradeNo));

/** A paid order, awaited until its workflow has finished DELIVERED. */
async function deliveredOrder(vpay: Vpay, app: TestApp): Promise<Order> {
  const o = await prepaidOrder(vpay, app);
  expect((await pay(vpay, o.orderId, app.price)).status).toBe(200);
  expect(await handleOf(vpay, app, o).result()).toMatchObject({ status: 'DELIVERED' });
  return o;
}

/** An order the superapp refused: CLOSED, its workflow finished. */
async function rejectedOrder(vpay: Vpay, app: TestApp): Promise<Order> {
  const sd = signData(app);
  vpay.superapp.prepayMode = 'reject';
  try {
    expect((await requestPayment(vpay, app, sd)).status).toBe(502);
  } finally {
    vpay.superapp.prepayMode = 'ok';
  }
  const o = { orderId: '', outTradeNo: JSON.parse(sd).outTradeNo as string };
  const result = await handleOf(vpay, app, o).result();
  expect(result).toMatchObject({ status: 'CLOSED', closeReason: 'prepay_rejected' });
  return { ...o, orderId: result.orderId };
}

/** An order waiting for its payment (PREPAID, workflow running). */
async function prepaidOrder(vpay: Vpay, app: TestApp): Promise<Order> {
  const sd = signData(app);
  const r = await requestPayment(vpay, app, sd);
  expect(r.json).toMatchObject({ errCode: 0, status: 'PREPAID' });
  return { orderId: r.json.orderId, outTradeNo: JSON.parse(sd).outTradeNo };
}

/** A PREPAID order row with no workflow behind it (written straight to the table). */
async function insertRowWithoutWorkflow(vpay: Vpay, app: TestApp, o: Order): Promise<void> {
  await vpay.api.db('orders').insert({
    order_id: o.orderId,
    app_id: app.appId,
    open_id: app.openId,
    out_trade_no: o.outTradeNo,
    product_id: app.productId,
    buy_quantity: 1,
    goods_price: app.price,
    total_amount: app.price,
    currency_type: app.currencyType,
    env: 0,
    sign_data: '{}',
    status: 'PREPAID',
    created_at: new Date(),
  });
}

/** The console part of a report with no finding (tools/ops/reconcile-console.ts; its own test covers it). */
const cleanConsole = { counts: Object.fromEntries(CONSOLE_KINDS.map((k) => [k, 0])), findings: [] };

/** The refunds part of a report with no finding (tools/ops/reconcile-refunds.ts; reconcile-refunds.test.ts covers it). */
const cleanRefunds = (checked: number) => ({ counts: Object.fromEntries(REFUND_KINDS.map((k) => [k, 0])), findings: [], checked });

const verdictFor = (report: ReconcileReport, orderId: string): OrderVerdict | undefined =>
  report.problems.find((p) => p.orderId === orderId);

const runCli = runReconcileCli;

describe('reconcile', () => {
  let vpay: Vpay;
  let app: TestApp;
  let tmp: string;
  // Orders of the clean run, reused (and tampered with) later.
  let delivered: Order;
  let unpaid: Order;
  // The purchase continued as new, still retrying its delivery (a 'stuck' order for later tests).
  let continued: { result(): Promise<unknown> } | undefined;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-reconcile-'));
    vpay = await startVpay();
    app = await setupApp(vpay);
  });
  afterAll(async () => {
    if (vpay) vpay.developer.mode = 'ok';
    await vpay?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('finds a clean stack clean: delivered, rejected and unpaid orders all match', async () => {
    delivered = await deliveredOrder(vpay, app);
    const closed = await rejectedOrder(vpay, app);
    unpaid = await prepaidOrder(vpay, app);

    const report = await run(vpay);
    expect(report).toEqual({
      ok: true,
      counts: { match: 3, missing: 0, duplicate_delivery: 0, status_mismatch: 0, stuck: 0 },
      problems: [],
      checked: 3,
      console: cleanConsole,
      refunds: cleanRefunds(0),
    });
    // The rows really are in the three states.
    const rows = await vpay.api
      .db('orders')
      .whereIn('order_id', [delivered.orderId, closed.orderId, unpaid.orderId])
      .select('order_id', 'status');
    expect(Object.fromEntries(rows.map((r) => [r.order_id, r.status]))).toEqual({
      [delivered.orderId]: 'DELIVERED',
      [closed.orderId]: 'CLOSED',
      [unpaid.orderId]: 'PREPAID',
    });
  });

  it('status_mismatch: a row changed behind the workflow, a broken row, a delivery of an unpaid order', async () => {
    const tampered = await deliveredOrder(vpay, app);
    await vpay.api.db('orders').where({ order_id: tampered.orderId }).update({ status: 'CLOSED' });
    const broken = await deliveredOrder(vpay, app);
    await vpay.api.db('orders').where({ order_id: broken.orderId }).update({ delivered_at: null });

    const report = await run(vpay, { deliveries: [...deliveryLog(vpay), { orderId: unpaid.orderId, ok: true }] });
    expect(report.ok).toBe(false);
    expect(verdictFor(report, tampered.orderId)).toMatchObject({
      verdict: 'status_mismatch',
      rowStatus: 'CLOSED',
      workflowStatus: 'COMPLETED/DELIVERED',
      detail: expect.stringMatching(/row is CLOSED, workflow \(COMPLETED\) VpayOrderStatus is DELIVERED/),
    });
    expect(verdictFor(report, broken.orderId)).toMatchObject({
      verdict: 'status_mismatch',
      detail: expect.stringMatching(/without delivered_at/),
    });
    expect(verdictFor(report, unpaid.orderId)).toMatchObject({
      verdict: 'status_mismatch',
      detail: expect.stringMatching(/delivered but never paid/),
    });
    // Untouched orders still match.
    expect(verdictFor(report, delivered.orderId)).toBeUndefined();
    expect(report.counts.status_mismatch).toBe(3);
  });

  it('missing: a row without a workflow, a workflow without a row, a delivery never received', async () => {
    const ghost = { orderId: `ord_ghost_${Date.now()}`, outTradeNo: newTradeNo() };
    await insertRowWithoutWorkflow(vpay, app, ghost);
    const rowless = await deliveredOrder(vpay, app);
    await vpay.api.db('orders').where({ order_id: rowless.orderId }).delete();
    const unnoticed = await deliveredOrder(vpay, app);

    const report = await run(vpay, { deliveries: deliveryLog(vpay).filter((d) => d.orderId !== unnoticed.orderId) });
    expect(report.ok).toBe(false);
    expect(verdictFor(report, ghost.orderId)).toMatchObject({
      verdict: 'missing',
      rowStatus: 'PREPAID',
      workflowStatus: null,
      detail: expect.stringMatching(/no workflow execution/),
    });
    expect(report.problems.find((p) => p.orderId === null && p.outTradeNo === rowless.outTradeNo)).toMatchObject({
      verdict: 'missing',
      appId: app.appId,
      rowStatus: null,
      workflowStatus: 'COMPLETED/DELIVERED',
      detail: expect.stringMatching(/without an order row/),
    });
    // Its delivery reached the developer, for an order vpay no longer has.
    expect(verdictFor(report, rowless.orderId)).toMatchObject({ verdict: 'missing', detail: expect.stringMatching(/no row for/) });
    expect(verdictFor(report, unnoticed.orderId)).toMatchObject({
      verdict: 'missing',
      rowStatus: 'DELIVERED',
      detail: expect.stringMatching(/delivered per vpay, not received/),
    });
  });

  it('duplicate_delivery: two acknowledged deliveries of one order', async () => {
    const twice = await deliveredOrder(vpay, app);
    const report = await run(vpay, { deliveries: [...deliveryLog(vpay), { orderId: twice.orderId, ok: true }] });
    expect(report.ok).toBe(false);
    expect(verdictFor(report, twice.orderId)).toMatchObject({
      verdict: 'duplicate_delivery',
      rowStatus: 'DELIVERED',
      detail: expect.stringMatching(/2 acknowledged deliveries/),
    });
    // A failed attempt next to the acknowledged one is no duplicate.
    const fine = await run(vpay, { deliveries: [...deliveryLog(vpay), { orderId: twice.orderId, ok: false }] });
    expect(verdictFor(fine, twice.orderId)).toBeUndefined();
  });

  it('stuck: PAID and undelivered for longer than stuckAfterMs', async () => {
    vpay.developer.mode = 'http500';
    const o = await prepaidOrder(vpay, app);
    expect((await pay(vpay, o.orderId, app.price)).status).toBe(200);
    await waitFor('a failed delivery attempt', () => vpay.developer.received.some((r) => r.payload.OrderId === o.orderId));

    const report = await run(vpay, { stuckAfterMs: 0 });
    expect(report.ok).toBe(false);
    expect(verdictFor(report, o.orderId)).toMatchObject({
      verdict: 'stuck',
      rowStatus: 'PAID',
      workflowStatus: 'RUNNING/PAID',
      detail: expect.stringMatching(/PAID for \d+ s without delivery \(\d+ attempts, last error: .*500/),
    });
    // Within the default 10 minutes the same order is simply in flight.
    expect(verdictFor(await run(vpay), o.orderId)).toBeUndefined();
  });

  it('judges a purchase continued as new by its latest run', async () => {
    // Started directly (the API copies timings from config) so the run continues as new after a
    // few failed deliveries instead of 10,000 events.
    vpay.developer.mode = 'http500';
    const sd = signData(app);
    const parsed = JSON.parse(sd);
    const input: PurchaseInput = {
      order: {
        orderId: `ord_can_${Date.now()}`,
        appId: app.appId,
        openId: app.openId,
        outTradeNo: parsed.outTradeNo,
        productId: app.productId,
        buyQuantity: 1,
        goodsPrice: app.price,
        totalAmount: app.price,
        currencyType: app.currencyType,
        platform: 'android',
        env: 0,
        attach: null,
        signData: sd,
        paySig: 'unused',
        signature: 'unused',
        createdAt: new Date().toISOString(),
      },
      timings: {
        paymentTimeoutMs: 900_000,
        deliveryRetryInitialMs: 50,
        deliveryRetryMaxMs: 100,
        deliveryAlertAfterMs: 600_000,
        continueAsNewAfterEvents: 40,
      },
    };
    const o = { orderId: input.order.orderId, outTradeNo: parsed.outTradeNo as string };
    const handle = await vpay.api.client.workflow.start('purchase', {
      taskQueue: vpay.config.taskQueue,
      workflowId: purchaseWorkflowId(app.appId, o.outTradeNo),
      args: [input],
      typedSearchAttributes: [
        { key: SA_APP_ID, value: app.appId },
        { key: SA_OUT_TRADE_NO, value: o.outTradeNo },
        { key: SA_ORDER_STATUS, value: 'CREATED' },
      ],
    });
    await waitFor(
      'the PREPAID row',
      async () => (await vpay.api.db('orders').where({ order_id: o.orderId }).first())?.status === 'PREPAID',
    );
    expect((await pay(vpay, o.orderId, app.price)).status).toBe(200);
    await waitFor(
      'a continued run',
      async () => (await vpay.api.client.workflow.getHandle(handle.workflowId).describe()).runId !== handle.firstExecutionRunId,
    );
    const latest = await vpay.api.client.workflow.getHandle(handle.workflowId).describe();
    expect(latest).toMatchObject({ status: { name: 'RUNNING' } });
    expect(latest.typedSearchAttributes.get(SA_ORDER_STATUS)).toBe('PAID');

    // One order, not one per run; in flight, it matches; with stuckAfterMs 0 it is stuck.
    // (The delivery log has no times: pass only this window's part of it.)
    const window = () => ({
      since: new Date(Date.parse(input.order.createdAt) - 1),
      deliveries: deliveryLog(vpay).filter((d) => d.orderId === o.orderId),
    });
    const report = await run(vpay, window());
    expect(report).toMatchObject({ ok: true, checked: 1, problems: [] });
    const stuck = await run(vpay, { ...window(), stuckAfterMs: 0 });
    expect(stuck.problems).toEqual([expect.objectContaining({ orderId: o.orderId, verdict: 'stuck', workflowStatus: 'RUNNING/PAID' })]);
    continued = handle;
  });

  it('counts every class and scopes by time window', async () => {
    const report = await run(vpay, { stuckAfterMs: 0 });
    expect(report.ok).toBe(false);
    for (const v of ['missing', 'status_mismatch', 'stuck'] as const) expect(report.counts[v]).toBeGreaterThan(0);
    expect(report.checked).toBe(Object.values(report.counts).reduce((a, b) => a + b, 0));
    expect(report.problems).toHaveLength(report.checked - report.counts.match);
    // An empty window has nothing to check.
    const empty = await run(vpay, { since: new Date(Date.now() + 60_000), until: new Date(Date.now() + 120_000), deliveries: undefined });
    expect(empty).toMatchObject({ ok: true, checked: 0 });
  });

  describe('the CLI', () => {
    it('exits 1 and names the problems when something is wrong', async () => {
      const file = path.join(tmp, 'deliveries.jsonl');
      const log = deliveryLog(vpay);
      const twice = log.find((d) => d.ok)!;
      fs.writeFileSync(file, [...log, twice].map((d) => JSON.stringify(d)).join('\n') + '\n');
      const r = await runCli(vpay, ['--json', '--deliveries', file]);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as ReconcileReport;
      expect(report.ok).toBe(false);
      expect(report.counts.duplicate_delivery).toBeGreaterThanOrEqual(1);
      expect(report.counts.missing).toBeGreaterThanOrEqual(1);
      expect(report.counts.status_mismatch).toBeGreaterThanOrEqual(1);
      expect(verdictFor(report, twice.orderId)).toMatchObject({ verdict: 'duplicate_delivery' });

      // The human-readable form: a table of counts and one line per problem.
      const text = await runCli(vpay, []);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/^status_mismatch\s+\d+$/m);
      expect(text.stdout).toMatch(/NOT OK/);
      expect(text.stdout).toContain(app.appId);
    });

    it('exits 0 when every order in the window matches', async () => {
      vpay.developer.mode = 'ok';
      // Let the continued purchase finish first: each run it continues into starts anew, and a
      // run started after `since` would fall into this window.
      await continued?.result();
      const since = new Date();
      const o = await deliveredOrder(vpay, app);
      const r = await runCli(vpay, ['--json', '--since', since.toISOString()]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        ok: true,
        counts: { match: 1, missing: 0, duplicate_delivery: 0, status_mismatch: 0, stuck: 0 },
        problems: [],
        checked: 1,
        console: cleanConsole,
        refunds: cleanRefunds(0),
        // The CLI checks vpay's task queues too (test/integration/reconcile-queues.test.ts): the worker polls both.
        queues: {
          findings: [],
          queues: [
            {
              role: 'workflow',
              taskQueue: vpay.config.taskQueue,
              type: 'workflow',
              pollers: expect.any(Number),
              lastPollAt: expect.any(String),
            },
            {
              role: 'workflow',
              taskQueue: vpay.config.taskQueue,
              type: 'activity',
              pollers: expect.any(Number),
              lastPollAt: expect.any(String),
            },
            {
              role: 'delivery',
              taskQueue: vpay.config.deliveryTaskQueue,
              type: 'activity',
              pollers: expect.any(Number),
              lastPollAt: expect.any(String),
            },
          ],
        },
      });
      // The order really is in that window.
      const row = await vpay.api.db('orders').where({ order_id: o.orderId }).first('created_at');
      expect(row.created_at.getTime()).toBeGreaterThanOrEqual(since.getTime());
    });

    it('exits 2 on a usage error or when the database is unreachable', async () => {
      const usage = await runCli(vpay, ['--since', 'yesterday']);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/--since: not an ISO 8601 time/);

      const deadUrl = `postgres://postgres:postgres@127.0.0.1:${await freePort()}/vpay`;
      const down = await runCli(vpay, ['--json'], { DATABASE_URL: deadUrl });
      expect(down.code).toBe(2);
      expect(down.stderr).toMatch(/cannot read the orders table/);
      expect(down.stdout).toBe(''); // nothing but the report ever goes to stdout
      expect(down.stderr).not.toContain(':postgres@'); // the password is not printed
    });
  });

  describe('orders awaiting payment whose workflow is gone (terminated, reset away, past retention)', () => {
    /** A PREPAID order whose purchase an operator terminated: nothing will ever finish it. */
    async function lostOrder(): Promise<Order> {
      const o = await prepaidOrder(vpay, app);
      await handleOf(vpay, app, o).terminate('an operator mistake');
      return o;
    }
    const rowOf = (o: Order) => vpay.api.db('orders').where({ order_id: o.orderId }).first('status', 'close_reason');

    it('are reported, and with repair closed (workflow_lost); a paid one is reported, never closed', async () => {
      const since = new Date();
      const lost = await lostOrder();
      // A row whose workflow is not there at all (gone past retention, say).
      const vanished = { orderId: `ord_vanished_${Date.now()}`, outTradeNo: newTradeNo() };
      await insertRowWithoutWorkflow(vpay, app, vanished);
      // Paid, its delivery failing, then terminated: the player paid, so this one is for a person.
      vpay.developer.mode = 'http500';
      const paid = await prepaidOrder(vpay, app);
      expect((await pay(vpay, paid.orderId, app.price)).status).toBe(200);
      await waitFor('a failed delivery attempt', () => vpay.developer.received.some((r) => r.payload.OrderId === paid.orderId));
      await handleOf(vpay, app, paid).terminate('an operator mistake');
      vpay.developer.mode = 'ok';
      const waiting = await prepaidOrder(vpay, app);
      const window = { since, deliveries: undefined };

      const report = await run(vpay, window);
      expect(report.ok).toBe(false);
      expect(report.repaired).toBeUndefined();
      expect(verdictFor(report, lost.orderId)).toMatchObject({
        verdict: 'status_mismatch',
        rowStatus: 'PREPAID',
        workflowStatus: 'TERMINATED/PREPAID',
        detail: expect.stringMatching(/nothing will finish this order/),
      });
      expect(verdictFor(report, vanished.orderId)).toMatchObject({ verdict: 'missing', rowStatus: 'PREPAID', workflowStatus: null });
      expect(verdictFor(report, paid.orderId)).toMatchObject({
        verdict: 'status_mismatch',
        rowStatus: 'PAID',
        workflowStatus: 'TERMINATED/PAID',
      });
      expect(verdictFor(report, waiting.orderId)).toBeUndefined();

      // Pointed at the wrong place (here: a task queue no purchase runs on), every workflow looks
      // gone: repair refuses rather than close every unpaid order of the window.
      await expect(run(vpay, { ...window, repair: true, taskQueue: 'no-purchase-runs-here' })).rejects.toThrow(/refusing to repair/);
      expect(await rowOf(waiting)).toMatchObject({ status: 'PREPAID' });
      expect(await rowOf(lost)).toMatchObject({ status: 'PREPAID' });

      const repaired = await run(vpay, { ...window, repair: true });
      expect(repaired.repaired?.map((v) => v.orderId).sort()).toEqual([lost.orderId, vanished.orderId].sort());
      expect(repaired.problems.map((p) => p.orderId)).toEqual([paid.orderId]);
      expect(await rowOf(lost)).toEqual({ status: 'CLOSED', close_reason: 'workflow_lost' });
      expect(await rowOf(vanished)).toEqual({ status: 'CLOSED', close_reason: 'workflow_lost' });
      expect(await rowOf(paid)).toMatchObject({ status: 'PAID' });
      expect(await rowOf(waiting)).toMatchObject({ status: 'PREPAID' });

      // Repaired orders match from then on: a payment for them is refused (40902) and refunded.
      const after = await run(vpay, window);
      expect(after.problems.map((p) => p.orderId)).toEqual([paid.orderId]);
      expect(after.counts.match).toBe(3);
      expect((await pay(vpay, lost.orderId, app.price)).json.returnCode).toBe(40902);
    });

    it('the CLI reports them (exit 1) and repairs them with --repair (exit 0 once nothing else is wrong)', async () => {
      const since = new Date();
      const lost = await lostOrder();
      const seen = await runCli(vpay, ['--json', '--since', since.toISOString()]);
      expect(seen.code).toBe(1);
      expect(verdictFor(JSON.parse(seen.stdout), lost.orderId)).toMatchObject({ verdict: 'status_mismatch' });
      expect(await rowOf(lost)).toMatchObject({ status: 'PREPAID' });

      const fixed = await runCli(vpay, ['--since', since.toISOString(), '--repair']);
      expect(fixed.code).toBe(0);
      expect(fixed.stdout).toMatch(/^repaired\s+1$/m);
      expect(fixed.stdout).toContain(lost.orderId);
      expect(await rowOf(lost)).toEqual({ status: 'CLOSED', close_reason: 'workflow_lost' });
    });
  });
});
