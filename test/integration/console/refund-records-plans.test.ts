// The after-sales records' queries use migrations/009's indexes at a realistic size: 200,000
// refunds over 40 apps and ~100 days, analyzed, then the list and the export EXPLAINed as they run
// (the repository's own query builders): an index scan of refunds_app_created in its order (no
// sort, no sequential scan of refunds) for the range, the searches on their own indexes.
import { openTestDatabase } from '../../support/vpay';
import { insertGeneratedRefunds } from '../../support/generated-refunds';
import type { Db } from '../../../lib/db/db';
import { EXPORT_SETTINGS } from '../../../lib/db/cursor-stream';
import { refundExportQuery, refundRecordsQuery, type RefundFilter, type RefundKey } from '../../../lib/db/repos/refund-records';
import { explain, planNodes, tableScans, type PlanNode } from '../../../lib/db/query-plans';

const ROWS = 200_000;
const APPS = Array.from({ length: 40 }, (_, i) => `appplan${String(i).padStart(2, '0')}`);
const NOW = new Date();
const WEEK_AGO = new Date(NOW.getTime() - 7 * 86_400_000);

let db: Db;

beforeAll(async () => {
  db = await openTestDatabase();
  await db('apps').insert(APPS.map((app_id) => ({ app_id, name: app_id })));
  // One refund every 43 s: ~100 days, so the default week is a small part of every app's rows.
  await insertGeneratedRefunds(db, { count: ROWS, appIds: APPS, prefix: 'plan', newest: NOW, stepMs: 43_000 });
  await db.raw('analyze refunds');
  await db.raw('analyze orders');
}, 300_000);

afterAll(async () => {
  await db?.destroy();
});

const nodes = planNodes;
const planOf = (sql: { sql: string; bindings: readonly unknown[] }, settings: readonly string[] = []) => explain(db, sql, settings);
const refundScans = (plan: PlanNode) => tableScans(plan, 'refunds');

const week: RefundFilter = { from: WEEK_AGO, to: NOW };
const after: RefundKey = { createdAt: new Date(NOW.getTime() - 86_400_000).toISOString(), refundId: 'planr000100000' };
const year: RefundFilter = { from: new Date(NOW.getTime() - 364 * 86_400_000), to: NOW };

it.each([
  ["one app's week", week, undefined],
  ["one app's week, the next page", week, after],
  ["one app's year", year, undefined],
])('the list of %s walks refunds_app_created in its order: no sort, never the table', async (_what, f, cursor) => {
  const plan = await planOf(refundRecordsQuery(db, 'appplan07', f, { limit: 51, after: cursor }).toSQL());
  expect(refundScans(plan)).toEqual([expect.stringMatching(/^Index (Only )?Scan on refunds_app_created$/)]);
  expect(nodes(plan).map((n) => n['Node Type'])).not.toContain('Sort');
});

it("the export of an app's week, as its cursor plans it, scans refunds_app_created in order, never the table", async () => {
  const plan = await planOf(refundExportQuery(db, 'appplan07', week), EXPORT_SETTINGS);
  expect(refundScans(plan)).toEqual([expect.stringMatching(/^Index (Only )?Scan on refunds_app_created$/)]);
  expect(nodes(plan).map((n) => n['Node Type'])).not.toContain('Sort');
});

it.each([
  ['orderId', { orderId: 'plan000000007' }, /^Index Scan on refunds_order$/],
  ['outTradeNo', { outTradeNo: 'planT7' }, /^Index Scan on refunds_app_out_trade_no$/],
  // Either id: a bitmap OR of the primary key and the app's unique outRefundNo.
  [
    'refundId (either id)',
    { refundId: 'planR7' },
    /^Bitmap Heap Scan on (refunds_pkey \+ refunds_app_out_refund_no|refunds_app_out_refund_no \+ refunds_pkey)$/,
  ],
])('a search by %s over a year uses its own index, never a sequential scan', async (_what, filter, index) => {
  const scans = refundScans(await planOf(refundRecordsQuery(db, 'appplan07', { ...year, ...filter }, { limit: 51 }).toSQL()));
  expect(scans).toEqual([expect.stringMatching(index)]);
});
