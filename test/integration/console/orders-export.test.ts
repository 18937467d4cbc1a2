// CONTRACT.md 7.7's export on the real stack: 100,000 generated orders of one app exported as CSV
// (parsed back by hand) and as XLSX (read back with exceljs), one row per order under a header
// row, and streamed: a client that stops reading holds the export at its database cursor (the
// rest of the rows are neither fetched nor buffered) until it reads on; one that goes away
// closes the cursor.
import ExcelJS from 'exceljs';
import { Client as PgClient } from 'pg';
import { startVpay, type Vpay } from '../../support/vpay';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { insertGeneratedOrders } from '../../support/generated-orders';
import { waitFor } from '../../support/wait-for';
import {
  csvText,
  exportBackend as backendOf,
  heldAtCursor as heldAt,
  heldMiB,
  parseCsv,
  pausedDownload as pausedGet,
} from '../../support/export-download';
import { EXPORT_COLUMNS } from '../../../api/console/orders/export-files';

const ROWS = 100_000;

let vpay: Vpay;
let world: ConsoleWorld;
let pg: PgClient;

beforeAll(async () => {
  vpay = await startVpay();
  world = await consoleWorld(vpay);
  // One every 5 s: 100,000 orders over the last ~6 days, inside the default week.
  await insertGeneratedOrders(vpay.api.db, {
    count: ROWS,
    appIds: [world.appId],
    prefix: 'exp',
    newest: new Date(Date.now() - 60_000),
    stepMs: 5000,
  });
  await vpay.api.db.raw('analyze orders');
  pg = new PgClient({ connectionString: vpay.databaseUrl });
  await pg.connect();
}, 300_000);

afterAll(async () => {
  await pg?.end();
  await vpay?.stop();
});

const exportPath = (query: string) => `/v1/console/apps/${world.appId}/orders/export?${query}`;
const CURSOR = 'order_export';
const exportBackend = () => backendOf(pg, CURSOR);
const heldAtCursor = () => heldAt(pg, CURSOR);
const pausedDownload = (query: string) => pausedGet(`${vpay.url}${exportPath(query)}`, world.tokens.mp_operator);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function download(query: string, role: keyof ConsoleWorld['tokens'] = 'mp_operator') {
  const res = await fetch(`${vpay.url}${exportPath(query)}`, { headers: { authorization: `Bearer ${world.tokens[role]}` } });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

/** The first orders of the list, to compare rows with. */
async function listed(query: string, limit: number): Promise<any[]> {
  const r = await consoleCall(vpay, world.tokens.mp_operator, 'GET', `/apps/${world.appId}/orders?${query}&limit=${limit}`);
  expect(r.status).toBe(200);
  return r.json.orders;
}

it('exports every order of the range as CSV: a header row, then one row per order, newest first', async () => {
  const { res, body } = await download('format=csv');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(res.headers.get('content-disposition')).toMatch(
    new RegExp(`^attachment; filename="orders-${world.appId}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`),
  );
  const rows = parseCsv(body.toString('utf8'));
  expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
  expect(rows).toHaveLength(ROWS + 1);
  expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(ROWS);
  // The columns are the list's fields, with the same values.
  const [first, second] = await listed('', 2);
  expect([...EXPORT_COLUMNS].sort()).toEqual(Object.keys(first).sort());
  expect(rows[1]).toEqual(EXPORT_COLUMNS.map((c) => csvText(first[c])));
  expect(rows[2]).toEqual(EXPORT_COLUMNS.map((c) => csvText(second[c])));
  expect(rows[ROWS][0]).toBe(`exp${String(ROWS).padStart(9, '0')}`);
}, 120_000);

it('exports as XLSX with the same filters as the list, read back with exceljs', async () => {
  const { res, body } = await download('format=xlsx&productId=gem_3&status=DELIVERED');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="orders-.*\.xlsx"$/);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as any);
  const sheet = book.getWorksheet('orders')!;
  const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
  expect(values(1)).toEqual([...EXPORT_COLUMNS]);
  // productId gem_3 is every 20th order from the 3rd, all DELIVERED (every 10th is CLOSED, every 10th + 1 PAID).
  expect(sheet.actualRowCount).toBe(ROWS / 20 + 1);
  const [first] = await listed('productId=gem_3&status=DELIVERED', 1);
  // Typed cells: numbers stay numbers; an empty (null) field is an empty cell.
  expect(values(2)).toEqual(EXPORT_COLUMNS.map((c) => first[c] ?? undefined));
}, 120_000);

it('answers a bad request before anything is streamed, and an empty range with the header alone', async () => {
  const bad = await download('format=csv&from=2026-13-01');
  expect(bad.res.status).toBe(400);
  expect(JSON.parse(bad.body.toString())).toMatchObject({ errCode: 40003 });
  const pdf = await download('format=pdf');
  expect(JSON.parse(pdf.body.toString())).toMatchObject({ errCode: 40001 });
  const other = await fetch(`${vpay.url}/v1/console/apps/${world.otherAppId}/orders/export?format=csv`, {
    headers: { authorization: `Bearer ${world.tokens.mp_operator}` },
  });
  expect(await other.json()).toMatchObject({ errCode: 40403 });
  const empty = await download('format=csv&from=2020-01-01&to=2020-01-02');
  expect(empty.body.toString()).toBe(`${EXPORT_COLUMNS.join(',')}\n`);
  const emptyXlsx = await download('format=xlsx&from=2020-01-01&to=2020-01-02');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(emptyXlsx.body as any);
  expect(book.getWorksheet('orders')!.actualRowCount).toBe(1);
});

it('streams: a client that stops reading holds the export at its cursor, in bounded memory, until it reads on', async () => {
  const before = await heldMiB();
  const d = pausedDownload('format=csv');
  await d.firstChunk;
  // The first bytes arrived with the export's transaction open: sent before the query finished.
  expect(await exportBackend()).toBeDefined();
  // Then it stops fetching, with most of the ~35 MB still in the database: an export that did not
  // wait for its client would fetch on and finish (its transaction would end) meanwhile.
  const held = await heldAtCursor();
  await sleep(1500);
  expect(await exportBackend()).toEqual({ ...held, state: 'idle in transaction' });
  const growth = (await heldMiB()) - before;
  // One batch of rows and the socket's buffers; all the rows would hold several times the ~35 MiB of text.
  expect(growth).toBeLessThan(24);
  d.resume();
  await d.done;
  expect(d.received().lines).toBe(ROWS + 1);
  // Done: the cursor and its transaction are closed.
  expect(await exportBackend()).toBeUndefined();
}, 120_000);

it('streams XLSX the same way, and closes the cursor when the client goes away mid-export', async () => {
  const before = await heldMiB();
  const d = pausedDownload('format=xlsx');
  d.done.catch(() => undefined);
  await d.firstChunk;
  const held = await heldAtCursor();
  await sleep(1500);
  expect(await exportBackend()).toEqual({ ...held, state: 'idle in transaction' });
  expect((await heldMiB()) - before).toBeLessThan(24);
  d.abort();
  await waitFor('the cursor closed', async () => (await exportBackend()) === undefined, 20_000);
  // The API still answers (its connection went back to the pool).
  expect((await consoleCall(vpay, world.tokens.mp_operator, 'GET', `/apps/${world.appId}/orders?limit=1`)).status).toBe(200);
}, 120_000);
