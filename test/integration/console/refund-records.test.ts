// CONTRACT.md 8.4 on the real stack: the after-sales records of an app (the refunds, selected by
// their initiation date): the defaults of from/to, the 12-month limit and the other 400/40003s,
// the orderId, outTradeNo and refundId (vpay's or the outRefundNo) searches, paging through
// cursors at equal createdAt, another team's app (404/40403), and the CSV and XLSX exports read
// back and compared to the list. Refunds are written straight into the table (the refund workflow
// is not what is tested here): test/support/generated-refunds.ts.
import ExcelJS from 'exceljs';
import { startVpay, type Vpay } from '../../support/vpay';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { insertGeneratedOrders } from '../../support/generated-orders';
import { insertGeneratedRefunds, insertRefund } from '../../support/generated-refunds';
import { csvText, parseCsv } from '../../support/export-download';
import { REFUND_EXPORT_COLUMNS } from '../../../api/console/refund-records/export-files';
import type { Role } from '../../../lib/domain/console/permissions';

const DAY_MS = 86_400_000;
/** 8.2's refund: every listed refund has exactly these fields. */
const REFUND_FIELDS = [
  'refundId',
  'outRefundNo',
  'source',
  'orderId',
  'appId',
  'outTradeNo',
  'openId',
  'refundAmount',
  'currencyType',
  'reason',
  'status',
  'failReason',
  'createdAt',
  'refundedAt',
  'notifiedAt',
  'notifyAttempts',
];
/** The generated refunds: 4 per createdAt (ties), one group every ~50 minutes, the newest an hour ago. */
const GENERATED = 130;
const genNewest = new Date(Date.now() - 3_600_000);
const FORMULA = '=HYPERLINK("http://evil.example","click")';

let vpay: Vpay;
let world: ConsoleWorld;

const as = (role: Role, method: string, path: string) => consoleCall(vpay, world.tokens[role], method, path);
const db = () => vpay.api.db;
const list = (query: string, role: Role = 'mp_operator') => as(role, 'GET', `/apps/${world.appId}/refunds?${query}`);
const ids = (refunds: any[]) => refunds.map((r) => r.refundId);

/** The refunds the database holds for the app in [from, to), as the list orders them. */
async function expectedIds(appId: string, from: Date | string, to: Date | string): Promise<string[]> {
  const rows = await db()('refunds')
    .where('app_id', appId)
    .andWhere('created_at', '>=', from)
    .andWhere('created_at', '<', to)
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'refund_id', order: 'desc' },
    ])
    .select('refund_id');
  return rows.map((r: any) => r.refund_id);
}

/**
 * Every page of a list, following nextCursor with the query's filters (a cursor carries the range,
 * not the filters); asserts each page's from/to are the first's.
 */
async function allPages(query: string, limit: number): Promise<{ refunds: any[]; pages: number; from: string; to: string }> {
  const refunds: any[] = [];
  let cursor: string | null = null;
  let range: { from: string; to: string } | undefined;
  let pages = 0;
  do {
    const r = await list(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status).toBe(200);
    range ??= { from: r.json.from, to: r.json.to };
    expect({ from: r.json.from, to: r.json.to }).toEqual(range);
    expect(r.json.refunds.length).toBeLessThanOrEqual(limit);
    refunds.push(...r.json.refunds);
    cursor = r.json.nextCursor;
    pages++;
  } while (cursor);
  return { refunds, pages, ...range! };
}

