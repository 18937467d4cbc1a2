// vpay on the multi-service Temporal cluster `npm run cluster` runs (tools/cluster/local-cluster.ts):
// 2 history, 1 matching, 2 frontend and 1 worker service process on PostgreSQL, 2 vpay workers and
// 2 vpay APIs, each a process of its own. Under continuous purchases through both APIs, one vpay
// worker, one history service and one frontend are SIGKILLed, one after the other, and started
// again as an orchestrator would. Every purchase started must end delivered exactly once (but for
// the worker's kill between an acknowledgement and its record, see ACK_TO_COMMIT_MS), `npm run
// reconcile` must be clean, and both workers must have done work. Then every vpay worker is
// restarted in turn, as a rolling deploy, with no purchase lost.
//
// Run by `npm run test:cluster` (jest.cluster.config.js), apart from `npm test`: the first run
// builds the Temporal server from the Go module proxy (about 12 minutes cold).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startLocalCluster, type LocalCluster } from '../../tools/cluster/local-cluster';
import { startFakeDeveloper, type FakeDeveloper } from '../../tools/fakes/fake-developer';
import { startFakeSuperapp, type FakeSuperapp } from '../../tools/fakes/fake-superapp';
import { payOrder, purchase, requestPayment, retried, setupApp, type BenchApp } from '../../bench/purchaser';
import { instanceName } from '../../tools/cluster/server-config';
import { runReconcileCli, type CliResult } from '../support/reconcile-cli';
import { launchBrowser } from '../support/browser';
import { waitFor } from '../support/wait-for';
import { ContinuousPurchases, type LoadResult } from './continuous-purchases';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';

/**
 * How far from a worker's SIGKILL the acknowledgement of a notification it never recorded may
 * arrive here: before the signal, the developer's answer and one UPDATE on a loaded 2-core machine,
 * generously; after it, a notification the worker sent just before, which this process reads
 * once its event loop gets to it (seen: 24 ms after the signal, with the machine loaded).
 */
const ACK_TO_COMMIT_MS = 2_000;

const ADMIN_TOKEN = randomBytes(24).toString('hex');
const SUPERAPP_SECRET = randomBytes(24).toString('hex');

let dataDir: string;
let cluster: LocalCluster | undefined;
let developer: FakeDeveloper;
let superapp: FakeSuperapp;
let connection: Connection | undefined;
let client: Client;
/** Activity log lines per vpay worker process ('order created', 'order delivered'). */
const workDone = new Map<string, number>();
/**
 * The last error log lines (pino level 50 and up, each with its time) of the vpay processes during
 * the current test, shown when one of its purchases fails.
 */
const errorLines: string[] = [];
beforeEach(() => errorLines.splice(0));

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-cluster-'));
  superapp = await startFakeSuperapp(SUPERAPP_SECRET, { record: false });
  developer = await startFakeDeveloper({ record: false });
  cluster = await startLocalCluster({
    workers: 2,
    apis: 2,
    dataDir,
    ports: 'free',
    vpayEnv: {
      DATA_DIR: dataDir,
      SUPERAPP_BASE_URL: superapp.url,
      SUPERAPP_SECRET,
      ADMIN_TOKEN,
      LOG_LEVEL: 'info',
      DELIVERY_RETRY_INITIAL_MS: '200',
      DELIVERY_RETRY_MAX_MS: '2000',
    },
    onStep: (line) => process.stderr.write(`[cluster] ${line}\n`),
    onLog: (name, line) => {
      if (name.startsWith('vpay-') && /"level":(5|6)0/.test(line)) {
        errorLines.push(`${name} ${line.slice(0, 400)}`);
        if (errorLines.length > 10) errorLines.shift();
      }
      if (!name.startsWith('vpay-worker')) return;
      if (/"msg":"order (created|delivered)"/.test(line)) workDone.set(name, (workDone.get(name) ?? 0) + 1);
    },
  });
  connection = await Connection.connect({ address: cluster.temporal.address });
  client = new Client({ connection, namespace: cluster.temporal.namespace });
}, 30 * 60_000);

afterAll(async () => {
  await connection?.close();
  await cluster?.stop();
  await developer?.close();
  await superapp?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

/**
 * One whole purchase, delivery received. A 503 (Temporal or PostgreSQL unreachable) is retried
 * with the same request every second for up to 2 minutes, as a mini game backend would through
 * an outage; anything else fails it.
 */
const onePurchase = (app: BenchApp, tag: string, user: number) =>
  purchase(app, SUPERAPP_SECRET, developer, tag, user, 300_000, undefined, 120);

/** Resolves once the purchase workflow of every completed purchase of `app` has ended. */
async function allEnded(app: BenchApp): Promise<void> {
  for (const outTradeNo of app.tradeNos) await client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo)).result();
}

