// The item import's files (CONTRACT.md 7.6): the template, and reading a filled-in CSV or XLSX
// into item rows, or into the list of every bad cell, rows numbered as a spreadsheet shows them
// (the header is row 1). Reading never throws on a bad file: what is wrong is the answer.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import type { z } from 'zod';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { stringify } from 'csv-stringify';
import { ItemCurrency, ItemImageUrl, ItemName, ItemPrice, ProductId } from '../items';
import { openXlsxArchive } from './xlsx-zip';

export const ITEM_COLUMNS = ['productId', 'name', 'price', 'currencyType', 'imageUrl'] as const;
type ItemColumn = (typeof ITEM_COLUMNS)[number];
const REQUIRED: readonly ItemColumn[] = ['productId', 'name', 'price', 'currencyType'];

export const MAX_IMPORT_ROWS = 10_000;
export const SHEET_FORMATS = ['csv', 'xlsx'] as const;
export type SheetFormat = (typeof SHEET_FORMATS)[number];
export const SHEET_CONTENT_TYPES: Record<SheetFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** A bad cell (or, with `column` null, row or file) of an import. */
export interface CellError {
  row: number | null;
  column: string | null;
  message: string;
}

export interface ItemRow {
  row: number;
  productId: string;
  name: string;
  price: number;
  currencyType: string;
  /** undefined when the file has no imageUrl column: the image is then left as it is. */
  imageUrl?: string | null;
}

export type ItemSheet = { ok: true; rows: ItemRow[] } | { ok: false; problem: string; errors: CellError[] };

/** A cell as read: text, a number (xlsx), or why it cannot be used. */
type RawCell = string | number | null | { problem: string };
interface RawRow {
  number: number;
  cells: RawCell[];
}
interface RawSheet {
  rows: RawRow[];
  /** The row number past MAX_IMPORT_ROWS items where reading stopped, if it did. */
  tooManyAt?: number;
}

const fail = (problem: string, errors: CellError[] = [{ row: null, column: null, message: problem }]): ItemSheet => ({
  ok: false,
  problem,
  errors,
});

/** Reads an import file. */
export async function readItemSheet(format: SheetFormat, bytes: Buffer): Promise<ItemSheet> {
  const raw = format === 'csv' ? readCsv(bytes) : await readXlsx(bytes);
  return typeof raw === 'string' ? fail(raw) : validate(raw);
}

const isBlank = (c: RawCell) => c === null || (typeof c === 'string' && c.trim() === '');
const isEmptyRow = (cells: RawCell[]) => cells.every(isBlank);

function readCsv(bytes: Buffer): RawSheet | string {
  let text: string;
  try {
    // The BOM (which Excel writes to say UTF-8) is dropped here.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'the file is not UTF-8 text: save it as "CSV UTF-8"';
  }
  if (text.includes('\u0000')) return 'the file is not a CSV file (it holds binary data)';
  let records: string[][];
  try {
    // Empty lines stay records, so that a record's index is its row number in a spreadsheet (a
    // quoted cell spanning lines is still one row); they are skipped as items below. Spaces around
    // a quoted cell and a stray quote inside an unquoted one are taken as a spreadsheet app would.
    records = parseCsv(text, { bom: true, relax_column_count: true, relax_quotes: true, trim: true, skip_empty_lines: false });
  } catch (err) {
    if (err instanceof CsvError) {
      const row = Number((err as unknown as { records?: number }).records ?? 0) + 1;
      return `row ${row}: ${err.message}`;
    }
    throw err;
  }
  const sheet: RawSheet = { rows: [] };
  for (let i = 0; i < records.length; i++) {
    if (i > 0 && isEmptyRow(records[i])) continue;
    if (sheet.rows.length > MAX_IMPORT_ROWS) {
      sheet.tooManyAt = i + 1;
      break;
    }
    sheet.rows.push({ number: i + 1, cells: records[i] });
  }
  return sheet;
}

/** How long an xlsx may take to read: a backstop, should an archive that passed the checks still leave exceljs waiting. */
const XLSX_READ_TIMEOUT_MS = 30_000;

