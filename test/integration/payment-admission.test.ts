// The bound on payment requests waiting on Temporal (PAYMENT_REQUESTS_MAX_IN_FLIGHT, docs/API.md
// "Overload") on the real stack, with the bound at 1 and one purchase held in its prepay call:
// a second purchase is refused 503/50303 with Retry-After, having started and stored nothing, and
// is served normally once the first has its answer; replays from the order row and the
// superapp's payment callback are never refused.
import { WorkflowNotFoundError } from '@temporalio/client';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { startVpay, type Vpay } from '../support/vpay';
import { pay, paymentBody, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  vpay = await startVpay({ PAYMENT_REQUESTS_MAX_IN_FLIGHT: '1' });
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});

const tradeNoOf = (sd: string): string => JSON.parse(sd).outTradeNo;

/** The payment request, with the answer's headers (the support's `call` keeps only the body). */
async function requestWithHeaders(sd: string) {
  const res = await fetch(`${vpay.url}/v1/minigame/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(paymentBody(app, sd)),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: await res.json() };
}

async function metricsText(): Promise<string> {
  return (await fetch(`${vpay.url}/metrics`, { headers: { authorization: `Bearer ${vpay.metricsToken}` } })).text();
}

async function workflowExists(sd: string): Promise<boolean> {
  try {
    await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, tradeNoOf(sd))).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

const orderRows = (sd: string) => vpay.api.db('orders').where({ app_id: app.appId, out_trade_no: tradeNoOf(sd) });

it('refuses a purchase over the bound with 503/50303 and Retry-After, starting nothing, and serves it once a slot is free', async () => {
  // An order that exists before the gate fills: its replay and its payment must still be answered.
  vpay.superapp.prepayMode = 'ok';
  const earlierSd = signData(app);
  const earlier = await requestPayment(vpay, app, earlierSd);
  expect(earlier.status).toBe(200);

  // The first purchase takes the only slot and stays in its prepay call: the superapp holds its
  // answer until released (no timeout involved, however long the checks below take).
  vpay.superapp.holdPrepays = true;
  const firstSd = signData(app);
  const first = requestPayment(vpay, app, firstSd);
  await waitFor('the first prepay call in flight', () => vpay.superapp.prepays.some((p) => p.outTradeNo === tradeNoOf(firstSd)));

  const secondSd = signData(app);
  const refused = await requestWithHeaders(secondSd);
  expect(refused).toEqual({
    status: 503,
    retryAfter: '1',
    json: { errCode: 50303, errMsg: 'vpay is busy: too many payment requests waiting; retry later' },
  });
  // Nothing of the refused purchase exists: no workflow, no order row, no prepay order.
  expect(await workflowExists(secondSd)).toBe(false);
  expect(await orderRows(secondSd)).toHaveLength(0);
  expect(vpay.superapp.prepays.some((p) => p.outTradeNo === tradeNoOf(secondSd))).toBe(false);

  // An identical replay answered from its row costs no wait on Temporal: not refused.
  expect(await requestPayment(vpay, app, earlierSd)).toEqual(earlier);
  // Nor is the superapp's payment callback: it completes money already taken.
  const paid = await pay(vpay, earlier.json.orderId, app.price);
  expect({ status: paid.status, returnCode: paid.json.returnCode }).toEqual({ status: 200, returnCode: 0 });

  const metrics = await metricsText();
  expect(metrics).toMatch(/^vpay_payment_requests_in_flight 1$/m);
  expect(metrics).toMatch(/^vpay_payment_requests_shed_total 1$/m);
  expect(metrics).toMatch(/^vpay_payment_requests_total\{result="50303"\} 1$/m);

  // Released, the first purchase gets its prepay order and frees the slot.
  vpay.superapp.releasePrepays();
  const firstAnswer = await first;
  expect(firstAnswer.status).toBe(200);
  expect(firstAnswer.json).toMatchObject({ status: 'PREPAID', outTradeNo: tradeNoOf(firstSd) });

  // The refused request, sent again as it was, is a first request: one order, one prepay.
  const retried = await requestPayment(vpay, app, secondSd);
  expect(retried.status).toBe(200);
  expect(retried.json).toMatchObject({ status: 'PREPAID', outTradeNo: tradeNoOf(secondSd), prepayId: `prepay_${retried.json.orderId}` });
  expect(await orderRows(secondSd)).toHaveLength(1);
  expect(vpay.superapp.prepays.filter((p) => p.outTradeNo === tradeNoOf(secondSd))).toHaveLength(1);
  expect(await metricsText()).toMatch(/^vpay_payment_requests_in_flight 0$/m);
});
