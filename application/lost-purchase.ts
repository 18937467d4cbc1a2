// An order awaiting its payment whose purchase workflow no longer runs (terminated, reset away,
// gone past retention) can never be paid: nothing would record the payment or deliver the item,
// and every payment callback for it would fail (a 500) on every retry. Such an order is closed
// (CLOSED, close reason `workflow_lost`): its payment is then refused with 40902, which tells the
// superapp to refund it, the same answer as for any other closed order. docs/ARCHITECTURE.md
// ("Row and workflow disagree") explains the choice. Used by the payment callback and by
// `npm run reconcile -- --repair`.
import type { Db } from '../lib/db/db';
import { closeLostOrder, getOrder, type OrderRow } from '../lib/db/repos/orders';
import type { PurchaseClient } from './purchase-client';

export interface LostPurchaseDeps {
  db: Db;
  purchases: Pick<PurchaseClient, 'isRunning'>;
}

/** An order whose payment only its workflow could record: nothing is recorded yet. */
export const awaitsPayment = (o: Pick<OrderRow, 'status' | 'transactionId'>): boolean =>
  (o.status === 'CREATED' || o.status === 'PREPAID') && o.transactionId === null;

/**
 * Closes `order` as `workflow_lost` when it still awaits its payment and its workflow does not run
 * (asked afresh: a caller's view may be stale). Answers the row as it now is (closed, or moved on
 * meanwhile), or undefined when nothing was to be done: the workflow runs, or the order no longer
 * awaits a payment.
 */
export async function closeLostPurchase({ db, purchases }: LostPurchaseDeps, order: OrderRow): Promise<OrderRow | undefined> {
  if (!awaitsPayment(order)) return undefined;
  if (await purchases.isRunning(order)) return undefined;
  return (await closeLostOrder(db, order.orderId)) ?? getOrder(db, order.orderId);
}
