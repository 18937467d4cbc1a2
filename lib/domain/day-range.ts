// The days of the console dashboard's series (docs/API.md, *Console: dashboard*): calendar days
// (YYYY-MM-DD) of the viewer's time zone, `from` and `to` both included, the last 7 unless told,
// at most 92 (a quarter: the range a person compares at a glance, and a bound on what one request
// reads). Pure: the caller passes today's date in that zone.

export const DASHBOARD_DEFAULT_DAYS = 7;
export const DASHBOARD_MAX_DAYS = 92;

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of a YYYY-MM-DD that names a real day (years 1 to 9999), as ms; undefined otherwise. */
function dayMs(text: string): number | undefined {
  const m = DAY.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number);
  // Not Date.UTC: it reads the years 0 to 99 as 1900 to 1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (year < 1 || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return d.getTime();
}

const dayText = (ms: number): string => {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

/** Whether `text` is a YYYY-MM-DD naming a real day. */
export const isDay = (text: string): boolean => dayMs(text) !== undefined;

/** The day `n` days after `day` (before, for a negative `n`). */
export function addDays(day: string, n: number): string {
  const ms = dayMs(day);
  if (ms === undefined) throw new Error(`not a day: ${day}`);
  return dayText(ms + n * DAY_MS);
}

export interface DayRange {
  /** The first day, included. */
  from: string;
  /** The last day, included. */
  to: string;
  /** Every day from `from` to `to`, in order. */
  days: string[];
}

/**
 * The effective days: `to` or today, `from` or 6 days before `to` (7 days in all). A text that is
 * not a real day, `to` before `from`, or more than 92 days is refused with the reason.
 */
export function resolveDayRange(given: { from?: string; to?: string }, today: string): DayRange | { refused: string } {
  const to = given.to ?? today;
  if (!isDay(to)) return { refused: 'to is not a day (YYYY-MM-DD)' };
  const from = given.from ?? addDays(to, 1 - DASHBOARD_DEFAULT_DAYS);
  if (!isDay(from)) return { refused: 'from is not a day (YYYY-MM-DD)' };
  const count = Math.round((dayMs(to)! - dayMs(from)!) / DAY_MS) + 1;
  if (count < 1) return { refused: 'to is before from' };
  if (count > DASHBOARD_MAX_DAYS) {
    return { refused: `from ${from} to ${to} is ${count} days; at most ${DASHBOARD_MAX_DAYS} days can be shown at once` };
  }
  return { from, to, days: Array.from({ length: count }, (_, i) => addDays(from, i)) };
}
