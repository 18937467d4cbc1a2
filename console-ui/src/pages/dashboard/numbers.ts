// How the dashboard words its numbers: rates as percentages, durations in the largest units that
// read at a glance, days as the viewer's calendar shows them.
import { dayInput } from '../../format';

/** 0.8333 -> "83.3%"; null (nothing to divide) -> "—". */
export function percent(ratio: number | null): string {
  if (ratio === null) return '—';
  return new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 }).format(ratio);
}

/** 850 -> "850 ms", 2400 -> "2.4 s", 3000 -> "3 s", 200000 -> "3 min 20 s", 5400000 -> "1 h 30 min"; null -> "—". */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: ms < 10_000 ? 1 : 0 }).format(ms / 1000)} s`;
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ];
  const first = units.findIndex(([, size]) => ms >= size);
  const [bigName, big] = units[first]!;
  const [smallName, small] = units[first + 1]!;
  const rest = Math.floor((ms % big) / small);
  return `${Math.floor(ms / big)} ${bigName}${rest ? ` ${rest} ${smallName}` : ''}`;
}

/** "2026-11-30" -> "30 Nov" (a day of the API's range, which is already the viewer's calendar). */
export function shortDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** The viewer's last `n` days, today included, as yyyy-mm-dd of their own calendar (or of UTC's). */
export function lastDays(n: number, o: { utc?: boolean; today?: Date } = {}): { from: string; to: string } {
  const today = o.today ?? new Date();
  if (o.utc) {
    const utcDay = (d: Date) => d.toISOString().slice(0, 10);
    return { from: utcDay(new Date(today.getTime() - (n - 1) * 86_400_000)), to: utcDay(today) };
  }
  return { from: dayInput(new Date(today.getFullYear(), today.getMonth(), today.getDate() - (n - 1))), to: dayInput(today) };
}
