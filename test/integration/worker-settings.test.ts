// WORKER_MAX_CACHED_WORKFLOWS reaches the Temporal worker `npm start` and `npm run worker` run.
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
