// Reading a Temporal server's own counters from its Prometheus endpoint (scenario 2d counts the
// activities the server dispatched eagerly): the text format, one sample a line, `#` lines skipped.

/** The sum of every sample of the series `name` (any labels, and its `_total` form) in the exposition `text`. */
export function sumSeries(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m && (m[1] === name || m[1] === `${name}_total`)) sum += Number(m[3]);
  }
  return sum;
}

/** The activities a Temporal server has dispatched eagerly since it started (its `activity_eager_execution` counter). */
export async function eagerDispatches(metricsUrl: string): Promise<number> {
  const res = await fetch(metricsUrl);
  if (!res.ok) throw new Error(`${metricsUrl} answered ${res.status}`);
  return sumSeries(await res.text(), 'activity_eager_execution');
}