beforeAll(async () => {
  vpay = await startVpay();
  world = await consoleWorld(vpay);
  // ~ every 50 min (with microseconds), 4 refunds per instant: 130 refunds over the last ~28 hours.
  await insertGeneratedRefunds(db(), {
    count: GENERATED,
    appIds: [world.appId],
    prefix: 'rr',
    newest: genNewest,
    stepMs: 3_000_000.123,
    sameTime: 4,
  });
  // Older refunds of the app: 10 days (outside the default week), 11 months, 13 months ago.
  await insertGeneratedOrders(db(), {
    count: 5,
    appIds: [world.appId],
    prefix: 'old',
    newest: new Date(Date.now() - 400 * DAY_MS),
    stepMs: 1000,
  });
  await insertRefund(db(), { refundId: 'rfd_10days', orderId: 'old000000001', createdAt: new Date(Date.now() - 10 * DAY_MS) });
  await insertRefund(db(), { refundId: 'rfd_11months', orderId: 'old000000002', createdAt: new Date(Date.now() - 335 * DAY_MS) });
  await insertRefund(db(), { refundId: 'rfd_13months', orderId: 'old000000003', createdAt: new Date(Date.now() - 395 * DAY_MS) });
  // A second refund of order 12, a reason a spreadsheet would run, and an id that is another refund's outRefundNo.
  await insertRefund(db(), {
    refundId: 'rfd_second12',
    orderId: 'rr000000012',
    outRefundNo: 'game-refund-12b',
    source: 'game',
    reason: FORMULA,
    createdAt: new Date(genNewest.getTime() - 30 * 60_000),
  });
  await insertRefund(db(), { refundId: 'shared-id', orderId: 'rr000000020', createdAt: new Date(genNewest.getTime() - 40 * 60_000) });
  await insertRefund(db(), {
    refundId: 'rfd_claims_shared',
    orderId: 'rr000000021',
    outRefundNo: 'shared-id',
    source: 'console',
    createdAt: new Date(genNewest.getTime() - 50 * 60_000),
  });
  // The other team's app: a refund with the same outRefundNo as one of world.appId's.
  await insertGeneratedOrders(db(), { count: 1, appIds: [world.otherAppId], prefix: 'oth', newest: genNewest, stepMs: 1000 });
  await insertRefund(db(), { refundId: 'rfd_other', orderId: 'oth000000001', outRefundNo: 'shared-id', createdAt: genNewest });
}, 120_000);

afterAll(async () => {
  await vpay?.stop();
});

