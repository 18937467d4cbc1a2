// The payment callback against the payment timeout on the real stack: the worker is down over
// the order's payment deadline, so the timer's fire and the superapp's retried callback reach the
// workflow in one workflow task when a worker is back. Exactly one of them may win: here the
// callback comes after the deadline, so it is refused (409/40902) and the order is CLOSED, with no
// transaction in the row and nothing delivered (docs/ARCHITECTURE.md, "The payment deadline").
import { temporal } from '@temporalio/proto';
import { startVpay, type Vpay } from '../support/vpay';
import { requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { getOrder } from '../../lib/db/repos/orders';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import type { PurchaseState } from '../../workflows/definitions';
import { updateAdmitted, watchRecordPaymentUpdates } from '../support/late-callback';

const EventType = temporal.api.enums.v1.EventType;
const PAYMENT_TIMEOUT_MS = 3000;

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  vpay = await startVpay({
    PAYMENT_TIMEOUT_MS: String(PAYMENT_TIMEOUT_MS),
    // The callback waits on the workflow while no worker runs: longer than the outage here.
    WORKFLOW_ANSWER_TIMEOUT_MS: '60000',
  });
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});

it('refuses a callback that reaches the workflow with the payment timeout, and closes the order without a transaction', async () => {
  const sd = signData(app);
  const r = await requestPayment(vpay, app, sd);
  expect(r.status).toBe(200);
  expect(r.json.status).toBe('PREPAID');
  const orderId: string = r.json.orderId;
  const handle = vpay.api.client.workflow.getHandle<() => Promise<PurchaseState>>(purchaseWorkflowId(app.appId, JSON.parse(sd).outTradeNo));

  // The worker goes down while the order awaits its payment, and stays down past the deadline:
  // the timer fires on the server, its workflow task waits for a worker.
  await vpay.worker.stop();
  await waitFor(
    'the payment timer to fire on the server',
    async () => (await handle.fetchHistory()).events?.some((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED),
    PAYMENT_TIMEOUT_MS + 30_000,
  );

  // The superapp's callback, after the deadline; it waits for the workflow's answer.
  const sent = watchRecordPaymentUpdates(vpay.api.client);
  const callback = vpay.superapp.callback(vpay.url, {
    orderId,
    transactionId: `txn_${orderId}`,
    paidAmount: app.price,
    currencyType: 'USD',
    paidAt: new Date().toISOString(),
  });
  // Once the server holds the update, the next workflow task carries both the fire and the update.
  await waitFor('the callback’s update to be admitted by the server', async () => {
    const [updateId] = sent.ids;
    return updateId !== undefined && (await updateAdmitted(vpay.api.client, handle.workflowId, updateId));
  });
  sent.stop();

  await vpay.restartWorker();
  const answer = await callback;
  expect(answer).toEqual({ status: 409, json: { returnCode: 40902, returnMessage: expect.any(String) } });

  const state = await handle.result();
  expect(state).toMatchObject({ status: 'CLOSED', closeReason: 'payment_timeout', payment: null, paymentRecordedAt: null });
  const row = await getOrder(vpay.api.db, orderId);
  expect(row).toMatchObject({ status: 'CLOSED', closeReason: 'payment_timeout', transactionId: null, paidAmount: null, paidAt: null });
  // The update was refused by its validator: it never reached the history.
  const accepted = (await handle.fetchHistory()).events
    ?.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
    .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name);
  expect(accepted).toEqual(['requestPayment']);
  expect(vpay.developer.received.filter((d) => d.payload?.OrderId === orderId)).toEqual([]);
  expect(vpay.superapp.confirmations.filter((c) => c.orderId === orderId)).toEqual([]);
});
