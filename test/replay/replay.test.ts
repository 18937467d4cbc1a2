// Replays recorded workflow histories (purchases, a redelivery, and refunds) (test/replay/histories/*.json, written by
// `npm run record-histories`) against the current workflow code. A change to workflows/ that
// would break running purchases (a different sequence of commands: an added, removed or
// reordered activity, timer, search-attribute upsert…) fails here with a nondeterminism error
// naming the history file. Make such changes with patched()/versioning; see ./README.md.
import fs from 'node:fs';
import path from 'node:path';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { testEnv } from '../support/test-env';
import { createLogger } from '../../lib/platform/logger';
import { installTemporalLogging } from '../../lib/platform/temporal-logging';

const HISTORIES_DIR = path.join(__dirname, 'histories');
/** One per path through the workflow; deleting one must not pass silently. */
const REQUIRED = [
  'delivered',
  'closed-payment-timeout',
  'prepay-rejected',
  'delivery-retried',
  'delivery-woken',
  'duplicate-callbacks',
  'timeout-race',
  'timeout-race-before-fix',
  'redelivered',
  'refund-superapp',
  'refund-game',
  'refund-failed',
  'refund-retried',
  'refund-stops-delivery',
  'local-steps-delivered',
  'local-steps-prepay-rejected',
  'local-steps-prepay-retried',
  'prepay-from-row',
  'local-steps-prepay-from-row',
  'local-steps-prepay-adopt-row',
  'delivery-queue-delivered',
  'delivery-queue-redelivered',
  'delivery-queue-refund',
  'local-paid-row-delivered',
  'local-paid-row-adopted-at-timeout',
  'v2-delivered',
].map((n) => `${n}.json`);

// Read at load time: jest needs the list to declare one test per file.
const files = fs.existsSync(HISTORIES_DIR)
  ? fs
      .readdirSync(HISTORIES_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];

/** Per file: the replay's outcome, or why the file could not be loaded. */
const outcomes = new Map<string, { result?: ReplayResult; loadError?: string }>();

beforeAll(async () => {
  // As in the integration tests: the SDK's worker-state lines stay quiet (the replay results
  // carry any nondeterminism error); VPAY_TEST_LOG_LEVEL=warn shows them.
  installTemporalLogging(createLogger(process.env.VPAY_TEST_LOG_LEVEL ?? 'silent'));
  const histories: Array<{ workflowId: string; history: History }> = [];
  for (const file of files) {
    try {
      const json: unknown = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
      // The file name is the workflow ID, so every replay result (and error) names its file.
      histories.push({ workflowId: file, history: historyFromJSON(json) });
    } catch (err) {
      outcomes.set(file, { loadError: String(err) });
    }
  }
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: testEnv().bundlePath } }, histories)) {
    outcomes.set(result.workflowId, { result });
  }
});

describe('recorded purchase histories replay on the current workflow code', () => {
  it(`include the ${REQUIRED.length} recorded paths`, () => {
    expect(files.length).toBeGreaterThanOrEqual(REQUIRED.length);
    expect(REQUIRED.filter((f) => !files.includes(f))).toEqual([]);
  });

  // (it.each rejects an empty table; the test above already fails then.)
  const each = files.length > 0 ? it.each(files) : () => undefined;
  each('%s replays without a nondeterminism error', (file) => {
    const outcome = outcomes.get(file);
    if (!outcome) throw new Error(`${file}: no replay result`);
    if (outcome.loadError) throw new Error(`${file}: cannot load the history: ${outcome.loadError}`);
    const error = outcome.result?.error;
    // The message carries the file name and the SDK's description of the mismatch.
    expect(error ? `${file}: ${error.name}: ${error.message}` : undefined).toBeUndefined();
  });
});

describe('a rolling deploy of PURCHASE_LOCAL_STEPS', () => {
  // A new API can start a purchase with `localSteps: true` that a worker still on the older code
  // runs: that worker ignores the field and runs the steps as activity tasks, with no
  // 'local-request-steps' marker. The new code must replay such a history on activity tasks too.
  // delivered.json, recorded before the setting existed, is exactly what that worker records,
  // once its input carries the field.
  it('replays an older worker history whose input asked for local steps', async () => {
    const json = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, 'delivered.json'), 'utf8'));
    const payload = json.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
    expect(input.localSteps).toBeUndefined();
    payload.data = Buffer.from(JSON.stringify({ ...input, localSteps: true })).toString('base64');
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: testEnv().bundlePath } }, historyFromJSON(json), 'delivered-local-input'),
    ).resolves.toBeUndefined();
  });
});

describe('a rolling deploy of PURCHASE_LOCAL_PAID_ROW', () => {
  // A new API can start a purchase with `localPaidRow: true` that a worker still on the older code
  // runs: it writes the PAID row as an activity task and closes on timeout as it always did, with
  // no 'local-paid-row' or 'close-adopts-row-payment' marker. The new code must replay both on the
  // older path: the handler's write and the close that writes the row after the status.
  it.each(['local-steps-delivered', 'closed-payment-timeout', 'timeout-race', 'duplicate-callbacks'])(
    'replays an older worker history of %s whose input asked for the local PAID row',
    async (name) => {
      const json = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, `${name}.json`), 'utf8'));
      const payload = json.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
      const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
      expect(input.localPaidRow).toBeUndefined();
      payload.data = Buffer.from(JSON.stringify({ ...input, localPaidRow: true })).toString('base64');
      await expect(
        Worker.runReplayHistory({ workflowBundle: { codePath: testEnv().bundlePath } }, historyFromJSON(json), `${name}-paid-row-input`),
      ).resolves.toBeUndefined();
    },
  );
});

describe('a rolling deploy of the delivery task queue (SEPARATE_DELIVERY_QUEUE)', () => {
  // A new API starts workflows with a `deliveryTaskQueue` in their input that a worker still on
  // the older code may run: it ignores the field, schedules the developer-facing activities on
  // the workflow's queue and records no 'delivery-task-queue' marker. The new code must replay
  // such histories on the workflow's queue too. Histories recorded before the field existed are
  // exactly what that worker records, once their input carries it.
  it.each(['local-steps-delivered', 'redelivered', 'refund-game'])(
    'replays an older worker history of %s whose input named a delivery task queue',
    async (name) => {
      const json = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, `${name}.json`), 'utf8'));
      const payload = json.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
      const input = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
      expect(input.deliveryTaskQueue).toBeUndefined();
      payload.data = Buffer.from(JSON.stringify({ ...input, deliveryTaskQueue: 'vpay-purchases-delivery' })).toString('base64');
      await expect(
        Worker.runReplayHistory({ workflowBundle: { codePath: testEnv().bundlePath } }, historyFromJSON(json), `${name}-delivery-input`),
      ).resolves.toBeUndefined();
    },
  );
});
