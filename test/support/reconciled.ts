// Ends a fault or load test with the reconciliation (tools/ops/reconcile.ts): the orders table, the
// Temporal executions on this test's task queue and what the fake developer received agree for
// every order: each paid order delivered exactly once, no unpaid order delivered; and the console's
// data has nothing that contradicts itself; and every refund agrees with its order, each SUCCEEDED
// one notified (and acknowledged by the fake developer) exactly once.
import { reconcile, type DeliveryLogEntry, type ReconcileReport } from '../../tools/ops/reconcile';
import type { RefundNoticeLogEntry } from '../../tools/ops/reconcile-refunds';
import { REFUND_EVENT } from '../../lib/domain/signatures';
import type { Vpay } from './vpay';
import { waitFor } from './wait-for';

/** What the fake developer received, as reconciliation's logs: deliveries (section 4) and refund notices (8.3) apart. */
export function developerLogs(vpay: Pick<Vpay, 'developer'>): { deliveries: DeliveryLogEntry[]; refundNotices: RefundNoticeLogEntry[] } {
  const received = vpay.developer.received;
  return {
    deliveries: received.filter((d) => d.event !== REFUND_EVENT).map((d) => ({ orderId: String(d.payload.OrderId), ok: d.answeredOk })),
    refundNotices: received
      .filter((d) => d.event === REFUND_EVENT)
      .map((d) => ({ refundId: String(d.payload.RefundId), ok: d.answeredOk })),
  };
}

export async function expectReconciled(vpay: Vpay): Promise<ReconcileReport> {
  const run = () => reconcile({ db: vpay.api.db, client: vpay.api.client, taskQueue: vpay.config.taskQueue, ...developerLogs(vpay) });
  // Temporal's visibility store is updated asynchronously: give a just-finished workflow's
  // search attributes a moment to catch up before judging; then assert on the last report.
  let report = await run();
  if (!report.ok) {
    await waitFor('a clean reconciliation', async () => (report = await run()).ok, 10_000, 250).catch(() => undefined);
  }
  expect(report.problems).toEqual([]);
  expect(report.console.findings).toEqual([]);
  expect(report.refunds.findings).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.checked).toBeGreaterThan(0);
  return report;
}