/**
 * The load's failed purchases by message, what became of its undelivered orders, and, when either
 * is not empty, the vpay processes' last error log lines.
 */
async function failuresOf(result: LoadResult, undelivered: string[], databaseUrl: string) {
  // Looking up must not hide the failure it explains: its own error is shown in its place.
  const looked = await whatBecameOf(databaseUrl, undelivered).catch((err: Error) => `could not look the orders up: ${err.message}`);
  const failures = { errors: countEach(result.errors), undelivered: looked };
  if (result.errors.length === 0 && undelivered.length === 0) return failures;
  return { ...failures, lastErrorLogs: [...errorLines] };
}

/** Failed purchases by message, counted: a short diff in CI's output however many failed alike. */
function countEach(messages: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of messages) counts[m] = (counts[m] ?? 0) + 1;
  return counts;
}

/**
 * Each order's row and workflow, as an operator would look them up: a failed purchase's story in
 * CI's output. Orders whose payment request never answered have no orderId here, only an error.
 */
async function whatBecameOf(databaseUrl: string, orderIds: string[]) {
  if (orderIds.length === 0) return [];
  const rows = await queryRows<{
    order_id: string;
    app_id: string;
    out_trade_no: string;
    status: string;
    delivery_attempts: number;
    last_delivery_error: string | null;
  }>(
    databaseUrl,
    'select order_id, app_id, out_trade_no, status, delivery_attempts, last_delivery_error from orders where order_id = any($1)',
    [orderIds],
  );
  return Promise.all(
    orderIds.map(async (orderId) => {
      const row = rows.find((r) => r.order_id === orderId);
      if (!row) return { orderId, row: 'none' };
      const workflow = await withinMs(10_000, client.workflow.getHandle(purchaseWorkflowId(row.app_id, row.out_trade_no)).describe())
        .then((d) => ({
          status: d.status.name,
          historyLength: d.historyLength,
          pendingActivities: (d.raw.pendingActivities ?? []).map((a) => ({
            type: a.activityType?.name,
            attempt: a.attempt,
            lastFailure: a.lastFailure?.message,
          })),
        }))
        .catch((err: Error) => err.message);
      const { status, delivery_attempts: attempts, last_delivery_error: lastError } = row;
      return { orderId, row: { status, attempts, lastError }, workflow };
    }),
  );
}

/**
 * The rows of one query on the cluster's vpay database, on a connection of its own. A diagnostic
 * lookup gives up rather than turn a failure's diff into the test's timeout.
 */
async function queryRows<Row>(databaseUrl: string, sql: string, params: unknown[]): Promise<Row[]> {
  const pg = new PgClient({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000, statement_timeout: 10_000 });
  await pg.connect();
  try {
    return (await pg.query(sql, params)).rows as Row[];
  } finally {
    await pg.end();
  }
}

/** `promise`, or a rejection once `ms` have passed. */
function withinMs<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The outcome vpay recorded of each delivery attempt of the orders, by `orderId/attempt`: true
 * (acknowledged), false (recorded as failed), absent when never recorded.
 */
async function recordedAttempts(databaseUrl: string, orderIds: string[]): Promise<Map<string, boolean>> {
  const rows = await queryRows<{ order_id: string; attempt: number; ok: boolean }>(
    databaseUrl,
    'select order_id, attempt, ok from delivery_attempts where order_id = any($1)',
    [orderIds],
  );
  return new Map(rows.map((r) => [`${r.order_id}/${r.attempt}`, r.ok]));
}

/** An order's acknowledged attempts: what vpay recorded of each, and its arrival in ms after each kill (negative: before it). */
function acksAgainstKills(orderId: string, killedAt: Map<string, number>, recorded: Map<string, boolean>) {
  return developer.records.get(orderId)!.acks.map(({ attempt, at }) => ({
    attempt,
    recordedByVpay: recorded.get(`${orderId}/${attempt}`) ?? 'never',
    ...Object.fromEntries([...killedAt].map(([name, t]) => [`msAfterKilling ${name}`, Math.round(at - t)])),
  }));
}

/** The reconcile CLI's exit code, with its report's end when it is not 0 (what CI shows of a failure). */
function reconcileOutcome(r: CliResult): { code: number | null; report?: string } {
  return r.code === 0 ? { code: 0 } : { code: r.code, report: (r.stdout + r.stderr).slice(-2_000) };
}

async function apps(): Promise<BenchApp[]> {
  const c = cluster!;
  const first = await setupApp({ instance: 'failover', vpayUrl: c.apis[0].url, adminToken: ADMIN_TOKEN, developer, users: 8 });
  // The same app through the second API: one order set, so the accounting covers both.
  return [first, { ...first, vpayUrl: c.apis[1].url }];
}