async function readXlsx(bytes: Buffer): Promise<RawSheet | string> {
  const opened = openXlsxArchive(bytes);
  if (!opened.ok) return opened.problem;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('the file could not be read in time: is it a damaged xlsx workbook?'), XLSX_READ_TIMEOUT_MS);
  });
  try {
    return await Promise.race([readXlsxSheets(opened.archive), timeout]);
  } catch {
    return 'the file is not an xlsx workbook vpay can read (damaged, or another format)';
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The items are on the first worksheet whose row 1 names a productId column (the template's
 * second sheet, which explains the columns, is skipped); without one, the first worksheet, whose
 * header then gets the errors. A worksheet left with `break` is drained by exceljs.
 */
async function readXlsxSheets(bytes: Buffer): Promise<RawSheet> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  let items: RawSheet | undefined;
  let firstSheet: RawSheet | undefined;
  for await (const worksheet of reader) {
    let reading = false;
    for await (const row of worksheet) {
      const cells = cellsOf(row.values);
      if (!reading) {
        const header = row.number === 1 ? cells : [];
        if (items || !header.some((c) => typeof c === 'string' && c.trim().toLowerCase() === 'productid')) {
          firstSheet ??= { rows: [{ number: row.number, cells }] };
          break;
        }
        items = { rows: [] };
        reading = true;
      }
      if (row.number > 1 && isEmptyRow(cells)) continue;
      if (items!.rows.length > MAX_IMPORT_ROWS) {
        items!.tooManyAt = row.number;
        break;
      }
      items!.rows.push({ number: row.number, cells });
    }
    firstSheet ??= { rows: [] };
  }
  return items ?? firstSheet ?? { rows: [] };
}

/** exceljs's row.values: 1-based and sparse. */
function cellsOf(values: unknown): RawCell[] {
  const v = Array.isArray(values) ? values : [];
  const cells: RawCell[] = [];
  for (let i = 1; i < v.length; i++) cells.push(cellOf(v[i]));
  return cells;
}

function cellOf(v: unknown): RawCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { problem: 'is not a number' };
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return o.richText.map((r: { text?: unknown }) => (typeof r?.text === 'string' ? r.text : '')).join('');
    if ('error' in o) return { problem: `holds the error ${String(o.error)}` };
    if ('formula' in o || 'sharedFormula' in o) {
      return o.result === undefined
        ? { problem: 'is a formula without a computed value (save the file from a spreadsheet app)' }
        : cellOf(o.result);
    }
    if ('text' in o) return cellOf(o.text);
  }
  return { problem: 'holds a value vpay cannot read' };
}

/** A column's letter as a spreadsheet shows it: 0 -> A, 26 -> AA. */
function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

const HEADER_TEXT = ITEM_COLUMNS.join(',');

function validate(sheet: RawSheet): ItemSheet {
  const header = sheet.rows[0];
  if (!header || header.number !== 1 || isEmptyRow(header.cells)) {
    return fail(`row 1 must be the header row: ${HEADER_TEXT}`, [
      { row: 1, column: null, message: `must be the header row: ${HEADER_TEXT}` },
    ]);
  }
  const errors: CellError[] = [];
  const at = new Map<ItemColumn, number>();
  header.cells.forEach((cell, i) => {
    if (isBlank(cell)) return;
    const text = typeof cell === 'object' && cell !== null ? '' : String(cell).trim();
    const column = ITEM_COLUMNS.find((c) => c.toLowerCase() === text.toLowerCase());
    if (!column)
      errors.push({ row: 1, column: columnLetter(i), message: `"${text.slice(0, 50)}" is not a column; the columns are ${HEADER_TEXT}` });
    else if (at.has(column)) errors.push({ row: 1, column, message: 'appears twice in the header' });
    else at.set(column, i);
  });
  for (const c of REQUIRED) if (!at.has(c)) errors.push({ row: 1, column: c, message: 'is missing from the header row' });
  if (errors.length > 0) return fail(`the header row must be ${HEADER_TEXT}`, errors);
  if (sheet.tooManyAt !== undefined) {
    const message = `the file has more than ${MAX_IMPORT_ROWS} items; import it in parts`;
    return fail(message, [{ row: sheet.tooManyAt, column: null, message }]);
  }

  const rows: ItemRow[] = [];
  const seen = new Map<string, number>();
  const named = new Set(at.values());
  for (const { number: row, cells } of sheet.rows.slice(1)) {
    const bad = (column: string, message: string) => errors.push({ row, column, message });
    const cell = (c: ItemColumn): RawCell => (at.has(c) ? (cells[at.get(c)!] ?? null) : null);
    const text = (c: ItemColumn): string | undefined => {
      const v = cell(c);
      if (v !== null && typeof v === 'object') return void bad(c, v.problem);
      return v === null ? '' : String(v).trim();
    };
    const checked = <T>(c: ItemColumn, value: unknown, schema: z.ZodType<T>): T | undefined => {
      const r = schema.safeParse(value);
      if (r.success) return r.data;
      bad(c, r.error.issues[0].message);
      return undefined;
    };

    cells.forEach((c, i) => {
      if (!named.has(i) && !isBlank(c)) bad(columnLetter(i), 'holds a value but its column has no header');
    });
    const productIdText = text('productId');
    let productId: string | undefined;
    if (productIdText === '') bad('productId', 'is required');
    else if (productIdText !== undefined) productId = checked('productId', productIdText, ProductId);
    if (productId !== undefined) {
      const first = seen.get(productId);
      if (first !== undefined) {
        bad('productId', `repeats row ${first}`);
        productId = undefined;
      } else seen.set(productId, row);
    }
    const nameText = text('name');
    const name =
      nameText === '' ? void bad('name', 'is required') : nameText === undefined ? undefined : checked('name', nameText, ItemName);
    const price = priceOf(cell('price'), (m) => bad('price', m));
    const currencyText = text('currencyType');
    const currencyType =
      currencyText === ''
        ? void bad('currencyType', 'is required')
        : currencyText === undefined
          ? undefined
          : checked('currencyType', currencyText, ItemCurrency);
    let imageUrl: string | null | undefined;
    if (at.has('imageUrl')) {
      const urlText = text('imageUrl');
      imageUrl = urlText === '' ? null : urlText === undefined ? undefined : checked('imageUrl', urlText, ItemImageUrl);
      if (imageUrl === undefined) continue;
    }
    if (productId === undefined || name === undefined || price === undefined || currencyType === undefined) continue;
    rows.push({ row, productId, name, price, currencyType, ...(at.has('imageUrl') && { imageUrl }) });
  }
  if (errors.length > 0)
    return fail(`${errors.length} cell${errors.length === 1 ? ' is' : 's are'} not valid; nothing was imported`, errors);
  return { ok: true, rows };
}

