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
