// Cursor paging for the console's lists (CONTRACT.md 7: newest first, `limit` 1..200, an opaque
// `cursor` from the previous page's `nextCursor`). A cursor is the last row's sort key, base64url
// JSON; a cursor that does not decode is the caller's mistake (400), never a 500.
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const encodeCursor = (key: unknown[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The sort key in `cursor`, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): unknown[] | undefined {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

/** PostgreSQL's largest bigint. */
const BIGINT_MAX = 9223372036854775807n;

/**
 * A bigint id (a bigIncrements column) in a cursor, as the decimal text this API wrote. A larger
 * one would fail the query itself (22003, out of range): a 500 for what is the caller's mistake.
 */
export const isBigintKey = (k: unknown): k is string => typeof k === 'string' && /^[0-9]{1,19}$/.test(k) && BigInt(k) <= BIGINT_MAX;

/**
 * A timestamptz in a cursor as PostgreSQL printed it (`created_at::text`, DateStyle ISO), such as
 * `2026-05-01 10:00:00.123456+00`. PostgreSQL would read much more (zone names, `epoch`, offsets
 * beyond ±15:59), and some of it fails the query with codes that are no caller's mistake to it (an
 * unknown zone 22023, an offset out of range 22009): only the form it prints gets through.
 */
const PG_TIMESTAMPTZ =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?[+-](0\d|1[0-5])(:[0-5]\d){0,2}$/;
export const isTimestampKey = (k: unknown): k is string => typeof k === 'string' && PG_TIMESTAMPTZ.test(k);

/**
 * A time in a cursor as Date.toISOString() wrote it. Anything else would become an invalid Date,
 * which pg sends as text PostgreSQL refuses today and will refuse to send at all in its next major.
 */
export const isIsoTimeKey = (k: unknown): k is string =>
  typeof k === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(k) && !Number.isNaN(Date.parse(k));

/** Cuts a result fetched with limit + 1 rows into a page and the cursor of its last row. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
