// The console exports' files (order records 7.7, after-sales records 8.4): a header row, then one
// row per record, written as the database cursor yields them: CSV through csv-stringify, XLSX
// through exceljs's streaming WorkbookWriter. Memory stays bounded by waiting, after each batch, until the response (and,
// for XLSX, the zip entry being compressed) has room again: a slow client slows the cursor down
// instead of piling rows up here.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { Response } from 'express';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Logger } from '../../lib/platform/logger';

export type ExportFormat = 'csv' | 'xlsx';

/** A record of an export: its fields by column name. */
type ExportRecord = Record<string, unknown>;

/** What an export sends: its columns, in order, and its records, a batch at a time. */
export interface ExportSource<T extends ExportRecord> {
  /** The header row: the records' fields, in this order. */
  columns: ReadonlyArray<keyof T & string>;
  /** The name of the XLSX sheet (`orders`; past Excel's row limit `orders (2)`, ...). */
  sheet: string;
  /** The records, newest first, a batch at a time (a database cursor's). */
  batches: AsyncGenerator<T[]>;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** A client that reads nothing for this long ends its export (it holds a database connection). */
const STALL_TIMEOUT_MS = 60_000;

/** Rows of one XLSX sheet: Excel opens at most 1,048,576, the header included. */
const XLSX_ROWS_PER_SHEET = 1_048_575;

interface FileWriter<T> {
  /** Writes a batch of records (the first call also writes the header). */
  write(records: T[]): void;
  /** The streams that must have room before the next batch is written. */
  streams(): Writable[];
  end(): Promise<void>;
}

/**
 * A text cell a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab or CR first) gets a
 * leading `'`, so a CSV opened in Excel runs nothing a player or a game put in `attach` or
 * `openId`. Values made only of identifier characters (every outTradeNo and productId, which
 * may start with `-` or `@` but cannot spell a formula) are left exact. XLSX needs none of this:
 * its cells are typed, text is never a formula.
 */
export function csvCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) && !/^[A-Za-z0-9_\-.@|*]*$/.test(value) ? `'${value}` : value;
}

function csvWriter<T extends ExportRecord>(res: Response, columns: ReadonlyArray<keyof T & string>): FileWriter<T> {
  const csv = stringify({
    header: true,
    columns: columns.map((key) => ({ key })),
    cast: { string: csvCell },
  });
  csv.pipe(res);
  return {
    write: (records) => {
      for (const r of records) csv.write(r);
    },
    streams: () => [csv, res],
    end: async () => {
      csv.end();
      await finished(res);
    },
  };
}

function xlsxWriter<T extends ExportRecord>(res: Response, columns: ReadonlyArray<keyof T & string>, name: string): FileWriter<T> {
  // No shared strings (they would keep every distinct text in memory until the end) and no styles.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useStyles: false, useSharedStrings: false });
  let sheet: ExcelJS.Worksheet | undefined;
  let rowsInSheet = 0;
  let sheets = 0;
  const newSheet = () => {
    sheet?.commit();
    sheet = workbook.addWorksheet(sheets++ === 0 ? name : `${name} (${sheets})`);
    sheet.addRow([...columns]).commit();
    rowsInSheet = 0;
  };
  return {
    write: (records) => {
      if (!sheet) newSheet();
      for (const r of records) {
        if (rowsInSheet === XLSX_ROWS_PER_SHEET) newSheet();
        sheet!.addRow(columns.map((c) => r[c])).commit();
        rowsInSheet++;
      }
    },
    // exceljs writes each sheet into its zip entry without waiting for room: the entry's input
    // (a PassThrough archiver reads from, kept in the sheet's stream's `pipes`) is where rows
    // pile up when the response is slow, so its room is waited for too. Not a public API: should
    // exceljs change it, only the response is waited for.
    streams: () => [...(((sheet as any)?.stream?.pipes as Writable[] | undefined) ?? []), res],
    end: async () => {
      if (!sheet) newSheet();
      sheet!.commit();
      // commit() resolves on the response's 'finish' only; a client gone by then ends it too.
      await Promise.all([workbook.commit(), finished(res)]);
    },
  };
}

/**
 * Whether a write to the stream returned false and its 'drain' is still to come. archiver's
 * streams come from readable-stream 2, which has no `writableNeedDrain`, only its state's flag.
 */
const needsDrain = (s: Writable): boolean => s.writableNeedDrain ?? Boolean((s as any)._writableState?.needDrain);

/** Resolves once none of the streams needs draining; rejects when the response closes or stalls. */
async function roomIn(streams: Writable[], res: Response): Promise<void> {
  for (;;) {
    const full = streams.find(needsDrain);
    if (!full) return;
    if (res.destroyed) throw new Error('the client went away');
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), STALL_TIMEOUT_MS);
    try {
      await Promise.race([
        once(full, 'drain', { signal: ac.signal }),
        once(res, 'close', { signal: ac.signal }).then(() => Promise.reject(new Error('the client went away'))),
      ]);
    } catch (err) {
      if (ac.signal.aborted) throw new Error(`the client read nothing for ${STALL_TIMEOUT_MS / 1000} s`);
      throw err;
    } finally {
      clearTimeout(timer);
      ac.abort();
    }
  }
}

/**
 * Answers the export: the first batch is fetched before anything is sent, so a refusal or an
 * unreachable database is still a JSON error; after that, a failure can only cut the response
 * off (the socket is destroyed, so the client sees an incomplete transfer, never a short file
 * that looks whole).
 */
export async function sendExport<T extends ExportRecord>(
  res: Response,
  format: ExportFormat,
  exp: ExportSource<T>,
  o: { fileName: string; logger: Logger },
): Promise<void> {
  const first = await exp.batches.next();
  res.status(200).set({
    'content-type': CONTENT_TYPES[format],
    'content-disposition': `attachment; filename="${o.fileName}.${format}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  // Writes racing a client that went away fail here rather than as an unhandled 'error'.
  res.on('error', () => undefined);
  const writer = format === 'csv' ? csvWriter<T>(res, exp.columns) : xlsxWriter<T>(res, exp.columns, exp.sheet);
  let rows = 0;
  try {
    if (!first.done) {
      writer.write(first.value);
      rows += first.value.length;
      await roomIn(writer.streams(), res);
      for await (const batch of exp.batches) {
        writer.write(batch);
        rows += batch.length;
        await roomIn(writer.streams(), res);
      }
    }
    await writer.end();
  } catch (err) {
    // for await has closed the cursor; a failure before it (the first batch) closes it here.
    await exp.batches.return(undefined).catch(() => undefined);
    o.logger.warn({ error: (err as Error).message, rows, format, file: o.fileName }, `${exp.sheet} export cut off`);
    res.destroy();
  }
}
