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
import { PaymentRefused, PaymentUnsettled, type PaymentRefusal } from './refusals';

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
  if (fromRow === 'recorded') {
    if (order.status === 'PAID') nudgeWorkflow(deps, order, cb);
    return { order, duplicate: true };
  }
  if (fromRow) throw new PaymentRefused(fromRow, order);
  try {
    // The callback as received (orderId included), as the workflow has always been sent it.
    const r = await purchases.recordPayment(order, cb);
    return { order, duplicate: r.duplicate };
  } catch (err) {
    const refusal = updateRefusal(err);
    if (refusal?.type && REFUSALS[refusal.type]) {
      const refused = REFUSALS[refusal.type];
      if (refused === 'paymentMismatch') throw new PaymentRefused(refused, order);
      return answerFromSettledRow(deps, cb);
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

/**
 * The workflow refused the payment as closed or paid by another transaction, from its own state;
 * the superapp is answered from the row, which may not agree yet and has the last word: a close
 * writes it after the refusal, and a worker lost after writing the PAID row as a local activity
 * (PURCHASE_LOCAL_PAID_ROW) may have a write land late, which the workflow then adopts
 * (docs/ARCHITECTURE.md). A closed row takes no payment and a paid row no other, so once the row
 * is either, its answer is final; until then (bounded) the callback is answered 503, to retry.
 */
async function answerFromSettledRow(deps: ApplicationDeps, cb: PaymentCallback): Promise<PaymentRecorded> {
  const until = Date.now() + deps.rowSettleWaitMs;
  for (;;) {
    const now = await getOrder(deps.db, cb.orderId);
    const answer = now ? answerFromRow(now, cb) : undefined;
    if (now && answer === 'recorded') return { order: now, duplicate: true };
    if (now && answer !== undefined && answer !== 'recorded') throw new PaymentRefused(answer, now);
    if (Date.now() >= until) throw new PaymentUnsettled();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
  }
}
const SETTLE_POLL_MS = 100;

/**
 * A PAID row the workflow may not know of: a worker lost after writing it as a local activity,
 * with the update it was answering lost too (a Temporal restart), would otherwise wait for the
 * payment timeout to adopt it. The superapp's retry, answered from the row, also goes to the
 * workflow, without waiting: a workflow that has the payment answers it as a duplicate.
 */
function nudgeWorkflow(deps: ApplicationDeps, order: OrderRow, cb: PaymentCallback): void {
  deps.purchases.recordPayment(order, cb).catch(() => {
    // Refused or unreachable: the row has answered, and the payment timeout adopts the payment.
  });
}
