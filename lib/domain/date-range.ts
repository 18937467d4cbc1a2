// The date range of the console's lists (CONTRACT.md 7.7, 8.4): `from` and `to` as ISO 8601,
// `to` defaulting to now and `from` to 7 days before `to`. Pure: the caller passes the clock.

export const DEFAULT_RANGE_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * `2026-11-30`, `2026-11-30T08:00Z`, `2026-11-30T08:00:00.123456+08:00`: a date (midnight UTC) or a
 * date and time with an optional offset (none: UTC, as every time of the contract is). A space
 * stands for `+` too: an unencoded `+` in a query string arrives as one.
 */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+\- ]\d{2}:?\d{2})?)?$/;

/** The instant an ISO 8601 text names, or undefined when it is not one (or names no real day or time). */
export function parseIsoInstant(text: string): Date | undefined {
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  // Not Date.UTC: it reads the years 0 to 99 as 1900 to 1999.
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(year, month - 1, day);
  asUtc.setUTCHours(hour, minute, second, Number(frac.padEnd(3, '0').slice(0, 3)));
  const utc = asUtc.getTime();
  // Date.UTC rolls 2026-02-30 over to March: a day or time that does not exist is no date.
  if (year < 1 || asUtc.getUTCMonth() !== month - 1 || asUtc.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    return undefined;
  if (/^[Zz]$/.test(zone)) return asUtc;
  const [, sign, oh, om] = /^([+\- ])(\d{2}):?(\d{2})$/.exec(zone)!;
  if (Number(oh) > 23 || Number(om) > 59) return undefined;
  const offsetMs = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === '-' ? -1 : 1);
  return new Date(utc - offsetMs);
}

export interface DateRange {
  from: Date;
  to: Date;
}

/**
 * The effective range of a list: `to` or now, `from` or 7 days before `to`. A text that is no
 * ISO 8601 instant, or `to` before `from`, is refused with the reason; so is a `from` before
 * `earliest` when the caller keeps nothing older (8.4's 12 months).
 */
export function resolveDateRange(
  given: { from?: string; to?: string },
  now: Date,
  o: { earliest?: Date } = {},
): DateRange | { refused: string } {
  const to = given.to === undefined ? now : parseIsoInstant(given.to);
  if (!to) return { refused: 'to is not an ISO 8601 date or time' };
  const from = given.from === undefined ? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS) : parseIsoInstant(given.from);
  if (!from) return { refused: 'from is not an ISO 8601 date or time' };
  if (to.getTime() < from.getTime()) return { refused: 'to is before from' };
  if (o.earliest && from.getTime() < o.earliest.getTime())
    return { refused: `from is before ${o.earliest.toISOString()}, the oldest kept` };
  return { from, to };
}

/** How far back the after-sales records reach (CONTRACT.md 8.4): a `from` earlier is refused. */
export const REFUND_RECORDS_MONTHS = 12;

/**
 * The same day and time of the month `months` before `now` (UTC); a day that month lacks (the
 * 31st, February's 29th) is its last day. 12 months before 2027-02-28 is 2026-02-28.
 */
export function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(d.getTime());
  last.setUTCMonth(last.getUTCMonth() + 1, 0);
  d.setUTCDate(Math.min(day, last.getUTCDate()));
  return d;
}
