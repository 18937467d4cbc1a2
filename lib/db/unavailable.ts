// Whether an error says PostgreSQL could not be reached or could not take the statement now (down,
// restarting, out of connections, the pool's wait for a connection over), as opposed to a
// statement it refused: the first passes when the database is back, the second never does.
// The API answers the first 503/50301 (api/http/classify-error.ts); a sent notice's record retries it
// (activities/record-sent-notice.ts).

/** Node's and pg's codes of a connection that failed (class 08: connection exception). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE']);
/** too_many_connections, admin_shutdown, crash_shutdown, cannot_connect_now. */
const UNAVAILABLE_SQLSTATES = new Set(['53300', '57P01', '57P02', '57P03']);

export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  return (
    e?.name === 'KnexTimeoutError' ||
    UNREACHABLE_CODES.has(code) ||
    UNAVAILABLE_SQLSTATES.has(code) ||
    /^08[0-9A-Z]{3}$/.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(typeof e?.message === 'string' ? e.message : '')
  );
}