/** A price: a whole number, typed as a number or stored as text ("199"); never "1.99" or "1,000". */
function priceOf(v: RawCell, bad: (message: string) => void): number | undefined {
  if (v !== null && typeof v === 'object') return void bad(v.problem);
  let n: number;
  if (typeof v === 'number') n = v;
  else {
    const t = (v ?? '').trim();
    if (t === '') return void bad('is required');
    if (!/^[0-9]+$/.test(t)) return void bad('must be a whole number of minor units greater than 0 (199 for 1.99), digits only');
    n = Number(t);
  }
  const r = ItemPrice.safeParse(n);
  if (r.success) return r.data;
  return void bad(r.error.issues[0].message);
}

/** What the xlsx template's second sheet says about each column. */
const COLUMN_HELP: Array<[ItemColumn, string, string]> = [
  [
    'productId',
    'required',
    "The item's ID in your game: 1 to 128 of A-Z a-z 0-9 _ - . @ | *. A productId the app has already edits that item.",
  ],
  ['name', 'required', 'What players see: 1 to 200 characters.'],
  ['price', 'required', 'A whole number of minor units greater than 0: 199 for 1.99 USD.'],
  ['currencyType', 'required', 'An ISO 4217 code in upper case: USD, EUR, CNY.'],
  ['imageUrl', 'optional', "An http:// or https:// URL of the item's image, up to 2048 characters. Empty: no image."],
];

/** Writes the import template: the header row (and, in xlsx, a sheet explaining the columns). */
export async function writeItemTemplate(format: SheetFormat, out: Writable): Promise<void> {
  if (format === 'csv') {
    // The BOM makes Excel open the file as UTF-8, so non-ASCII names survive the round trip.
    await pipeline(stringify([[...ITEM_COLUMNS]], { bom: true, record_delimiter: 'windows' }), out);
    return;
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const items = workbook.addWorksheet('items');
  // Text columns are formatted as text, so that a spreadsheet app keeps "00123" as typed.
  items.columns = ITEM_COLUMNS.map((key) => ({ key, width: key === 'imageUrl' ? 48 : 20, style: { numFmt: key === 'price' ? '0' : '@' } }));
  const header = items.addRow([...ITEM_COLUMNS]);
  header.font = { bold: true };
  header.commit();
  items.commit();
  const help = workbook.addWorksheet('columns');
  help.columns = [{ width: 16 }, { width: 12 }, { width: 100 }];
  const helpHeader = help.addRow(['column', 'required', 'what it holds']);
  helpHeader.font = { bold: true };
  helpHeader.commit();
  for (const line of COLUMN_HELP) help.addRow(line).commit();
  help.addRow([]).commit();
  for (const note of [
    'Fill in the "items" sheet: row 1 is the header, each row below it one item. Empty rows are skipped.',
    `At most ${MAX_IMPORT_ROWS} items and 5 MiB per file.`,
    'All or nothing: if any cell is wrong nothing is saved, and the answer names every bad cell by row and column.',
    'Imported items are drafts: players buy an item once its release is requested and approved.',
  ]) {
    help.addRow([note]).commit();
  }
  help.commit();
  await workbook.commit();
}
