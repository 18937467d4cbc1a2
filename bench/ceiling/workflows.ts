// The ceiling: a bare workflow of the purchase's shape, bundled and run on its own task queue.
// Same input, same two updates (requestPayment with update-with-start, recordPayment) with the
// same validators, the same six activities on the happy path with the same options (saveNewOrder,
// requestPrepay, projectOrder PREPAID, projectOrder PAID in the update handler, confirmPayment
// side by side with deliverOrder), the same payment-timeout and delivery-alert timers and the same
// search-attribute upserts, and the request's steps as local activities when vpay's are
// (PurchaseInput.localSteps, PURCHASE_LOCAL_STEPS); the activities do no I/O (bench/ceiling/activities.ts). What vpay
// reaches against this is the share of Temporal's capacity on this machine that vpay keeps.
// BarePurchaseInput.paidLocal mirrors vpay's PURCHASE_LOCAL_PAID_ROW, noPatches its PURCHASE_WORKFLOW_V2 and
// deliveryTaskQueue its SEPARATE_DELIVERY_QUEUE (deliverOrder on a queue of its own, with a worker of its own);
// the ceiling scenario follows vpay's defaults.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineUpdate,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  Failures,
  recordPaymentUpdate,
  requestPaymentUpdate,
  SA_ORDER_STATUS,
  type OrderStatus,
  type PaymentRecord,
  type PurchaseInput,
} from '../../workflows/definitions';
import { activityOptions, localActivityOptions } from '../../workflows/retry-policies';
import type { CeilingActivities } from './activities';

/** vpay's input, plus levers vpay does not have, measured on the bare workflow only. */
export interface BarePurchaseInput extends PurchaseInput {
  /**
   * The callback's PAID row (projectOrder PAID in the recordPayment handler) as a local activity,
   * so the update is answered in the workflow task that accepts it instead of after an activity
   * task and a second workflow task (issue 12; bench/scenarios/paid-local.ts). No patch: the bare
   * workflow's histories are never replayed by another version.
   */
  paidLocal?: boolean;
  /** No patch asked for, as vpay's purchaseV2 workflow type (PURCHASE_WORKFLOW_V2, on by default). */
  noPatches?: boolean;
}

export async function barePurchase(input: BarePurchaseInput): Promise<void> {
  const { order, timings } = input;
  const projection = proxyActivities<CeilingActivities>(activityOptions.projection);
  // The no-I/O activity never fails, so the fallback to an activity task that vpay would need
  // after failed local tries (as its request steps have) is left out: it would never run here.
  const paidRow = input.paidLocal === true ? proxyLocalActivities<CeilingActivities>(localActivityOptions.projection) : projection;
  const superapp = proxyActivities<CeilingActivities>(activityOptions.prepay);
  const confirmation = proxyActivities<CeilingActivities>(activityOptions.confirm);
  // As vpay's developerFacing (workflows/task-queues.ts) with no patch: the bare histories are never replayed.
  const delivery = proxyActivities<CeilingActivities>(
    input.deliveryTaskQueue === undefined ? activityOptions.delivery : { ...activityOptions.delivery, taskQueue: input.deliveryTaskQueue },
  );

  let status: OrderStatus = 'CREATED';
  let rowStatus: OrderStatus = 'CREATED';
  let prepayId: string | null = null;
  let payment: PaymentRecord | null = null;
  let paymentRecordedAt: string | null = null;
  let deliveredAt: string | null = null;
  const setStatus = (s: OrderStatus) => {
    status = s;
    upsertSearchAttributes([{ key: SA_ORDER_STATUS, value: s }]);
  };

  setHandler(
    requestPaymentUpdate,
    async () => {
      await condition(() => rowStatus !== 'CREATED');
      return { orderId: order.orderId, outTradeNo: order.outTradeNo, status, prepayId };
    },
    {
      validator: ({ signData, openId }) => {
        if (signData !== order.signData || openId !== order.openId) {
          throw ApplicationFailure.create({
            type: Failures.OutTradeNoConflict,
            message: 'different signData or openId',
            nonRetryable: true,
          });
        }
      },
    },
  );

  const paymentProblem = (p: PaymentRecord) =>
    payment && payment.transactionId !== p.transactionId
      ? ApplicationFailure.create({ type: Failures.AlreadyPaid, message: 'already paid', nonRetryable: true })
      : p.paidAmount !== order.totalAmount
        ? ApplicationFailure.create({ type: Failures.PaymentMismatch, message: 'amount', nonRetryable: true })
        : undefined;

  setHandler(
    recordPaymentUpdate,
    async (p) => {
      await condition(() => status !== 'CREATED');
      if (payment) {
        await condition(() => paymentRecordedAt !== null);
        return { duplicate: true };
      }
      payment = p;
      setStatus('PAID');
      await paidRow.projectOrder({
        orderId: order.orderId,
        status: 'PAID',
        transactionId: p.transactionId,
        paidAmount: p.paidAmount,
        paidAt: p.paidAt,
      });
      paymentRecordedAt = new Date().toISOString();
      return { duplicate: false };
    },
    {
      validator: (p) => {
        const problem = paymentProblem(p);
        if (problem) throw problem;
      },
    },
  );

  // As vpay's placeOrder: the patch marker and its TemporalChangeVersion upsert come with the
  // local path of its `purchase` type, so the ceiling's first workflow task writes what vpay's
  // does; its purchaseV2 asks no patch.
  const local = input.localSteps === true && (input.noPatches === true || patched('local-request-steps'));
  const steps = local
    ? {
        row: proxyLocalActivities<CeilingActivities>(localActivityOptions.projection),
        prepay: proxyLocalActivities<CeilingActivities>(localActivityOptions.prepay),
      }
    : { row: projection, prepay: superapp };
  await steps.row.saveNewOrder(order);
  prepayId = (await steps.prepay.requestPrepay(order)).prepayId;
  setStatus('PREPAID');
  await steps.row.projectOrder({ orderId: order.orderId, status: 'PREPAID', prepayId });
  rowStatus = 'PREPAID';

  const remainingMs = Math.max(0, Date.parse(order.createdAt) + timings.paymentTimeoutMs - Date.now());
  if (!(await condition(() => payment !== null, remainingMs))) return;
  await condition(() => paymentRecordedAt !== null);

  const confirmed = confirmation.confirmPayment({ orderId: order.orderId, transactionId: payment!.transactionId });
  const alertDueMs = Math.max(0, Date.parse(paymentRecordedAt!) + timings.deliveryAlertAfterMs - Date.now());
  void condition(() => deliveredAt !== null, alertDueMs);
  deliveredAt = (await delivery.deliverOrder({ orderId: order.orderId })).deliveredAt;
  setStatus('DELIVERED');
  await confirmed;
  await condition(allHandlersFinished);
}

/** The floor's one update: answered at once. */
export const floorAnswerUpdate = defineUpdate<{ ok: true }, [{ signData: string }]>('floorAnswer');

/**
 * Temporal's floor on this machine: a workflow started by update-with-start whose one update is
 * answered at once, then completed. No activity, no timer, no search-attribute upsert: what a
 * client waits for the cheapest answer a workflow can give (bench/scenarios/steps.ts compares the
 * payment request and the callback with it).
 */
export async function floorWorkflow(): Promise<void> {
  let answered = false;
  setHandler(floorAnswerUpdate, () => {
    answered = true;
    return { ok: true as const };
  });
  await condition(() => answered);
  await condition(allHandlersFinished);
}
