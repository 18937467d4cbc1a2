// Latency and rate arithmetic for the benchmark: percentiles by nearest rank over the raw samples,
// and the median of side-by-side rounds (roundsMedian), which averages the middle two.

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    n: sorted.length,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
  };
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/**
 * The median as the side-by-side rounds take it: the middle value, the middle two averaged for an
 * even count (six rounds' ratios have no single middle one). `median` above is nearest-rank.
 */
export function roundsMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A number for a table cell: fixed decimals, "–" for NaN/undefined. */
export function fmt(v: number | undefined | null, decimals = 1): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '–';
  return v.toFixed(decimals);
}

export function fmtInt(v: number | undefined | null): string {
  if (v === undefined || v === null || !Number.isFinite(v)) return '–';
  return Math.round(v).toLocaleString('en-US');
}

/** A duration in the largest whole unit that fits it: "200 ms", "15 s", "1.5 min", "1 h"; "–" for NaN. */
export function fmtMs(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '–';
  const units: Array<[string, number]> = [
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1_000],
  ];
  for (const [unit, size] of units) if (Math.abs(ms) >= size) return `${Number((ms / size).toFixed(1))} ${unit}`;
  return `${Math.round(ms)} ms`;
}

export const mib = (bytes: number): number => bytes / (1024 * 1024);

/** Counts of completions per whole second since `startMs` (for a steady-state look at a run). */
export function perSecond(doneAtMs: readonly number[], startMs: number): number[] {
  const buckets: number[] = [];
  for (const t of doneAtMs) {
    const i = Math.max(0, Math.floor((t - startMs) / 1000));
    while (buckets.length <= i) buckets.push(0);
    buckets[i]++;
  }
  return buckets;
}

/** Up to `n` distinct elements of `values` in random order, drawn without replacement (all if fewer). */
export function sampleDistinct<T>(values: readonly T[], n: number): T[] {
  const pool = [...values];
  const k = Math.min(n, pool.length);
  // The first k steps of a Fisher-Yates shuffle.
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

/** Least-squares slope of y against x, per 1,000 of x (NaN under two distinct x). */
export function slopePer1000(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return sxx > 0 ? (sxy / sxx) * 1000 : Number.NaN;
}
