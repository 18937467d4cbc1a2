// How the console shows money and time: amounts are minor units (CONTRACT.md 0) shown in their
// currency; times are the API's UTC instants shown in the viewer's own zone.

const fractionDigits = (currency: string): number => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
};

/** 1999 'USD' -> "$19.99"; 500 'JPY' -> "¥500". An unknown currency code is shown as "1999 XYZ (minor units)". */
export function money(minor: number | null | undefined, currency: string | null | undefined): string {
  if (minor === null || minor === undefined) return '—';
  if (!currency) return `${minor} (minor units)`;
  try {
    const digits = fractionDigits(currency);
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 10 ** digits);
  } catch {
    return `${minor} ${currency} (minor units)`;
  }
}

export const viewerZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An instant in the viewer's zone, e.g. "1 Dec 2026, 15:30:05". */
export function time(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** yyyy-mm-dd of a date in the viewer's zone, for <input type="date">. */
export function dayInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The instant a local day starts (the viewer's midnight), as the API's ISO 8601. */
export function dayStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!).toISOString();
}

/** The instant after a local day ends (exclusive `to`). */
export function dayEnd(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + 1).toISOString();
}
