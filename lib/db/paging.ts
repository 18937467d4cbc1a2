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

/** Cuts a result fetched with limit + 1 rows into a page and the cursor of its last row. */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(keyOf(items[items.length - 1])) : null };
}
