// What the superapp answers a prepay call is kept only as text that PostgreSQL and Temporal keep
// as it is: a rejection message with a NUL, a lone surrogate or an emoji cut in two reaches the
// workflow and the mini game as well-formed text, and a prepayId vpay cannot store is refused.
import { startVpay, type Vpay } from '../support/vpay';
import { queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  // A request whose order row cannot be written would wait this long for a 503.
  vpay = await startVpay({ WORKFLOW_ANSWER_TIMEOUT_MS: '8000' });
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});
afterEach(() => {
  vpay.superapp.prepayMode = 'ok';
});

const clean = (s: string) => s.isWellFormed() && !s.includes('\u0000');

it('a rejection message with a NUL, a lone surrogate and a cut emoji is kept as well-formed text; the mini game gets 502 / 50201', async () => {
  // The emoji's halves are the message's characters 200 and 201.
  const message = `risk\u0000control\ud800${'m'.repeat(186)}\u{1F600}tail`;
  vpay.superapp.prepayMode = 'custom';
  vpay.superapp.prepayReply = () => [200, { returnCode: 1001, returnMessage: message }];
  const sd = signData(app);
  const r = await requestPayment(vpay, app, sd);
  expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 502, errCode: 50201 });
  // The superapp's words are for the operator (the workflow's prepayError), not the mini game.
  expect(r.json.errMsg).not.toContain('risk');
  const outTradeNo = JSON.parse(sd).outTradeNo;
  const wf = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo)).result();
  expect(wf).toMatchObject({ status: 'CLOSED', closeReason: 'prepay_rejected' });
  expect(wf.prepayError).toContain('risk\ufffdcontrol\ufffdmmm');
  expect(clean(wf.prepayError!)).toBe(true);
  expect((await queryOrder(vpay, app, outTradeNo)).json.order.status).toBe('CLOSED');
});

it.each([
  ['a NUL', 'prepay\u0000id'],
  ['a lone surrogate', 'prepay\ud800id'],
  ['more than 128 characters', 'p'.repeat(129)],
  ['a number', 12345],
])('a prepayId with %s is refused as a rejection (502 / 50201, CLOSED), never stored', async (_what, prepayId) => {
  vpay.superapp.prepayMode = 'custom';
  vpay.superapp.prepayReply = () => [200, { returnCode: 0, prepayId }];
  const sd = signData(app);
  const r = await requestPayment(vpay, app, sd);
  expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 502, errCode: 50201 });
  const outTradeNo = JSON.parse(sd).outTradeNo;
  const wf = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, outTradeNo)).result();
  expect(wf).toMatchObject({ status: 'CLOSED', closeReason: 'prepay_rejected', prepayId: null });
  expect(wf.prepayError).toMatch(/prepayId/);
  const row = await vpay.api.db('orders').where({ app_id: app.appId, out_trade_no: outTradeNo }).first();
  expect(row).toMatchObject({ status: 'CLOSED', prepay_id: null });
});
