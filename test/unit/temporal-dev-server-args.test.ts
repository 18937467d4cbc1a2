// What the dev server of `npm start`, the tests and the benchmark runs with
// (tools/dev/temporal-dev-server.ts): WAL, the updates a purchase needs, and the Temporal server's
// default task-queue partitions and eager activity dispatch unless a caller (benchmark scenarios 2c
// and 2d) asks for others.
import { SERVER_DEFAULT_TASK_QUEUE_PARTITIONS, temporalDevServerArgs } from '../../tools/dev/temporal-dev-server';

const base = { dbFile: '/tmp/x/temporal.db', grpcPort: 7233 };

/** The values of every `--dynamic-config-value key=value` for `key`. */
function dynamicConfig(args: string[], key: string): string[] {
  return args.flatMap((a, i) => (args[i - 1] === '--dynamic-config-value' && a.startsWith(`${key}=`) ? [a.slice(key.length + 1)] : []));
}
const partitionsOf = (args: string[]) => ({
  read: dynamicConfig(args, 'matching.numTaskqueueReadPartitions'),
  write: dynamicConfig(args, 'matching.numTaskqueueWritePartitions'),
});

describe('temporalDevServerArgs', () => {
  it("leaves the task queues' partitions at the server's default unless asked", () => {
    expect(SERVER_DEFAULT_TASK_QUEUE_PARTITIONS).toBe(4);
    expect(partitionsOf(temporalDevServerArgs(base))).toEqual({ read: [], write: [] });
  });

  it('runs the partitions it is given, read and write alike', () => {
    expect(partitionsOf(temporalDevServerArgs({ ...base, taskQueuePartitions: 1 }))).toEqual({ read: ['1'], write: ['1'] });
  });

  it.each([0, -1, 1.5])('refuses %p partitions', (n) => {
    expect(() => temporalDevServerArgs({ ...base, taskQueuePartitions: n })).toThrow(/positive integer/);
  });

  it("leaves eager activity dispatch at the server's default unless asked", () => {
    const eager = (o: object) => dynamicConfig(temporalDevServerArgs({ ...base, ...o }), 'system.enableActivityEagerExecution');
    expect(eager({})).toEqual([]);
    expect(eager({ activityEagerExecution: false })).toEqual(['false']);
    expect(eager({ activityEagerExecution: true })).toEqual(['true']);
  });

  it('serves its metrics on the port asked for, else leaves the CLI to pick one', () => {
    expect(temporalDevServerArgs(base)).not.toContain('--metrics-port');
    const args = temporalDevServerArgs({ ...base, metricsPort: 9999 });
    expect(args[args.indexOf('--metrics-port') + 1]).toBe('9999');
  });

  it('keeps SQLite in WAL mode unless sqliteWal is false', () => {
    const pragmas = (args: string[]) => args.flatMap((a, i) => (args[i - 1] === '--sqlite-pragma' ? [a] : []));
    expect(pragmas(temporalDevServerArgs(base))).toEqual(['journal_mode=wal', 'synchronous=normal']);
    expect(pragmas(temporalDevServerArgs({ ...base, sqliteWal: false }))).toEqual([]);
  });

  it('allows the updates and update-with-start a purchase needs', () => {
    const args = temporalDevServerArgs(base);
    expect(dynamicConfig(args, 'history.maxInFlightUpdates')).toEqual(['1000']);
    expect(dynamicConfig(args, 'frontend.enableUpdateWorkflowExecution')).toEqual(['true']);
    expect(dynamicConfig(args, 'frontend.enableExecuteMultiOperation')).toEqual(['true']);
  });

  it('names the database file by its absolute path, as the left-over check matches it', () => {
    const args = temporalDevServerArgs({ ...base, dbFile: 'rel/temporal.db' });
    expect(args[args.indexOf('--db-filename') + 1]).toMatch(/^\/.*\/rel\/temporal\.db$/);
  });
});
