// application/record-payment.ts against a real PostgreSQL, with the purchase workflow's answers
// chosen by the test (a PurchaseClient stand-in): the order row, not the workflow's refusal, has
// the last word on a callback, because the row is what every retry is answered from and what the
// workflow adopts (docs/ARCHITECTURE.md, "The PAID row as a local activity").
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ApplicationFailure, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Db } from '../../lib/db/db';
import { insertApp } from '../../lib/db/repos/apps';
import { insertNewOrder, projectOrder } from '../../lib/db/repos/orders';
import { Failures, type OrderDraft } from '../../workflows/definitions';
import { recordPayment } from '../../application/record-payment';
import { PaymentRefused, PaymentUnsettled } from '../../application/refusals';
import type { ApplicationDeps } from '../../application/deps';
import type { PurchaseClient } from '../../application/purchase-client';
import { openTestDatabase } from '../support/vpay';
import { orderDraft } from '../support/order-draft';

let db: Db;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

/** A PREPAID order, as the payment request leaves it. */
async function prepaidOrder(): Promise<OrderDraft> {
  const app = await insertApp(db, {
    name: 'game',
    deliveryUrl: 'http://developer.test/deliver',
    deliveryTestUrl: null,
    paymentEnabled: true,
  });
  const draft = orderDraft(app.appId);
  await insertNewOrder(db, draft);
  await projectOrder(db, { orderId: draft.orderId, status: 'PREPAID', prepayId: 'pp_1' });
  return draft;
}

const callback = (orderId: string, transactionId = `txn_${orderId}`) => ({
  orderId,
  transactionId,
  paidAmount: 300,
  currencyType: 'USD',
  paidAt: '2026-12-02T03:00:00.000Z',
});

const refusal = (type: string) =>
  new WorkflowUpdateFailedError('refused', ApplicationFailure.create({ type, message: type, nonRetryable: true }));

/** The application's deps with the workflow's answer to recordPayment played by `answer`. */
function depsWith(answer: PurchaseClient['recordPayment'], rowSettleWaitMs = 2_000): { deps: ApplicationDeps; calls: () => number } {
  let n = 0;
  const purchases = {
    recordPayment: (...args: Parameters<PurchaseClient['recordPayment']>) => {
      n++;
      return answer(...args);
    },
  } as unknown as PurchaseClient;
  return { deps: { db, purchases, rowSettleWaitMs } as unknown as ApplicationDeps, calls: () => n };
}

it('answers recorded when the workflow refused the payment as late but the row holds it (a lost local write landed late)', async () => {
  const order = await prepaidOrder();
  const cb = callback(order.orderId);
  const { deps } = depsWith(async () => {
    // The stalled worker's PAID write lands as the workflow refuses: the close will adopt it.
    await projectOrder(db, { orderId: order.orderId, status: 'PAID', transactionId: cb.transactionId, paidAmount: 300, paidAt: cb.paidAt });
    throw refusal(Failures.OrderClosed);
  });
  await expect(recordPayment(deps, cb)).resolves.toMatchObject({
    duplicate: true,
    order: { status: 'PAID', transactionId: cb.transactionId },
  });
});

it('waits for the row after a refusal: answered closed only once the close wrote it', async () => {
  const order = await prepaidOrder();
  const { deps } = depsWith(async () => {
    // The close's row write comes a little after the workflow's refusal.
    setTimeout(() => void projectOrder(db, { orderId: order.orderId, status: 'CLOSED', closeReason: 'payment_timeout' }), 300);
    throw refusal(Failures.OrderClosed);
  });
  const refused = await recordPayment(deps, callback(order.orderId)).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(PaymentRefused);
  expect(refused).toMatchObject({ reason: 'orderClosed', order: { status: 'CLOSED' } });
});

it('answers alreadyPaid once the row holds the other transaction the workflow took', async () => {
  const order = await prepaidOrder();
  const { deps } = depsWith(async () => {
    setTimeout(
      () =>
        void projectOrder(db, {
          orderId: order.orderId,
          status: 'PAID',
          transactionId: 'txn_first',
          paidAmount: 300,
          paidAt: '2026-12-02T03:00:00.000Z',
        }),
      300,
    );
    throw refusal(Failures.AlreadyPaid);
  });
  await expect(recordPayment(deps, callback(order.orderId, 'txn_second'))).rejects.toMatchObject({ reason: 'alreadyPaid' });
});

it('answers retry-later (PaymentUnsettled), not a refusal, when the row settles neither way within the wait', async () => {
  const order = await prepaidOrder();
  const { deps } = depsWith(async () => {
    throw refusal(Failures.OrderClosed);
  }, 300);
  await expect(recordPayment(deps, callback(order.orderId))).rejects.toBeInstanceOf(PaymentUnsettled);
});

it('refuses a wrong amount at once: the row cannot make it right', async () => {
  const order = await prepaidOrder();
  const { deps } = depsWith(async () => {
    throw refusal(Failures.PaymentMismatch);
  }, 60_000);
  await expect(recordPayment(deps, { ...callback(order.orderId), paidAmount: 1 })).rejects.toMatchObject({ reason: 'paymentMismatch' });
});

it('answers a callback the PAID row records from the row, and still sends it to the workflow, which may not know it', async () => {
  const order = await prepaidOrder();
  const cb = callback(order.orderId);
  await projectOrder(db, { orderId: order.orderId, status: 'PAID', transactionId: cb.transactionId, paidAmount: 300, paidAt: cb.paidAt });
  let sent: unknown;
  const { deps, calls } = depsWith(async (_keys, payment) => {
    sent = payment;
    throw new Error('Temporal unreachable');
  });
  await expect(recordPayment(deps, cb)).resolves.toMatchObject({ duplicate: true });
  expect(calls()).toBe(1);
  expect(sent).toEqual(cb);
  // A DELIVERED row is answered from the row alone.
  await projectOrder(db, { orderId: order.orderId, status: 'DELIVERED' });
  await expect(recordPayment(deps, cb)).resolves.toMatchObject({ duplicate: true });
  expect(calls()).toBe(1);
});
