// A query's rows streamed through a server-side cursor (DECLARE ... FETCH in a read-only
// transaction), for the console's exports (order records, after-sales records): the database
// holds the position, this process one batch at a time.
import type { Knex } from 'knex';
import type { Db } from './db';

/**
 * The export transaction's settings. No sort: an export must come out of an index in its order
 * (each export's query has one that always can), so the first rows go out at once and nothing is
 * sorted in work_mem or temporary files first. Left to costs, a bitmap scan and a sort of the
 * range win for a small range and cost a full sort before the first byte of a large one.
 */
export const EXPORT_SETTINGS = ['set local enable_sort = off'] as const;

/**
 * Streams the rows of `query`, in batches of `batchRows` mapped by `map`, through the cursor
 * `cursorName`. The next batch is fetched only when the consumer asks for it, so a slow reader
 * holds the database back instead of filling memory. Breaking out of the loop (the client went
 * away) closes the cursor and its transaction.
 */
export async function* streamThroughCursor<T>(
  db: Db,
  query: Knex.Sql,
  o: { cursorName: string; map: (row: any) => T; batchRows?: number },
): AsyncGenerator<T[]> {
  const batchRows = Math.trunc(o.batchRows ?? 1000);
  if (!/^[a-z_]+$/.test(o.cursorName)) throw new Error(`not a cursor name: ${o.cursorName}`);
  const trx = await db.transaction(null, { readOnly: true });
  try {
    for (const setting of EXPORT_SETTINGS) await trx.raw(setting);
    await trx.raw(`declare ${o.cursorName} no scroll cursor for ${query.sql}`, query.bindings as Knex.RawBinding[]);
    for (;;) {
      const { rows } = await trx.raw(`fetch forward ${batchRows} from ${o.cursorName}`);
      if (rows.length === 0) break;
      yield rows.map(o.map);
      if (rows.length < batchRows) break;
    }
    await trx.commit();
  } finally {
    // Ended early (an error, or the consumer stopped): nothing was written, roll back.
    if (!trx.isCompleted()) await trx.rollback().catch(() => undefined);
  }
}