describe('GET /apps/{appId}/refunds', () => {
  it("lists the app's refunds of the last 7 days by default, newest first, each as 8.2 shows it", async () => {
    const before = Date.now();
    const r = await list('limit=200');
    const after = Date.now();
    expect(r.status).toBe(200);
    expect(r.json.errCode).toBe(0);
    const to = Date.parse(r.json.to);
    expect(to).toBeGreaterThanOrEqual(before - 1);
    expect(to).toBeLessThanOrEqual(after);
    expect(Date.parse(r.json.from)).toBe(to - 7 * DAY_MS);
    expect(r.json.nextCursor).toBeNull();
    // Every generated refund and the three hand-made ones of the app; not the 10-day-old one.
    expect(r.json.refunds).toHaveLength(GENERATED + 3);
    expect(ids(r.json.refunds)).toEqual(await expectedIds(world.appId, r.json.from, r.json.to));
    expect(ids(r.json.refunds)).not.toContain('rfd_10days');
    for (const refund of r.json.refunds) expect(Object.keys(refund).sort()).toEqual([...REFUND_FIELDS].sort());
    // Refunds 1 to 4 are the newest (one instant, refundId descending). 1 is a game's, PENDING
    // (i % 10 = 1); 3 the superapp's; 5 a console's; 10 FAILED.
    expect(ids(r.json.refunds.slice(0, 4))).toEqual(['rrr000000004', 'rrr000000003', 'rrr000000002', 'rrr000000001']);
    const byId = new Map(r.json.refunds.map((x: any) => [x.refundId, x]));
    expect(byId.get('rrr000000001')).toEqual({
      refundId: 'rrr000000001',
      outRefundNo: 'rrR1',
      source: 'game',
      orderId: 'rr000000001',
      appId: world.appId,
      outTradeNo: 'rrT1',
      openId: 'player1',
      refundAmount: 2,
      currencyType: 'USD',
      reason: 'refund 1',
      status: 'PENDING',
      failReason: null,
      createdAt: genNewest.toISOString(),
      refundedAt: null,
      notifiedAt: null,
      notifyAttempts: 0,
    });
    expect(byId.get('rrr000000003')).toMatchObject({ source: 'superapp', outRefundNo: null, status: 'SUCCEEDED', notifyAttempts: 1 });
    expect(byId.get('rrr000000010')).toMatchObject({ source: 'game', status: 'FAILED', failReason: 'refused by the superapp' });
    expect(byId.get('rrr000000005')).toMatchObject({ source: 'console', outRefundNo: 'rrR5' });
  });

  it('answers the range it was given; to alone moves the default from; from is inclusive, to exclusive', async () => {
    // A date (midnight UTC) and a time with an offset (its + encoded), a month ago.
    const [day, next] = [30, 29].map((n) => new Date(Date.now() - n * DAY_MS).toISOString().slice(0, 10));
    const r = await list(`from=${day}&to=${next}T08:00:00%2B08:00&limit=1`);
    expect(r.status).toBe(200);
    expect({ from: r.json.from, to: r.json.to }).toEqual({ from: `${day}T00:00:00.000Z`, to: `${next}T00:00:00.000Z` });
    const to = new Date(Date.now() - 9 * DAY_MS);
    const onlyTo = await list(`to=${to.toISOString()}`);
    expect(onlyTo.status).toBe(200);
    expect(onlyTo.json.from).toBe(new Date(to.getTime() - 7 * DAY_MS).toISOString());
    expect(ids(onlyTo.json.refunds)).toEqual(['rfd_10days']);
    // A refund at exactly `from` is in; one at exactly `to` is out.
    const at = (await db()('refunds').where({ refund_id: 'rfd_10days' }).first()).created_at as Date;
    const exact = (from: Date, toAt: Date) => list(`from=${from.toISOString()}&to=${toAt.toISOString()}`);
    expect(ids((await exact(at, new Date(at.getTime() + 1))).json.refunds)).toEqual(['rfd_10days']);
    expect(ids((await exact(new Date(at.getTime() - 1), at)).json.refunds)).toEqual([]);
  });

  it('reaches back 12 months, not more', async () => {
    const year = await list(`from=${new Date(Date.now() - 364 * DAY_MS).toISOString()}&limit=200`);
    expect(year.status).toBe(200);
    expect(ids(year.json.refunds)).toContain('rfd_11months');
    expect(ids(year.json.refunds)).not.toContain('rfd_13months');
    for (const query of [
      `from=${new Date(Date.now() - 367 * DAY_MS).toISOString()}`,
      `from=${new Date(Date.now() - 400 * DAY_MS).toISOString()}&to=${new Date(Date.now() - 390 * DAY_MS).toISOString()}`,
      // No from: 7 days before a `to` of two years ago.
      `to=${new Date(Date.now() - 730 * DAY_MS).toISOString()}`,
    ]) {
      const r = await list(query);
      expect({ query, status: r.status, errCode: r.json.errCode }).toEqual({ query, status: 400, errCode: 40003 });
      expect(r.json.errMsg).toMatch(/oldest kept/);
    }
  });

  it.each([
    ['to before from', `from=${new Date(Date.now() - DAY_MS).toISOString()}&to=${new Date(Date.now() - 2 * DAY_MS).toISOString()}`],
    ['a malformed from', 'from=2026-13-01'],
    ['a day that does not exist', 'from=2026-02-30'],
    ['a malformed to', 'to=yesterday'],
  ])('refuses %s with 400/40003', async (_what, query) => {
    const r = await list(query);
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 400, errCode: 40003 });
  });

  it.each([
    ['limit=0', 40001],
    ['limit=201', 40001],
    ['cursor=not-a-cursor', 40001],
    [`cursor=${Buffer.from(JSON.stringify(['2026-05-01 10:00', 'x', '2026-05-01', '2026-05-02'])).toString('base64url')}`, 40001],
    [`orderId=${'x'.repeat(65)}`, 40001],
  ])('refuses %s with 400/%d', async (query, errCode) => {
    const r = await list(query);
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 400, errCode });
  });

  it('finds refunds by orderId and outTradeNo within the range', async () => {
    const byOrder = await list('orderId=rr000000012');
    expect(ids(byOrder.json.refunds)).toEqual(['rfd_second12', 'rrr000000012']);
    const byTradeNo = await list('outTradeNo=rrT12');
    expect(ids(byTradeNo.json.refunds)).toEqual(['rfd_second12', 'rrr000000012']);
    // Within the range only: the range before the refunds of order 12 has none.
    const earlier = await list(`orderId=rr000000012&to=${new Date(Date.now() - 3 * DAY_MS).toISOString()}`);
    expect(earlier.json.refunds).toEqual([]);
    // An empty parameter is no filter; another app's order is not there.
    expect((await list('orderId=&limit=1')).json.refunds).toHaveLength(1);
    expect((await list('orderId=oth000000001')).json.refunds).toEqual([]);
  });

  it("finds a refund by vpay's refundId or by its outRefundNo, in this app only", async () => {
    expect(ids((await list('refundId=rrr000000007')).json.refunds)).toEqual(['rrr000000007']);
    expect(ids((await list('refundId=rrR7')).json.refunds)).toEqual(['rrr000000007']);
    expect(ids((await list('refundId=game-refund-12b')).json.refunds)).toEqual(['rfd_second12']);
    // One refund's id is another's outRefundNo: both match; the other app's refund with that outRefundNo does not.
    expect(ids((await list('refundId=shared-id')).json.refunds)).toEqual(['shared-id', 'rfd_claims_shared']);
    expect((await list('refundId=rfd_other')).json.refunds).toEqual([]);
    // Combined with the other filters (AND).
    expect(ids((await list('refundId=rrR7&orderId=rr000000007')).json.refunds)).toEqual(['rrr000000007']);
    expect((await list('refundId=rrR7&orderId=rr000000008')).json.refunds).toEqual([]);
  });

  it('pages through cursors: every refund once, in order, across equal createdAt, the same range on every page', async () => {
    const { refunds, pages, from, to } = await allPages('', 7);
    expect(ids(refunds)).toEqual(await expectedIds(world.appId, from, to));
    expect(new Set(ids(refunds)).size).toBe(GENERATED + 3);
    expect(pages).toBe(Math.ceil((GENERATED + 3) / 7));
    // The generated refunds come in fours at one createdAt: pages of 7 cut through those ties.
    const ties = await db().raw(`select count(*)::int as n from refunds where app_id = ? group by created_at having count(*) > 1`, [
      world.appId,
    ]);
    expect(ties.rows.length).toBeGreaterThan(GENERATED / 4 - 2);
    // With a filter, given again with each cursor.
    const filtered = await allPages('outTradeNo=rrT12', 1);
    expect(ids(filtered.refunds)).toEqual(['rfd_second12', 'rrr000000012']);
  });

  it("hides another team's app (404/40403), and the platform roles see every app", async () => {
    for (const path of [`/apps/${world.otherAppId}/refunds`, `/apps/${world.otherAppId}/refunds/export`, '/apps/no-such-app/refunds']) {
      const r = await as('mp_admin', 'GET', path);
      expect({ path, status: r.status, errCode: r.json.errCode }).toEqual({ path, status: 404, errCode: 40403 });
    }
    const fromOtherTeam = await consoleCall(vpay, world.otherAdminToken, 'GET', `/apps/${world.appId}/refunds`);
    expect({ status: fromOtherTeam.status, errCode: fromOtherTeam.json.errCode }).toEqual({ status: 404, errCode: 40403 });
    // Visibility comes before the query: a bad range on a hidden app is still 404.
    expect((await as('mp_admin', 'GET', `/apps/${world.otherAppId}/refunds?from=nonsense`)).json.errCode).toBe(40403);
    const platform = await as('platform_admin', 'GET', `/apps/${world.otherAppId}/refunds`);
    expect(ids(platform.json.refunds)).toEqual(['rfd_other']);
    const noToken = await consoleCall(vpay, 'wrong-token', 'GET', `/apps/${world.appId}/refunds`);
    expect({ status: noToken.status, errCode: noToken.json.errCode }).toEqual({ status: 401, errCode: 40100 });
  });

  it('writes nothing to the audit log (reads, like the order records)', async () => {
    const before = await db()('audit_log').count<{ n: string }[]>({ n: '*' });
    await list('');
    await fetch(`${vpay.url}/v1/console/apps/${world.appId}/refunds/export?format=csv`, {
      headers: { authorization: `Bearer ${world.tokens.mp_admin}` },
    }).then((r) => r.arrayBuffer());
    expect(await db()('audit_log').count<{ n: string }[]>({ n: '*' })).toEqual(before);
  });
});

