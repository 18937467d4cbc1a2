// Writing down what the developer answered to a notice already sent (a delivery, a redelivery, a
// refund notice). By then the developer has acted on it: an attempt that failed now would be tried
// again and notify again, though CONTRACT.md 4 promises nothing more after the first success. So
// the activity, which knows the outcome, retries the write itself while the database is
// unavailable (out of connections, restarting, unreachable: lib/db/unavailable.ts) for as long as
// its start-to-close timeout allows, and heartbeats meanwhile so the server tells a worker that
// waits from one that died (activityOptions.delivery's heartbeatTimeout). A statement the database
// refuses is not retried: it would be refused again.
import { Context } from '@temporalio/activity';
import { isDatabaseUnavailable } from '../lib/db/unavailable';
import type { Logger } from '../lib/platform/logger';

/** The first pause between tries; it doubles up to MAX_PAUSE_MS. */
const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 2_000;
/**
 * What is kept of the start-to-close timeout for the last try: acquiring a connection may take
 * the pool's 5 s (lib/db/db.ts), and the activity must answer before the server gives up on it.
 */
const LAST_TRY_MS = 7_000;
/** A slower attempt heartbeats before its write, so a long send plus a slow write stays alive. */
const HEARTBEAT_AFTER_MS = 10_000;

export interface RecordSentOptions {
  /** Date.now() when the activity began: its start-to-close timeout runs from about then. */
  startedAt: number;
  /** Told of each failed try that will be tried again (1, 2, ...). */
  onRetry(err: Error, tries: number): void;
  /** Told once the record is given up: the next attempt will notify the developer again. */
  onGiveUp(err: Error, tries: number): void;
}

/**
 * `write`'s result, once a try succeeds; its last error once no try is left before the deadline,
 * or at once when the database refused the statement itself.
 */
export async function recordSentNotice<T>(write: () => Promise<T>, o: RecordSentOptions): Promise<T> {
  const ctx = Context.current();
  const deadline = o.startedAt + ctx.info.startToCloseTimeoutMs - LAST_TRY_MS;
  if (Date.now() - o.startedAt > HEARTBEAT_AFTER_MS) ctx.heartbeat();
  let pause = FIRST_PAUSE_MS;
  for (let tries = 1; ; tries++) {
    try {
      return await write();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || Date.now() + pause > deadline) {
        o.onGiveUp(err as Error, tries);
        throw err;
      }
      o.onRetry(err as Error, tries);
      ctx.heartbeat();
      await ctx.sleep(pause);
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }
}

/**
 * The log lines of a record's tries: "could not record <what> yet; retrying" (`warn`) at tries 1,
 * 2, 4, 8, ..., and "could not record <what>; <consequence>" (`error`) when it is given up.
 */
export function loggedTries(
  logger: Logger,
  fields: Record<string, unknown>,
  what: string,
  consequence: string,
): Pick<RecordSentOptions, 'onRetry' | 'onGiveUp'> {
  return {
    onRetry: (err, tries) => {
      if (worthLogging(tries)) logger.warn({ ...fields, tries, error: err.message }, `could not record ${what} yet; retrying`);
    },
    onGiveUp: (err, tries) => logger.error({ ...fields, tries, error: err.message }, `could not record ${what}; ${consequence}`),
  };
}

/** Whether a retry is worth a log line: the first few, then ever more seldom (1, 2, 4, 8, ...). */
const worthLogging = (tries: number): boolean => (tries & (tries - 1)) === 0;
