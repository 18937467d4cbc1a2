// Fault matrix, Temporal: the dev server (persistent database) is restarted while purchases are
// in flight; the API and worker reconnect, and every paid order is delivered exactly once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTemporalDevServer, VPAY_SEARCH_ATTRIBUTES, type TemporalDevServer } from '../../tools/dev/temporal-dev-server';
import { freePort } from '../../tools/dev/free-port';
import { startVpay, type Vpay } from '../support/vpay';
import { pay, queryOrder, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { expectReconciled } from '../support/reconciled';

let dir: string;
let temporal: TemporalDevServer | undefined;
let vpay: Vpay;
let app: TestApp;
let grpcPort: number;

const startTemporal = () =>
  startTemporalDevServer({ dbFile: path.join(dir, 'temporal.db'), grpcPort, searchAttributes: { ...VPAY_SEARCH_ATTRIBUTES } });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-fault-temporal-'));
  grpcPort = await freePort();
  temporal = await startTemporal();
  vpay = await startVpay({ DELIVERY_RETRY_INITIAL_MS: '200', DELIVERY_RETRY_MAX_MS: '1000' }, { temporalAddress: temporal.address });
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
  await temporal?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('continues every purchase in flight across a restart of the Temporal server', async () => {
  vpay.developer.mode = 'http500';
  const paid: Array<{ orderId: string; outTradeNo: string }> = [];
  for (let i = 0; i < 6; i++) {
    const sd = signData(app);
    const r = await requestPayment(vpay, app, sd);
    expect(r.status).toBe(200);
    expect((await pay(vpay, r.json.orderId, app.price)).status).toBe(200);
    paid.push({ orderId: r.json.orderId, outTradeNo: JSON.parse(sd).outTradeNo });
  }
  const unpaidSd = signData(app);
  const unpaid = await requestPayment(vpay, app, unpaidSd);
  await waitFor('a failed attempt for every paid order', () =>
    paid.every((o) => vpay.developer.received.some((d) => d.payload.OrderId === o.orderId)),
  );

  await temporal!.stop();
  temporal = await startTemporal();
  vpay.developer.mode = 'ok';

  // The unpaid order survived the restart too: its payment is accepted now.
  const late = await waitFor(
    'the callback after the restart',
    async () => {
      const r = await pay(vpay, unpaid.json.orderId, app.price);
      return r.status === 200 && r;
    },
    60_000,
  );
  expect(late.json.returnCode).toBe(0);
  for (const o of [...paid, { orderId: unpaid.json.orderId, outTradeNo: JSON.parse(unpaidSd).outTradeNo }]) {
    await waitFor(
      `${o.outTradeNo} DELIVERED`,
      async () => (await queryOrder(vpay, app, o.outTradeNo)).json.order.status === 'DELIVERED',
      60_000,
    );
    expect(vpay.developer.acknowledged(o.orderId)).toBe(1);
  }
  await expectReconciled(vpay);
});
