// Ends a fault or load test with the reconciliation: the orders table, the Temporal executions
// and what the fake developer received must agree for every order of this test's apps.
// (Placeholder until lib/reconcile.ts lands: checks the delivery invariants directly.)
import type { Vpay } from './vpay';

export async function expectReconciled(vpay: Vpay): Promise<void> {
  const rows = await vpay.api.db('orders').select('order_id', 'status', 'transaction_id');
  for (const r of rows) {
    const acknowledged = vpay.developer.acknowledged(r.order_id);
    if (r.status === 'DELIVERED') expect({ order: r.order_id, acknowledged }).toEqual({ order: r.order_id, acknowledged: 1 });
    else expect({ order: r.order_id, acknowledged }).toEqual({ order: r.order_id, acknowledged: 0 });
    if (r.transaction_id === null) expect(['CREATED', 'PREPAID', 'CLOSED']).toContain(r.status);
  }
}
