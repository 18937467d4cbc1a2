// WORKER_MAX_CACHED_WORKFLOWS and WORKER_MAX_CONCURRENT_DELIVERIES reach the Temporal Workers `npm start` and `npm run worker` run.
import { startVpay, type Vpay } from '../support/vpay';

let vpay: Vpay | undefined;
afterEach(async () => {
  await vpay?.stop();
  vpay = undefined;
});

test('WORKER_MAX_CACHED_WORKFLOWS sets the worker cache size', async () => {
  vpay = await startVpay({ WORKER_MAX_CACHED_WORKFLOWS: '7' });
  expect(vpay.worker.worker.options.maxCachedWorkflows).toBe(7);
});

test("unset, the worker keeps the SDK's default cache size", async () => {
  vpay = await startVpay();
  expect(vpay.worker.worker.options.maxCachedWorkflows).toBeGreaterThan(7);
});

test("WORKER_MAX_CONCURRENT_DELIVERIES sets the delivery Worker's slots, on the delivery task queue", async () => {
  vpay = await startVpay({ WORKER_MAX_CONCURRENT_DELIVERIES: '5' });
  expect(vpay.worker.deliveryWorker.options.tuner.activityTaskSlotSupplier).toMatchObject({ type: 'fixed-size', numSlots: 5 });
  expect(vpay.worker.deliveryWorker.options.taskQueue).toBe(`${vpay.config.taskQueue}-delivery`);
  expect(vpay.worker.worker.options.taskQueue).toBe(vpay.config.taskQueue);
});

test('the two Workers stop together: stop() drains both, and either one stopping stops the other', async () => {
  vpay = await startVpay();
  expect(vpay.worker.worker.getState()).toBe('RUNNING');
  expect(vpay.worker.deliveryWorker.getState()).toBe('RUNNING');
  // The delivery Worker alone shutting down (as on a fatal error of its own) takes the main one with it.
  vpay.worker.deliveryWorker.shutdown();
  await vpay.worker.done;
  expect(vpay.worker.worker.getState()).toBe('STOPPED');
  expect(vpay.worker.deliveryWorker.getState()).toBe('STOPPED');

  await vpay.restartWorker();
  await vpay.worker.stop();
  expect(vpay.worker.worker.getState()).toBe('STOPPED');
  expect(vpay.worker.deliveryWorker.getState()).toBe('STOPPED');
});