describe('GET /apps/{appId}/refunds/export', () => {
  const download = async (query: string, role: Role = 'mp_operator') => {
    const res = await fetch(`${vpay.url}/v1/console/apps/${world.appId}/refunds/export?${query}`, {
      headers: { authorization: `Bearer ${world.tokens[role]}` },
    });
    return { res, body: Buffer.from(await res.arrayBuffer()) };
  };

  it("exports the list's refunds as CSV: a header row, then one row per refund with the list's values", async () => {
    const { res, body } = await download('format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const day = (iso: string) => iso.slice(0, 10);
    const listed = await allPages('', 200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="refunds-${world.appId}-${day(listed.from)}-${day(listed.to)}.csv"`,
    );
    const rows = parseCsv(body.toString('utf8'));
    expect(rows[0]).toEqual([...REFUND_EXPORT_COLUMNS]);
    expect([...REFUND_EXPORT_COLUMNS].sort()).toEqual([...REFUND_FIELDS].sort());
    expect(rows).toHaveLength(listed.refunds.length + 1);
    // The formula in a reason gets a leading ' (a spreadsheet runs nothing); every other cell is the list's value.
    const guarded = (refund: any) => REFUND_EXPORT_COLUMNS.map((c) => (refund[c] === FORMULA ? `'${FORMULA}` : csvText(refund[c])));
    expect(rows.slice(1)).toEqual(listed.refunds.map(guarded));
    expect(rows.slice(1).find((r) => r[0] === 'rfd_second12')).toContain(`'${FORMULA}`);
  });

  it('exports as XLSX with the filters of the list, typed cells, the text exact', async () => {
    const { res, body } = await download('format=xlsx&refundId=game-refund-12b');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="refunds-${world.appId}-.*\\.xlsx"$`));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(body as any);
    const sheet = book.getWorksheet('refunds')!;
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual([...REFUND_EXPORT_COLUMNS]);
    expect(sheet.actualRowCount).toBe(2);
    const [refund] = (await list('refundId=game-refund-12b')).json.refunds;
    expect(refund.reason).toBe(FORMULA);
    expect(values(2)).toEqual(REFUND_EXPORT_COLUMNS.map((c) => refund[c] ?? undefined));
    // The whole range, too: every refund of the list, in its order.
    const all = await download('format=xlsx');
    const whole = new ExcelJS.Workbook();
    await whole.xlsx.load(all.body as any);
    const rows = whole.getWorksheet('refunds')!;
    const listed = await allPages('', 200);
    expect(rows.actualRowCount).toBe(listed.refunds.length + 1);
    const column = rows.getColumn(1).values.slice(2);
    expect(column).toEqual(ids(listed.refunds));
  });

  it('answers a bad request before anything is streamed, and an empty range with the header alone', async () => {
    const old = await download(`format=csv&from=${new Date(Date.now() - 400 * DAY_MS).toISOString()}`);
    expect(old.res.status).toBe(400);
    expect(JSON.parse(old.body.toString())).toMatchObject({ errCode: 40003 });
    const bad = await download('format=csv&to=2026-13-01');
    expect(JSON.parse(bad.body.toString())).toMatchObject({ errCode: 40003 });
    const pdf = await download('format=pdf');
    expect(pdf.res.status).toBe(400);
    expect(JSON.parse(pdf.body.toString())).toMatchObject({ errCode: 40001 });
    const from = new Date(Date.now() - 200 * DAY_MS);
    const empty = await download(`from=${from.toISOString()}&to=${new Date(from.getTime() + DAY_MS).toISOString()}`);
    expect(empty.res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(empty.body.toString()).toBe(`${REFUND_EXPORT_COLUMNS.join(',')}\n`);
  });
});
