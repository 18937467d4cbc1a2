// What the export tests need to read a console export back and to watch it stream: a CSV parser,
// the export's database backend (its cursor's last FETCH), the memory this process holds, and a
// download that stops reading after its first chunk.
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Client as PgClient } from 'pg';
import { waitFor } from './wait-for';

/** RFC 4180 by hand: quoted fields may hold commas, quotes (doubled) and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

/** A CSV cell as the export writes a listed value: null is an empty cell. */
export const csvText = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export interface ExportBackend {
  state: string;
  query: string;
  queryStart: string;
}

/** The export's database backend while its transaction is open: its last statement a FETCH from `cursorName`. */
export async function exportBackend(pg: PgClient, cursorName: string): Promise<ExportBackend | undefined> {
  const { rows } = await pg.query(
    `select state, query, query_start::text as "queryStart" from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and query ilike $1`,
    [`fetch forward % from ${cursorName}`],
  );
  if (rows.length > 1) throw new Error(`${rows.length} exports from ${cursorName} at once`);
  return rows[0];
}

/**
 * Waits until the export has stopped fetching: idle in its transaction, its last FETCH the same
 * one for `stillMs` of polls (the socket's buffers are full; the server waits for the client).
 * Answers that backend.
 */
export async function heldAtCursor(pg: PgClient, cursorName: string, stillMs = 1500): Promise<ExportBackend> {
  let since: { queryStart: string; at: number } | undefined;
  return waitFor(
    'the export held at its cursor',
    async () => {
      const b = await exportBackend(pg, cursorName);
      if (!b || b.state !== 'idle in transaction') {
        since = undefined;
        return false;
      }
      if (since?.queryStart !== b.queryStart) since = { queryStart: b.queryStart, at: Date.now() };
      return Date.now() - since.at >= stillMs && b;
    },
    30_000,
    100,
  );
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Memory this process holds after full garbage collections (the JS heap and the buffers outside
 * it, which a later collection frees once an earlier one has run their finalizers).
 */
export async function heldMiB(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return (m.heapUsed + m.external) / 2 ** 20;
}

/** A GET that reads its first chunk, then stops reading until told. */
export function pausedDownload(url: string, token: string) {
  let first!: () => void;
  const firstChunk = new Promise<void>((r) => (first = r));
  let bytes = 0;
  let lines = 0;
  let response!: http.IncomingMessage;
  let request!: http.ClientRequest;
  const done = new Promise<void>((resolve, reject) => {
    request = http.get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      response = res;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (const b of chunk) if (b === 10) lines++;
        if (bytes === chunk.length) {
          res.pause();
          first();
        }
      });
      res.on('end', resolve);
      res.on('error', reject);
    });
    request.on('error', reject);
  });
  return { firstChunk, done, received: () => ({ bytes, lines }), resume: () => response.resume(), abort: () => void request.destroy() };
}
