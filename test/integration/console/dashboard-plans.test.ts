// The dashboard's queries read along indexes at a realistic size: 200,000 orders with one refund
// each (and a delivery attempt per paid order) over 40 apps and a year, analyzed, then each query
// EXPLAINed as it runs (the repository's own builders). The series scan one app's days of
// orders_app_created and refunds_app_created (delivery_attempts only through its index); the
// snapshot reads migrations/010's partial indexes and 009's refunds_waiting_notice. No query
// reads orders, refunds or delivery_attempts whole.
import { openTestDatabase } from '../../support/vpay';
import { insertGeneratedRefunds } from '../../support/generated-refunds';
import type { Db } from '../../../lib/db/db';
import {
  orderDaysQuery,
  refundDaysQuery,
  refundsOutstandingQuery,
  waitingDeliveryQuery,
  type DayWindow,
} from '../../../lib/db/repos/dashboard';
import { explain, tableScans, type PlanNode } from '../../../lib/db/query-plans';
import { addDays } from '../../../lib/domain/day-range';

const ROWS = 200_000;
const APPS = Array.from({ length: 40 }, (_, i) => `appdash${String(i).padStart(2, '0')}`);
const TODAY = new Date().toISOString().slice(0, 10);

let db: Db;

beforeAll(async () => {
  db = await openTestDatabase();
  await db('apps').insert(APPS.map((app_id) => ({ app_id, name: app_id })));
  // One order (and its refund) every 158 s: a year, so 92 days are a quarter of every app's rows.
  await insertGeneratedRefunds(db, { count: ROWS, appIds: APPS, prefix: 'dash', newest: new Date(), stepMs: 158_000 });
  // The paid orders' attempts: the first-attempt check reads this table by (order_id, attempt).
  await db.raw(`insert into delivery_attempts (order_id, attempt, url, ok, duration_ms, attempted_at)
    select order_id, 1, 'https://game.example/notify', status = 'DELIVERED', 20, created_at + interval '21 seconds'
    from orders where delivery_attempts > 0`);
  await db.raw('analyze');
}, 300_000);

afterAll(async () => {
  await db?.destroy();
});

const planOf = (q: { toSQL(): { sql: string; bindings: readonly unknown[] } }) => explain(db, q.toSQL());
const scan = (index: string) => expect.stringMatching(new RegExp(`^(Index Scan|Index Only Scan|Bitmap Heap Scan) on ${index}$`));
const noSeqScan = (plan: PlanNode) =>
  ['orders', 'refunds', 'delivery_attempts'].flatMap((t) => tableScans(plan, t)).filter((s) => s.startsWith('Seq Scan'));

const windows: Array<[string, DayWindow]> = [7, 30, 92].flatMap((n) =>
  [undefined, 0 as const].map((env): [string, DayWindow] => [
    `${n} days${env === undefined ? '' : `, env ${env}`}`,
    { appId: 'appdash07', from: addDays(TODAY, 1 - n), to: TODAY, tz: 'Asia/Shanghai', env },
  ]),
);

it.each(windows)('the orders of %s: a range of orders_app_created, attempts by their index', async (_what, w) => {
  const plan = await planOf(orderDaysQuery(db, w));
  expect(tableScans(plan, 'orders')).toEqual([scan('orders_app_created')]);
  expect(tableScans(plan, 'delivery_attempts')).toEqual([scan('delivery_attempts_order_id_attempt_index')]);
  expect(noSeqScan(plan)).toEqual([]);
});

it.each(windows)('the refunds of %s: a range of refunds_app_created', async (_what, w) => {
  const plan = await planOf(refundDaysQuery(db, w));
  expect(tableScans(plan, 'refunds')).toEqual([scan('refunds_app_created')]);
  expect(noSeqScan(plan)).toEqual([]);
});

// appdash01's orders are all PAID (a backlog of 5,000 waiting) and its refunds all PENDING (generated-refunds.ts).
it.each([undefined, 1 as const])('the waiting deliveries (env %s) read orders_app_paid only', async (env) => {
  const plan = await planOf(waitingDeliveryQuery(db, { appId: 'appdash01', env }, 600_000));
  expect(tableScans(plan, 'orders')).toEqual([scan('orders_app_paid')]);
});

it.each([undefined, 1 as const])('the refunds under way (env %s) read refunds_app_pending and refunds_waiting_notice', async (env) => {
  const scans = tableScans(await planOf(refundsOutstandingQuery(db, { appId: 'appdash01', env })), 'refunds');
  expect(scans).toHaveLength(2);
  expect(scans).toEqual(expect.arrayContaining([scan('refunds_app_pending'), scan('refunds_waiting_notice')]));
});
