// The payment request's two reads (lib/db/repos/apps.ts getAppWithSessionKey, items.ts
// getOrderAndItem), each joining what were two reads: they must give what the single reads give.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Db } from '../../lib/db/db';
import { getApp, getAppWithSessionKey, insertApp, putSession, type App } from '../../lib/db/repos/apps';
import { getItem, getOrderAndItem, putItem } from '../../lib/db/repos/items';
import { getOrderByTradeNo, insertNewOrder } from '../../lib/db/repos/orders';
import { openTestDatabase } from '../support/vpay';
import { orderDraft } from '../support/order-draft';

let db: Db;
let app: App;
let other: App;

beforeAll(async () => {
  db = await openTestDatabase();
  app = await insertApp(db, { name: 'game', deliveryUrl: 'http://developer.test/deliver', paymentEnabled: true });
  other = await insertApp(db, { name: 'other game', deliveryUrl: 'http://developer.test/deliver', paymentEnabled: true });
});
afterAll(async () => {
  await db?.destroy();
});

describe('getAppWithSessionKey', () => {
  it("gives the app as getApp reads it, with the player's current session key", async () => {
    await putSession(db, { appId: app.appId, openId: 'p1', sessionKey: 'key-1', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await expect(getAppWithSessionKey(db, app.appId, 'p1')).resolves.toEqual({ app: await getApp(db, app.appId), sessionKey: 'key-1' });
  });

  it('gives no session key for a player without one, one expired, or one of another app', async () => {
    await putSession(db, { appId: app.appId, openId: 'p2', sessionKey: 'old', expiresAt: new Date(Date.now() - 60_000).toISOString() });
    await putSession(db, { appId: other.appId, openId: 'p3', sessionKey: 'elsewhere' });
    for (const openId of ['nobody', 'p2', 'p3']) {
      await expect(getAppWithSessionKey(db, app.appId, openId)).resolves.toEqual({ app, sessionKey: undefined });
    }
  });

  it('gives nothing for an app that does not exist', async () => {
    await expect(getAppWithSessionKey(db, 'app-missing', 'p1')).resolves.toBeUndefined();
  });
});

describe('getOrderAndItem', () => {
  it('gives the order and the item as getOrderByTradeNo and getItem read them, dates as Dates', async () => {
    await putItem(db, { appId: app.appId, productId: 'gems', name: 'Gems', price: 300, currencyType: 'USD', released: true });
    const draft = orderDraft(app.appId, 0);
    await insertNewOrder(db, draft);
    const both = await getOrderAndItem(db, app.appId, draft.outTradeNo, 'gems');
    expect(both).toEqual({ order: await getOrderByTradeNo(db, app.appId, draft.outTradeNo), item: await getItem(db, app.appId, 'gems') });
    expect(both.order?.createdAt).toBeInstanceOf(Date);
    expect(both.item?.live?.releasedAt).toBeInstanceOf(Date);
  });

  it("gives either alone, or neither, when the other is missing; never another app's", async () => {
    await putItem(db, { appId: app.appId, productId: 'coins', name: 'Coins', price: 100, currencyType: 'USD' });
    const draft = orderDraft(app.appId, 0);
    await insertNewOrder(db, draft);
    const theirs = orderDraft(other.appId, 0);
    await insertNewOrder(db, theirs);

    const itemOnly = await getOrderAndItem(db, app.appId, 'T-none', 'coins');
    expect(itemOnly).toEqual({ order: undefined, item: await getItem(db, app.appId, 'coins') });
    expect(itemOnly.item?.live).toBeNull();
    await expect(getOrderAndItem(db, app.appId, draft.outTradeNo, 'no-such-item')).resolves.toEqual({
      order: await getOrderByTradeNo(db, app.appId, draft.outTradeNo),
      item: undefined,
    });
    await expect(getOrderAndItem(db, app.appId, theirs.outTradeNo, 'no-such-item')).resolves.toEqual({ order: undefined, item: undefined });
    await expect(getOrderAndItem(db, other.appId, 'T-none', 'coins')).resolves.toEqual({ order: undefined, item: undefined });
  });
});
