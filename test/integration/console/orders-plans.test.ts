// The order records' queries use migrations/008's indexes at a realistic size: 200,000 orders
// over 40 apps and ~100 days, analyzed, then each list and the export EXPLAINed as they run
// (the repository's own query builders). An index scan on the expected index, no sequential
// scan of orders and no sort of the range: a list costs its page, not the table.
import { openTestDatabase } from '../../support/vpay';
import { insertGeneratedOrders } from '../../support/generated-orders';
import type { Db } from '../../../lib/db/db';
import { EXPORT_SETTINGS, exportQuery, orderRecordsQuery, type OrderFilter, type OrderScope } from '../../../lib/db/repos/order-records';
import { explain, planNodes, tableScans, type PlanNode } from '../../../lib/db/query-plans';

const ROWS = 200_000;
const APPS = Array.from({ length: 40 }, (_, i) => `appplan${String(i).padStart(2, '0')}`);
const NOW = new Date();
const WEEK_AGO = new Date(NOW.getTime() - 7 * 86_400_000);

let db: Db;

beforeAll(async () => {
  db = await openTestDatabase();
  await db('teams').insert({ team_id: 'teamplan', name: 'plans' });
  await db('apps').insert(APPS.map((app_id, i) => ({ app_id, name: app_id, team_id: i < 3 ? 'teamplan' : null })));
  // One order every 43 s: ~100 days, so the default week is a small part of every app's rows.
  await insertGeneratedOrders(db, { count: ROWS, appIds: APPS, prefix: 'plan', newest: NOW, stepMs: 43_000 });
  await db.raw('analyze orders');
  await db.raw('analyze apps');
}, 300_000);

afterAll(async () => {
  await db?.destroy();
});

const planOf = (sql: { sql: string; bindings: readonly unknown[] }) => explain(db, sql);
const ordersScans = (plan: PlanNode) => tableScans(plan, 'orders');
const nodes = planNodes;

const week: OrderFilter = { from: WEEK_AGO, to: NOW };
const after = { createdAt: new Date(NOW.getTime() - 86_400_000).toISOString(), orderId: 'plan000100000' };

const cases: Array<[string, OrderScope, OrderFilter, string, typeof after | undefined]> = [
  ["one app's week", { appId: 'appplan07' }, week, 'orders_app_created', undefined],
  ["one app's week, the next page", { appId: 'appplan07' }, week, 'orders_app_created', after],
  // PAID has its own partial index (migrations/010, the dashboard's orders waiting for delivery),
  // which the planner may AND with the time range instead.
  ["one app's week, by status", { appId: 'appplan07' }, { ...week, status: 'PAID' }, 'orders_app_(created|paid)', undefined],
  [
    "a player's orders over a year",
    { appId: 'appplan07' },
    { from: new Date(NOW.getTime() - 365 * 86_400_000), to: NOW, openId: 'player7' },
    'orders_app_open_id',
    undefined,
  ],
  ["an item's orders", { appId: 'appplan07' }, { ...week, productId: 'gem_7' }, 'orders_app_product', undefined],
  ['every app (platform roles)', 'all', week, 'orders_created', undefined],
  ['every app, the next page', 'all', week, 'orders_created', after],
  ["a team's apps", { teamId: 'teamplan' }, week, 'orders_app_created', undefined],
];

// A narrow filter may make a bitmap scan of the same index (possibly ANDed with another, e.g. the
// status index) and a top-N sort of the few rows it finds the cheaper plan; the unfiltered lists
// are walked in the index's order (no sort at all).
it.each(cases)('the list of %s scans its index, never the table', async (_what, scope, f, index, cursor) => {
  const plan = await planOf(orderRecordsQuery(db, scope, f, { limit: 51, after: cursor }).toSQL());
  const scans = ordersScans(plan);
  expect(scans.length).toBeGreaterThan(0);
  for (const s of scans)
    expect(s).toMatch(new RegExp(`^(Index (Only )?Scan on ${index}|Bitmap Heap Scan on (\\w+ \\+ )*${index}( \\+ \\w+)*)$`));
  const unfiltered = Object.keys(f).length === 2;
  if (unfiltered) {
    for (const s of scans) expect(s).toMatch(/^Index (Only )?Scan/);
    // A team's merge sorts its apps' pages (a page per app), never an app's rows.
    if (scope === 'all' || 'appId' in scope) expect(nodes(plan).map((n) => n['Node Type'])).not.toContain('Sort');
  }
});

it("the export of an app's week, as its cursor plans it, scans its index in order, never the table", async () => {
  // The export's session settings (lib/db/repos/order-records.ts), then its query.
  const plan = await explain(db, exportQuery(db, 'appplan07', week), EXPORT_SETTINGS);
  expect(ordersScans(plan)).toEqual([expect.stringMatching(/^Index (Only )?Scan on orders_app_created$/)]);
  expect(nodes(plan).map((n) => n['Node Type'])).not.toContain('Sort');
});

it('an orderId or outTradeNo search uses the primary key or the unique key', async () => {
  const byId = ordersScans(
    await planOf(orderRecordsQuery(db, { appId: 'appplan07' }, { ...week, orderId: 'plan000000007' }, { limit: 51 }).toSQL()),
  );
  expect(byId.join()).not.toMatch(/Seq Scan/);
  const byTradeNo = ordersScans(
    await planOf(orderRecordsQuery(db, { appId: 'appplan07' }, { ...week, outTradeNo: 'planT7' }, { limit: 51 }).toSQL()),
  );
  expect(byTradeNo.join()).not.toMatch(/Seq Scan/);
});
