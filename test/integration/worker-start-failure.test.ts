// A worker whose start fails part-way (here: the delivery Worker refused, after the main Worker,
// the connection and the pool were opened) closes all three before it rejects; `npm start` and the
// tests would otherwise carry a live pool, a connection and a Worker nobody can close.
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import * as dbModule from '../../lib/db/db';
import { loadConfig } from '../../lib/platform/config';
import { createLogger } from '../../lib/platform/logger';
import { createMetrics } from '../../lib/platform/metrics';
import { installTemporalLogging } from '../../lib/platform/temporal-logging';
import { startWorker } from '../../worker/start';
import { createTestDatabase } from '../support/vpay';
import { testEnv } from '../support/test-env';

afterEach(() => jest.restoreAllMocks());

test('a refused delivery Worker leaves the main Worker stopped, the connection closed and the pool destroyed', async () => {
  const { temporalAddress, bundlePath } = testEnv();
  const databaseUrl = await createTestDatabase();
  await dbModule.prepareDatabase(databaseUrl);
  const taskQueue = `test-${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    // vpay's config accepts it; the SDK refuses the reserved prefix when it creates the Worker.
    DELIVERY_TASK_QUEUE: '__temporal_delivery',
    SANDBOX: 'true',
    SUPERAPP_SECRET: 'x'.repeat(32),
    ADMIN_TOKEN: 'y'.repeat(32),
    LOG_LEVEL: 'silent',
  });
  // Spies that only watch: each hands back what the real call opened, for the test to probe.
  const pools: dbModule.Db[] = [];
  const createDb = dbModule.createDb;
  jest.spyOn(dbModule, 'createDb').mockImplementation((...args) => {
    const db = createDb(...args);
    pools.push(db);
    return db;
  });
  const connectSpy = jest.spyOn(NativeConnection, 'connect');
  const workerSpy = jest.spyOn(Worker, 'create');
  const logger = createLogger('silent');
  installTemporalLogging(logger);
  const ctx = { config, databaseUrl, logger, metrics: createMetrics(false) };

  await expect(startWorker(ctx, { workflowBundle: { codePath: bundlePath } })).rejects.toThrow(/reserved prefix/);

  expect(pools).toHaveLength(1);
  await expect(pools[0]!.raw('select 1')).rejects.toThrow();
  const main = (await workerSpy.mock.results[0]!.value) as Worker;
  expect(main.options.taskQueue).toBe(taskQueue);
  expect(main.getState()).toBe('STOPPED');
  const connection = (await connectSpy.mock.results[0]!.value) as NativeConnection;
  await expect(connection.workflowService.getSystemInfo({})).rejects.toThrow();
});
