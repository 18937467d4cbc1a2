// The time zones PostgreSQL knows by name (pg_timezone_names: the IANA zones and their aliases,
// such as Asia/Kolkata and Asia/Calcutta), which a dashboard's `tz` must be one of: PostgreSQL
// draws the day boundaries. Only names: PostgreSQL would also take POSIX specs such as `UTC+3`,
// whose sign is the reverse of ISO 8601's, and a viewer's zone is never one.
import type { Db } from '../db';

/** Read once per database handle: the view reads the zone files on every query (tens of ms). */
const known = new WeakMap<Db, Promise<Set<string>>>();

function zoneNames(db: Db): Promise<Set<string>> {
  let names = known.get(db);
  if (!names) {
    names = db
      .raw('select name from pg_timezone_names')
      .then(({ rows }: { rows: Array<{ name: string }> }) => new Set(rows.map((r) => r.name)));
    // A failed read (the database unreachable) is not kept: the next request tries again.
    const mine = names;
    mine.catch(() => known.get(db) === mine && known.delete(db));
    known.set(db, mine);
  }
  return names;
}

/** Whether `name` is a zone name PostgreSQL knows, spelt exactly so (`Europe/Berlin`, `UTC`). */
export async function isKnownTimeZone(db: Db, name: string): Promise<boolean> {
  return (await zoneNames(db)).has(name);
}