test("a purchase shows in the cluster's Web UI, as an operator follows it", async () => {
  const c = cluster!;
  const [app] = await apps();
  await onePurchase(app, 'ui', 0);
  const workflowId = purchaseWorkflowId(app.appId, app.tradeNos[0]);
  await client.workflow.getHandle(workflowId).result();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${c.temporal.uiUrl}/namespaces/${c.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`);
    // The workflow's page, from the cluster through the UI server: its ID and its end.
    await page.getByText(workflowId).first().waitFor({ timeout: 60_000 });
    await page
      .getByText(/completed/i)
      .first()
      .waitFor({ timeout: 60_000 });
  } finally {
    await browser.close();
  }
}, 300_000);

test(
  'SIGKILL of a vpay worker, a history service and a frontend under load: each purchase delivered, a second time only across the worker kill',
  async () => {
    const c = cluster!;
    const [viaFirst, viaSecond] = await apps();
    const load = new ContinuousPurchases([viaFirst, viaSecond], onePurchase);
    load.start(4);
    const afterMore = async (n: number, what: string) => {
      const target = load.completed + n;
      await waitFor(`${n} more purchases ${what}`, () => load.completed >= target, 300_000, 200);
    };
    await afterMore(10, 'before the first kill');

    /** performance.now() at each SIGKILL, by process name (the fake developer's clock). */
    const killedAt = new Map<string, number>();
    const killAndRestart = async (p: { name: string; kill(): Promise<void>; restart(): Promise<void> }) => {
      const t0 = Date.now();
      killedAt.set(p.name, performance.now());
      const retriedBefore = retried.payment + retried.callback;
      await p.kill();
      await afterMore(10, `with ${p.name} killed`);
      const down = Date.now() - t0;
      await p.restart();
      await afterMore(5, `after ${p.name} came back`);
      // What each kill cost, in the test's output (not asserted: the machine's speed varies).
      process.stderr.write(
        `[failover] ${p.name} SIGKILLed: 10 purchases completed without it in ${down} ms, ` +
          `${retried.payment + retried.callback - retriedBefore} 503s retried; back, and 5 more, in ${Date.now() - t0 - down} ms\n`,
      );
    };
    await killAndRestart(c.workers[0]);
    await killAndRestart(c.temporal.processes.get('history-1')!);
    // The frontend holding the most client connections: the balancer spreads connections, not
    // calls, so the other one may be carrying none of vpay's.
    const [busiest, held] = Object.entries(c.temporal.balancer.connections()).sort((a, b) => b[1] - a[1])[0];
    expect(held).toBeGreaterThan(0);
    const frontend = c.temporal.instances.find((i) => `127.0.0.1:${i.grpcPort}` === busiest)!;
    await killAndRestart(c.temporal.processes.get(instanceName(frontend))!);

    const result = await load.stop();
    // On failure, what became of every order not delivered: its row and its workflow.
    const undelivered = [...viaFirst.orders].filter((id) => !developer.records.get(id)?.ok);
    expect(await failuresOf(result, undelivered, c.databaseUrl)).toEqual({ errors: {}, undelivered: [] });
    expect(result.completed).toBeGreaterThanOrEqual(45);
    expect(result.requestedThroughEach.every((n) => n > 0)).toBe(true);

    // Exactly once, counted once every purchase's workflow has ended: an attempt whose completion
    // a kill lost is retried before its workflow can end, so no duplicate can come later.
    await allEnded(viaFirst);
    const orders = [...viaFirst.orders];
    expect(orders.length).toBe(result.completed);
    const deliveries = orders.map((id) => developer.records.get(id)?.ok ?? 0);
    expect(deliveries.filter((n) => n < 1 || n > 2)).toEqual([]);
    // The one window left (docs/ARCHITECTURE.md, *Exactly once, in effect*): a worker SIGKILLed
    // after the developer acknowledged and before DELIVERED was committed. That order is notified
    // once more by the next attempt, with the same X-Vpay-Delivery-Id. Any other repeat fails: the
    // attempt first acknowledged must be one vpay never recorded (a recorded one, even recorded as
    // failed, was not lost to the kill), and its acknowledgement must have arrived within
    // ACK_TO_COMMIT_MS of the worker's kill, either side (one sent just before the signal may be
    // read here just after it).
    const workerKilledAt = killedAt.get(c.workers[0].name)!;
    const repeated = orders.filter((id) => developer.records.get(id)!.ok > 1);
    const recorded = await recordedAttempts(c.databaseUrl, repeated);
    const outsideTheWindow = repeated.filter((id) => {
      const first = developer.records.get(id)!.acks[0];
      return recorded.has(`${id}/${first.attempt}`) || Math.abs(first.at - workerKilledAt) > ACK_TO_COMMIT_MS;
    });
    // On failure, each such order's acknowledgements against every kill, to tell which one caused it.
    expect(outsideTheWindow.map((id) => ({ id, acks: acksAgainstKills(id, killedAt, recorded) }))).toEqual([]);
    process.stderr.write(
      `[failover] ${repeated.length} of ${orders.length} orders notified twice, acknowledged around the worker's SIGKILL and never recorded by it\n`,
    );
    // And each payment confirmed to the superapp (the fake counts every test's orders).
    expect(orders.filter((id) => !superapp.confirmationsPerOrder.get(id))).toEqual([]);

    for (const w of c.workers) expect(workDone.get(w.name) ?? 0).toBeGreaterThan(0);

    const reconciled = await runReconcileCli({ databaseUrl: c.databaseUrl, config: c.config }, [], {
      TEMPORAL_ADDRESS: c.temporal.address,
    });
    expect(reconcileOutcome(reconciled)).toEqual({ code: 0 });
  },
  30 * 60_000,
);

