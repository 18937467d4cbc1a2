// The superapp's authenticated payment callback (CONTRACT.md 3.2): records the payment in the
// purchase and answers once it is durable. A payment already recorded, or an order already
// closed, is answered from the order row without touching the workflow. An order awaiting its
// payment whose workflow is gone is closed here (./lost-purchase.ts) and refused like any closed one.
import { getOrder, type OrderRow } from '../lib/db/repos/orders';
import type { PaymentCallback } from '../lib/domain/schemas';
import { Failures } from '../workflows/definitions';
import type { ApplicationDeps } from './deps';
import { isPurchaseGone, updateRefusal } from './purchase-client';
import { closeLostPurchase } from './lost-purchase';
import { PaymentRefused, type PaymentRefusal } from './refusals';

export interface PaymentRecorded {
  order: OrderRow;
  /** True when this callback repeated an already recorded payment. */
  duplicate: boolean;
}

const REFUSALS: Record<string, PaymentRefusal> = {
  [Failures.OrderClosed]: 'orderClosed',
  [Failures.AlreadyPaid]: 'alreadyPaid',
  [Failures.PaymentMismatch]: 'paymentMismatch',
};

/**
 * What the order row alone can answer, for an order already paid or closed: 'recorded' (this
 * very payment) or a refusal. Undefined while the order awaits its payment (only the workflow
 * may decide then).
 */
function answerFromRow(o: OrderRow, cb: PaymentCallback): 'recorded' | PaymentRefusal | undefined {
  if (o.status === 'CLOSED') return 'orderClosed';
  if (o.transactionId === null) return undefined;
  if (o.transactionId !== cb.transactionId) return 'alreadyPaid';
  if (cb.paidAmount !== o.totalAmount || cb.currencyType !== o.currencyType) return 'paymentMismatch';
  return 'recorded';
}

/** Records the payment, or throws PaymentRefused (or what PostgreSQL or Temporal threw). */
export async function recordPayment(deps: ApplicationDeps, cb: PaymentCallback): Promise<PaymentRecorded> {
  const { db, purchases } = deps;
  const order = await getOrder(db, cb.orderId);
  if (!order) throw new PaymentRefused('unknownOrder');
  const fromRow = answerFromRow(order, cb);
  if (fromRow === 'recorded') return { order, duplicate: true };
  if (fromRow) throw new PaymentRefused(fromRow, order);
  try {
    // The callback as received (orderId included), as the workflow has always been sent it.
    const r = await purchases.recordPayment(order, cb);
    return { order, duplicate: r.duplicate };
  } catch (err) {
    const refusal = updateRefusal(err);
    if (refusal?.type && REFUSALS[refusal.type]) {
      // The row may hold this very payment although the workflow refused it: a worker lost after
      // writing the PAID row as a local activity, then the payment timeout passed before the
      // superapp's retry reached the workflow. The row is what duplicates are answered from, and
      // the workflow adopts it at its close (docs/ARCHITECTURE.md), so it is the answer here too.
      const now = await getOrder(db, cb.orderId);
      if (now && answerFromRow(now, cb) === 'recorded') return { order: now, duplicate: true };
      throw new PaymentRefused(REFUSALS[refusal.type], now ?? order);
    }
    // The purchase may have finished meanwhile (closed on timeout): the row then knows.
    let now = await getOrder(db, cb.orderId);
    let late = now && answerFromRow(now, cb);
    if (!late && now && isPurchaseGone(err)) {
      // The row awaits a payment no workflow will ever take: close it, so the superapp refunds.
      now = (await closeLostPurchase(deps, now)) ?? now;
      late = answerFromRow(now, cb);
    }
    if (!late) throw err;
    if (late === 'recorded') return { order, duplicate: false };
    throw new PaymentRefused(late, now ?? order);
  }
}
