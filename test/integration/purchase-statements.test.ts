// The PostgreSQL statements one whole purchase makes, counted in the API's and the worker's pools.
// Each statement is a round trip and CPU in vpay's process and in PostgreSQL, and at saturation the
// CPU per purchase sets the rate (docs/ARCHITECTURE.md, *Speed*): a new one on this path shows here.
import type { Knex } from 'knex';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { startVpay, type Vpay } from '../support/vpay';
import { pay, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';

let vpay: Vpay;
let app: TestApp;

beforeAll(async () => {
  vpay = await startVpay();
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});

/**
 * The statements `db` runs from now on, their SQL only. Left out: a delivery's recheck of its
 * endpoint's health, made at most once every 10 s per endpoint (activities/delivery-recovery.ts),
 * so whether it falls in a given purchase depends on the time since the last one.
 */
function recorded(db: Knex): { sql: string[]; stop(): void } {
  const sql: string[] = [];
  const onQuery = (q: { sql: string }) => {
    if (!q.sql.includes('delivery_endpoint_health')) sql.push(q.sql.replace(/\s+/g, ' '));
  };
  db.on('query', onQuery);
  return { sql, stop: () => db.off('query', onQuery) };
}

/** A whole purchase: answered, paid, and its workflow finished with the order delivered. */
async function purchase(): Promise<{ requestAnswered: string[] }> {
  const api = recorded(vpay.api.db);
  const sd = signData(app);
  const r = await requestPayment(vpay, app, sd);
  expect(r.json).toMatchObject({ errCode: 0, status: 'PREPAID' });
  const requestAnswered = [...api.sql];
  api.stop();
  expect((await pay(vpay, r.json.orderId, app.price)).status).toBe(200);
  await expect(
    vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, JSON.parse(sd).outTradeNo)).result(),
  ).resolves.toMatchObject({
    status: 'DELIVERED',
  });
  return { requestAnswered };
}

describe("a purchase's PostgreSQL statements", () => {
  it('are two reads in the API for the request, one for the callback, and six writes and reads in the worker', async () => {
    // A first purchase warms the pools and the app's endpoint; count the next.
    await purchase();
    const api = recorded(vpay.api.db);
    const worker = recorded(vpay.worker.db);
    try {
      const { requestAnswered } = await purchase();
      // The app with the player's session key; the order (none yet) with the item.
      expect(requestAnswered).toEqual([expect.stringContaining('from user_sessions'), expect.stringContaining('left join items')]);
      // Those two, then the callback's read of the order.
      expect(api.sql).toHaveLength(3);
      // The order row, the PREPAID row, the PAID row; the delivery's read of the order with its app,
      // the attempt counted, and the attempt recorded with the DELIVERED row.
      expect(worker.sql).toEqual([
        expect.stringContaining('insert into "orders"'),
        expect.stringContaining('update "orders"'),
        expect.stringContaining('update "orders"'),
        expect.stringContaining('row_to_json(a.*)'),
        expect.stringContaining('"delivery_attempts" = delivery_attempts + 1'),
        expect.stringContaining('insert into delivery_attempts'),
      ]);
    } finally {
      api.stop();
      worker.stop();
    }
  });
});
