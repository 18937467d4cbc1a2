// The record of a notice the developer already answered (activities/record-sent-notice.ts), in a
// MockActivityEnvironment: which failures of the write are tried again, for how long, and what is
// told when it gives up. The write is scripted; activities.test.ts runs it against a real
// PostgreSQL behind a proxy that refuses connections.
import { describe, expect, it } from '@jest/globals';
import { recordSentNotice } from '../../../activities/record-sent-notice';
import { activityEnvironment } from '../../support/activity-deps';

/** An error as pg or Node raises it, with its code. */
const coded = (code: string, message = `error ${code}`) => Object.assign(new Error(message), { code });

function record(failures: Error[], startToCloseTimeoutMs: number) {
  const env = activityEnvironment({ startToCloseTimeoutMs });
  let heartbeats = 0;
  env.on('heartbeat', () => heartbeats++);
  const retried: number[] = [];
  const gaveUp: Array<{ err: Error; tries: number }> = [];
  let tries = 0;
  const startedAt = Date.now();
  const result = env.run(() =>
    recordSentNotice(
      async () => {
        const failure = failures[tries++];
        if (failure) throw failure;
        return 'recorded';
      },
      { startedAt, onRetry: (_err, n) => void retried.push(n), onGiveUp: (err, n) => void gaveUp.push({ err, tries: n }) },
    ),
  );
  return { result, retried, gaveUp, tries: () => tries, heartbeats: () => heartbeats, startedAt };
}

describe('recordSentNotice', () => {
  it.each([
    ['too many clients', coded('53300', 'sorry, too many clients already')],
    ['connection refused', coded('ECONNREFUSED')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ["the pool's wait for a connection", Object.assign(new Error('Knex: Timeout acquiring a connection'), { name: 'KnexTimeoutError' })],
    ['the server shutting down', coded('57P01', 'terminating connection due to administrator command')],
  ])('tries again while the database is unavailable (%s), heartbeating, until a try succeeds', async (_what, failure) => {
    const r = record([failure, failure, failure], 60_000);
    await expect(r.result).resolves.toBe('recorded');
    expect(r.tries()).toBe(4);
    expect(r.retried).toEqual([1, 2, 3]);
    expect(r.heartbeats()).toBe(3);
    expect(r.gaveUp).toEqual([]);
  });

  it.each([
    ['a foreign key violation', coded('23503')],
    ['a value too long', coded('22001')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'order_id')")],
  ])('gives up at once on a statement the database refused (%s): it would be refused again', async (_what, failure) => {
    const r = record([failure], 60_000);
    await expect(r.result).rejects.toBe(failure);
    expect(r.tries()).toBe(1);
    expect(r.gaveUp).toEqual([{ err: failure, tries: 1 }]);
  });

  it('gives up before the activity would time out, keeping 7 s for the last try, and says so', async () => {
    const down = coded('ECONNREFUSED');
    // 9 s less the 7 s kept: about 2 s of tries, the pauses growing 0.1, 0.2, 0.4, 0.8 s.
    const r = record(Array(100).fill(down), 9_000);
    await expect(r.result).rejects.toBe(down);
    const tookMs = Date.now() - r.startedAt;
    // Before the deadline less the pool's 5 s wait for a connection, which the last try may take.
    expect(tookMs).toBeLessThan(9_000 - 5_000);
    expect(tookMs).toBeGreaterThanOrEqual(1_500);
    expect(r.tries()).toBe(5);
    expect(r.gaveUp).toEqual([{ err: down, tries: 5 }]);
  });
});
