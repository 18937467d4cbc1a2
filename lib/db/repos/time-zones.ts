// The time zones PostgreSQL knows by name (pg_timezone_names: the IANA zones and their aliases,
// such as Asia/Kolkata and Asia/Calcutta), which a dashboard's `tz` must be one of: PostgreSQL
// draws the day boundaries. Only names: PostgreSQL would also take POSIX specs such as `UTC+3`,
// whose sign is the reverse of ISO 8601's, and a viewer's zone is never one.
//
// Nor a name that is also a time zone abbreviation (pg_timezone_abbrevs): `AT TIME ZONE` looks a
// name up as an abbreviation first, so `CET`, `EET`, `WET`, `MET` (zones with daylight saving)
// would be read as a fixed offset, an hour off all summer; `EST`, `MST`, `HST` likewise fixed.
// Kept are the names that are also a fixed `Etc/` zone of the abbreviation's offset (`UTC`, `GMT`,
// `UCT`, `Zulu`): there the abbreviation and the zone mean the same.
import type { Db } from '../db';

/** What a `tz` is: a zone PostgreSQL resolves as such, an abbreviation it would read first, or neither. */
export type TimeZoneCheck = 'zone' | 'abbreviation' | 'unknown';

/** Read once per database handle: the views read the zone files on every query (tens of ms). */
const known = new WeakMap<Db, Promise<Map<string, TimeZoneCheck>>>();

const ZONES_SQL = `
  select n.name, exists (
    select 1 from pg_timezone_abbrevs a
    where lower(a.abbrev) = lower(n.name)
      and not exists (select 1 from pg_timezone_names e where e.name = 'Etc/' || n.name and e.utc_offset = a.utc_offset)
  ) as abbreviation
  from pg_timezone_names n`;

function zoneNames(db: Db): Promise<Map<string, TimeZoneCheck>> {
  let names = known.get(db);
  if (!names) {
    names = db
      .raw(ZONES_SQL)
      .then(
        ({ rows }: { rows: Array<{ name: string; abbreviation: boolean }> }) =>
          new Map(rows.map((r) => [r.name, r.abbreviation ? 'abbreviation' : 'zone'])),
      );
    // A failed read (the database unreachable) is not kept: the next request tries again.
    const mine = names;
    mine.catch(() => known.get(db) === mine && known.delete(db));
    known.set(db, mine);
  }
  return names;
}

/**
 * Whether `name`, spelt exactly so (`Europe/Berlin`, `UTC`), is a zone PostgreSQL knows and
 * resolves as that zone ('zone'), one it would read as an abbreviation first ('abbreviation',
 * `CET`), or no zone name at all ('unknown').
 */
export async function checkTimeZone(db: Db, name: string): Promise<TimeZoneCheck> {
  return (await zoneNames(db)).get(name) ?? 'unknown';
}
