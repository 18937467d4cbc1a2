// `npm run reconcile` against a bench instance: the same check (tools/ops/reconcile.ts) on the
// instance's database and its task queue's workflows. Temporal's visibility store lags a just-
// finished workflow, so a report that is not clean is taken again for up to `settleMs`.
import { Client, Connection } from '@temporalio/client';
import { reconcile, type ReconcileReport } from '../tools/ops/reconcile';
import { sleep, type ScenarioResult } from './context';
import type { VpayInstance } from './stack';

export async function opsReconcile(inst: VpayInstance, res: ScenarioResult, settleMs = 15_000): Promise<ReconcileReport> {
  const connection = await Connection.connect({ address: inst.config.temporalAddress });
  try {
    const client = new Client({ connection, namespace: inst.config.temporalNamespace });
    const run = () =>
      reconcile({ db: inst.db, client, taskQueue: inst.config.taskQueue, keyRotationOverlapMs: inst.config.keyRotationOverlapMs });
    const deadline = Date.now() + settleMs;
    let report = await run();
    while (!report.ok && Date.now() < deadline) {
      await sleep(500);
      report = await run();
    }
    res.checks.push({
      name: `${inst.name}: npm run reconcile is clean (tools/ops/reconcile.ts)`,
      ok: report.ok && report.checked > 0,
      detail:
        `${report.checked} orders checked: ${Object.entries(report.counts)
          .map(([v, n]) => `${n} ${v}`)
          .join(', ')}; console findings ${report.console.findings.length}, refund findings ${report.refunds.findings.length}` +
        (report.problems.length
          ? `; first problem: ${report.problems[0].verdict} ${report.problems[0].orderId ?? ''} ${report.problems[0].detail}`
          : ''),
    });
    return report;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
