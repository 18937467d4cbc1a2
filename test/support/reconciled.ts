// Ends a fault or load test with the reconciliation (tools/ops/reconcile.ts): the orders table, the
// Temporal executions on this test's task queue and what the fake developer received agree for
// every order: each paid order delivered exactly once, no unpaid order delivered; and the console's
// data has nothing that contradicts itself.
import { reconcile, type ReconcileReport } from '../../tools/ops/reconcile';
import type { Vpay } from './vpay';
import { waitFor } from './wait-for';

export async function expectReconciled(vpay: Vpay): Promise<ReconcileReport> {
  const run = () =>
    reconcile({
      db: vpay.api.db,
      client: vpay.api.client,
      taskQueue: vpay.config.taskQueue,
      deliveries: vpay.developer.received.map((d) => ({ orderId: d.payload.OrderId, ok: d.answeredOk })),
    });
  // Temporal's visibility store is updated asynchronously: give a just-finished workflow's
  // search attributes a moment to catch up before judging; then assert on the last report.
  let report = await run();
  if (!report.ok) {
    await waitFor('a clean reconciliation', async () => (report = await run()).ok, 10_000, 250).catch(() => undefined);
  }
  expect(report.problems).toEqual([]);
  expect(report.console.findings).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.checked).toBeGreaterThan(0);
  return report;
}