test(
  'a rolling restart of every vpay worker onto new code (a patched workflow change) under load loses nothing',
  async () => {
    const c = cluster!;
    // Its own orders are reconciled at the end: the previous test's are its own reconcile's, so a
    // failure there is not counted twice.
    const since = new Date().toISOString();
    const [viaFirst, viaSecond] = await apps();
    // The next release's workflow bundle, as a deploy ships it.
    const bundleFile = path.join(dataDir, 'next-release-bundle.js');
    const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./next-release/workflows') });
    fs.writeFileSync(bundleFile, code);

    const load = new ContinuousPurchases([viaFirst, viaSecond], onePurchase);
    load.start(4);
    await waitFor('purchases before the rolling restart', () => load.completed >= 5, 300_000, 200);
    const before = viaFirst.tradeNos[0];
    // Requested on the old code and left unpaid across the roll.
    const requested = await requestPayment(viaFirst, 'straddle', 1, undefined, 120);
    const straddler = { ...requested, delivered: developer.waitFor(requested.orderId, 300_000) };
    straddler.delivered.catch(() => undefined);
    for (const w of c.workers) {
      // SIGTERM: the worker drains what it runs, as a deploy stops it; the other keeps serving.
      await w.stop();
      const target = load.completed + 5;
      await waitFor(`purchases while ${w.name} restarts`, () => load.completed >= target, 300_000, 200);
      await w.restart({ WORKER_WORKFLOW_BUNDLE: bundleFile });
    }
    const rolledAt = load.completed;
    await waitFor('purchases after the rolling restart', () => load.completed >= rolledAt + 5, 300_000, 200);
    const result = await load.stop();
    // The straddler is paid below.
    const undelivered = [...viaFirst.orders].filter((id) => id !== straddler.orderId && !developer.records.get(id)?.ok);
    expect(await failuresOf(result, undelivered, c.databaseUrl)).toEqual({ errors: {}, undelivered: [] });

    // The purchase the old code started and left waiting for its payment: paid now, its workflow
    // goes on on a new worker, which replays the old code's history with the new code.
    const paid = straddler.delivered;
    await payOrder(viaFirst, SUPERAPP_SECRET, straddler.orderId, 120);
    await paid;
    viaFirst.tradeNos.push(straddler.outTradeNo);

    await allEnded(viaFirst);
    const deliveries = [...viaFirst.orders].map((id) => developer.records.get(id)?.ok ?? 0);
    expect(deliveries.filter((n) => n !== 1)).toEqual([]);

    // The new code ran: a purchase started now carries its memo; those the old code started do not.
    await onePurchase(viaFirst, 'after-roll', 0);
    const after = viaFirst.tradeNos[viaFirst.tradeNos.length - 1];
    const memoOf = async (outTradeNo: string) =>
      (await client.workflow.getHandle(purchaseWorkflowId(viaFirst.appId, outTradeNo)).describe()).memo;
    expect(await memoOf(after)).toMatchObject({ release: 'next' });
    expect((await memoOf(before))?.release).toBeUndefined();
    expect((await memoOf(straddler.outTradeNo))?.release).toBeUndefined();

    const reconciled = await runReconcileCli({ databaseUrl: c.databaseUrl, config: c.config }, ['--since', since], {
      TEMPORAL_ADDRESS: c.temporal.address,
    });
    expect(reconcileOutcome(reconciled)).toEqual({ code: 0 });
  },
  30 * 60_000,
);
