// Items through the console (CONTRACT.md 7.6): add, edit, release, review, remove, delete, and
// what a player can buy meanwhile, checked with real payment requests (section 2): the live
// version sells, a draft never does, a REMOVED item no longer does.
import { consoleCall, consoleWorld, type Answer, type ConsoleWorld } from '../../support/console';
import { admin, requestPayment, signData, type TestApp } from '../../support/minigame';
import { createTestDatabase, startVpay, type Vpay } from '../../support/vpay';
import { createDb } from '../../../lib/db/db';
import { migrationSource } from '../../../migrations';
import { getItem, removeLiveItems } from '../../../lib/db/repos/items';
import * as exemption from '../../../lib/db/repos/item-exemption';
import type { Role } from '../../../lib/domain/console/permissions';

let vpay: Vpay;
let world: ConsoleWorld;
/** An app of the world's team with payment enabled, a key, a delivery URL and a player. */
let game: TestApp;

beforeAll(async () => {
  vpay = await startVpay();
  world = await consoleWorld(vpay);
  const created = await admin(vpay, 'POST', '/v1/admin/apps', {
    name: 'console game',
    deliveryUrl: vpay.developer.url,
    paymentEnabled: true,
    teamId: world.teamId,
  });
  expect(created.status).toBe(201);
  vpay.developer.appKey = created.json.appKey;
  game = {
    appId: created.json.appId,
    appKey: created.json.appKey,
    openId: 'player1',
    sessionKey: 'player1-session',
    productId: '',
    price: 0,
    currencyType: 'USD',
  };
  expect((await admin(vpay, 'PUT', `/v1/admin/apps/${game.appId}/sessions/player1`, { sessionKey: game.sessionKey })).status).toBe(201);
});
afterAll(async () => {
  await vpay?.stop();
});

const as = (role: Role, method: string, path: string, body?: unknown): Promise<Answer> =>
  consoleCall(vpay, world.tokens[role], method, path, body);
const items = () => `/apps/${game.appId}/items`;
let seq = 0;
const newId = (prefix = 'item') => `${prefix}_${Date.now()}_${++seq}`;

/** What a player is answered buying `productId` at `price` USD (or `currencyType`). */
async function buy(productId: string, price: number, currencyType = 'USD'): Promise<{ status: number; errCode: number }> {
  const r = await requestPayment(vpay, game, signData({ ...game, productId, price, currencyType }));
  return { status: r.status, errCode: r.json.errCode };
}
const SOLD = { status: 200, errCode: 0 };
const NOT_FOR_SALE = { status: 404, errCode: 40401 };
const WRONG_PRICE = { status: 422, errCode: 42201 };

async function add(productId: string, over: Record<string, unknown> = {}): Promise<any> {
  const r = await as('mp_developer', 'POST', items(), {
    productId,
    name: `name of ${productId}`,
    price: 100,
    currencyType: 'USD',
    ...over,
  });
  expect(r.status).toBe(201);
  return r.json;
}
async function release(...productIds: string[]): Promise<Answer> {
  return as('mp_senior_developer', 'POST', `${items()}/release`, { productIds });
}
async function review(productId: string, decision: 'approve' | 'reject', reason?: string): Promise<Answer> {
  return as('platform_admin', 'POST', `${items()}/${productId}/review`, { decision, ...(reason && { reason }) });
}
/** Added, released and approved: live at `price`. */
async function liveItem(productId: string, price = 100): Promise<void> {
  await add(productId, { price });
  expect((await release(productId)).status).toBe(200);
  expect((await review(productId, 'approve')).status).toBe(200);
}
async function itemOf(productId: string): Promise<any> {
  const r = await as('mp_operator', 'GET', `${items()}?q=${encodeURIComponent(productId)}`);
  return r.json.items.find((i: any) => i.productId === productId);
}

describe('adding', () => {
  it('adds a DRAFT (201) that is not for sale; an existing productId is 409/40907', async () => {
    const productId = newId();
    const item = await add(productId, { imageUrl: 'https://cdn.example.com/a.png' });
    expect(item).toMatchObject({
      errCode: 0,
      productId,
      name: `name of ${productId}`,
      price: 100,
      currencyType: 'USD',
      imageUrl: 'https://cdn.example.com/a.png',
      status: 'DRAFT',
      live: null,
      reviewReason: null,
    });
    expect(new Date(item.createdAt).getTime()).toBeGreaterThan(0);
    expect(await buy(productId, 100)).toEqual(NOT_FOR_SALE);
    const again = await as('mp_admin', 'POST', items(), { productId, name: 'x', price: 1, currencyType: 'USD' });
    expect({ status: again.status, errCode: again.json.errCode }).toEqual({ status: 409, errCode: 40907 });
  });

  it.each([
    ['a productId with a space', { productId: 'a b' }],
    ['a productId over 128 characters', { productId: 'p'.repeat(129) }],
    ['a price of 0', { price: 0 }],
    ['a price with cents', { price: 1.5 }],
    ['a price as text', { price: '100' }],
    ['a currency in lower case', { currencyType: 'usd' }],
    ['an empty name', { name: '  ' }],
    ['an image URL that is not http(s)', { imageUrl: 'ftp://x.example/a.png' }],
    ['a field the route does not take', { status: 'RELEASED' }],
  ])('400/40001 for %s', async (_what, over) => {
    const r = await as('mp_developer', 'POST', items(), { productId: newId(), name: 'n', price: 100, currencyType: 'USD', ...over });
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 400, errCode: 40001 });
  });

  it('accepts every character the contract allows in a productId', async () => {
    const productId = `A-z_0.9@x|y*${++seq}`;
    await add(productId);
    const r = await as('mp_developer', 'PATCH', `${items()}/${encodeURIComponent(productId)}`, { name: 'renamed' });
    expect(r.json).toMatchObject({ productId, name: 'renamed' });
  });
});

describe('release and review', () => {
  it('a release goes to PENDING_REVIEW (not yet for sale); approval makes the draft live', async () => {
    const productId = newId();
    await add(productId, { price: 250 });
    const released = await release(productId);
    expect(released.status).toBe(200);
    expect(released.json.items).toEqual([expect.objectContaining({ productId, status: 'PENDING_REVIEW', live: null })]);
    expect(await buy(productId, 250)).toEqual(NOT_FOR_SALE);
    const approved = await review(productId, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.json).toMatchObject({
      productId,
      status: 'RELEASED',
      live: { name: `name of ${productId}`, price: 250, currencyType: 'USD', imageUrl: null },
    });
    expect(new Date(approved.json.live.releasedAt).getTime()).toBeGreaterThan(0);
    expect(await buy(productId, 250)).toEqual(SOLD);
    expect(await buy(productId, 100)).toEqual(WRONG_PRICE);
    expect(await buy(productId, 250, 'EUR')).toEqual({ status: 422, errCode: 42202 });
  });

  it('an edit while live keeps selling the live version until the new draft is approved; a rejection keeps it too', async () => {
    const productId = newId();
    await liveItem(productId, 100);
    const edited = await as('mp_developer', 'PATCH', `${items()}/${productId}`, { price: 150, name: 'bigger' });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({ price: 150, name: 'bigger', status: 'DRAFT', live: { price: 100, name: `name of ${productId}` } });
    expect(await buy(productId, 100)).toEqual(SOLD);
    expect(await buy(productId, 150)).toEqual(WRONG_PRICE);

    expect((await release(productId)).json.items[0]).toMatchObject({ status: 'PENDING_REVIEW', live: { price: 100 } });
    expect(await buy(productId, 100)).toEqual(SOLD);
    const rejected = await review(productId, 'reject', 'the name is misleading');
    expect(rejected.json).toMatchObject({ status: 'REJECTED', reviewReason: 'the name is misleading', price: 150, live: { price: 100 } });
    expect(await buy(productId, 100)).toEqual(SOLD);

    // A rejected item may be released again as it is, or edited first.
    const fixed = await as('mp_developer', 'PATCH', `${items()}/${productId}`, { name: 'bigger pack' });
    expect(fixed.json).toMatchObject({ status: 'DRAFT', reviewReason: 'the name is misleading' });
    expect((await release(productId)).json.items[0]).toMatchObject({ status: 'PENDING_REVIEW', reviewReason: null });
    expect((await review(productId, 'approve')).json).toMatchObject({ status: 'RELEASED', live: { price: 150, name: 'bigger pack' } });
    expect(await buy(productId, 150)).toEqual(SOLD);
    expect(await buy(productId, 100)).toEqual(WRONG_PRICE);
  });

  it('an edit withdraws a pending review; an edit that changes nothing changes no status', async () => {
    const productId = newId();
    await liveItem(productId, 100);
    const same = await as('mp_developer', 'PATCH', `${items()}/${productId}`, { price: 100 });
    expect(same.json).toMatchObject({ status: 'RELEASED' });
    await as('mp_developer', 'PATCH', `${items()}/${productId}`, { imageUrl: 'https://cdn.example.com/b.png' });
    await release(productId);
    const edited = await as('mp_developer', 'PATCH', `${items()}/${productId}`, { imageUrl: null });
    expect(edited.json).toMatchObject({ status: 'DRAFT', imageUrl: null });
    const late = await review(productId, 'approve');
    expect({ status: late.status, errCode: late.json.errCode }).toEqual({ status: 409, errCode: 40906 });
  });

  it('a release is all or nothing: an unknown productId is 404/40405, an item in another status 409/40906', async () => {
    const draft = newId();
    await add(draft);
    const unknown = await release(draft, 'no_such_item');
    expect({ status: unknown.status, errCode: unknown.json.errCode }).toEqual({ status: 404, errCode: 40405 });
    expect(unknown.json.errMsg).toContain('no_such_item');
    const live = newId();
    await liveItem(live);
    const wrong = await release(draft, live);
    expect({ status: wrong.status, errCode: wrong.json.errCode }).toEqual({ status: 409, errCode: 40906 });
    expect((await itemOf(draft)).status).toBe('DRAFT');

    const other = newId();
    await add(other);
    const both = await release(draft, other, draft);
    expect(both.json.items.map((i: any) => [i.productId, i.status])).toEqual([
      [draft, 'PENDING_REVIEW'],
      [other, 'PENDING_REVIEW'],
    ]);
    const twice = await release(draft);
    expect({ status: twice.status, errCode: twice.json.errCode }).toEqual({ status: 409, errCode: 40906 });
  });

  it('400/40001 for an empty or oversized productIds list, and for a review without a decision', async () => {
    for (const productIds of [[], Array.from({ length: 501 }, (_, i) => `p${i}`)]) {
      const r = await release(...productIds);
      expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 400, errCode: 40001 });
    }
    const productId = newId();
    await add(productId);
    await release(productId);
    const r = await as('platform_admin', 'POST', `${items()}/${productId}/review`, { decision: 'maybe' });
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 400, errCode: 40001 });
  });

  it('a review of an item not pending is 409/40906; of an unknown item 404/40405', async () => {
    const productId = newId();
    await add(productId);
    const r = await review(productId, 'approve');
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 409, errCode: 40906 });
    const u = await review('no_such_item', 'approve');
    expect({ status: u.status, errCode: u.json.errCode }).toEqual({ status: 404, errCode: 40405 });
  });

  it('an app exempt from review (7.5) releases straight to RELEASED', async () => {
    const spy = jest.spyOn(exemption, 'isReviewExempt').mockImplementation(async (_db, appId) => appId === game.appId);
    try {
      const productId = newId();
      await add(productId, { price: 300 });
      const r = await release(productId);
      expect(r.json.items[0]).toMatchObject({ status: 'RELEASED', live: { price: 300 } });
      expect(await buy(productId, 300)).toEqual(SOLD);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('remove and delete', () => {
  it('an item never released is deleted', async () => {
    const productId = newId();
    await add(productId);
    await release(productId);
    await review(productId, 'reject', 'no');
    const r = await as('mp_admin', 'DELETE', `${items()}/${productId}`);
    expect(r.json).toEqual({ errCode: 0, deleted: true });
    expect(await itemOf(productId)).toBeUndefined();
    const gone = await as('mp_admin', 'DELETE', `${items()}/${productId}`);
    expect({ status: gone.status, errCode: gone.json.errCode }).toEqual({ status: 404, errCode: 40405 });
    // Its productId is free again.
    await add(productId);
  });

  it('a live item is REMOVED (kept, no longer for sale); edited, it comes back as a DRAFT with no live version', async () => {
    const productId = newId();
    await liveItem(productId, 100);
    expect(await buy(productId, 100)).toEqual(SOLD);
    const removed = await as('mp_admin', 'DELETE', `${items()}/${productId}`);
    expect(removed.status).toBe(200);
    expect(removed.json).toMatchObject({ errCode: 0, deleted: false, productId, status: 'REMOVED', live: { price: 100 } });
    expect(await buy(productId, 100)).toEqual(NOT_FOR_SALE);
    const again = await as('mp_admin', 'DELETE', `${items()}/${productId}`);
    expect({ status: again.status, errCode: again.json.errCode }).toEqual({ status: 409, errCode: 40906 });
    const release409 = await release(productId);
    expect({ status: release409.status, errCode: release409.json.errCode }).toEqual({ status: 409, errCode: 40906 });

    const revived = await as('mp_developer', 'PATCH', `${items()}/${productId}`, { price: 120 });
    expect(revived.json).toMatchObject({ status: 'DRAFT', live: null, price: 120 });
    expect(await buy(productId, 100)).toEqual(NOT_FOR_SALE);
    // Ever released: deleting it removes it again rather than losing the item its orders name.
    const removedAgain = await as('mp_admin', 'DELETE', `${items()}/${productId}`);
    expect(removedAgain.json).toMatchObject({ deleted: false, status: 'REMOVED' });
    await as('mp_developer', 'PATCH', `${items()}/${productId}`, { price: 120 });
    await release(productId);
    await review(productId, 'approve');
    expect(await buy(productId, 120)).toEqual(SOLD);
  });

  it("removeLiveItems (7.5's revocation) removes every live item of the app and no other", async () => {
    const other = await admin(vpay, 'POST', '/v1/admin/apps', { name: 'revoked', deliveryUrl: vpay.developer.url, teamId: world.teamId });
    const appId = other.json.appId;
    await admin(vpay, 'PUT', `/v1/admin/apps/${appId}/items/live1`, { name: 'l', price: 1, currencyType: 'USD', released: true });
    await admin(vpay, 'PUT', `/v1/admin/apps/${appId}/items/draft1`, { name: 'd', price: 1, currencyType: 'USD' });
    expect(await removeLiveItems(vpay.api.db, appId)).toEqual(['live1']);
    expect((await getItem(vpay.api.db, appId, 'live1'))?.status).toBe('REMOVED');
    expect((await getItem(vpay.api.db, appId, 'draft1'))?.status).toBe('DRAFT');
  });
});

describe('lists', () => {
  it("lists an app's items newest first, by status and by a search in productId or name, page by page", async () => {
    const marker = `lst${Date.now()}`;
    const ids = [`${marker}_a`, `${marker}_b`, `${marker}_c`, `${marker}_d`];
    for (const id of ids) await add(id, { name: `Shiny ${id.slice(-1)}` });
    await release(ids[1]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: Answer = await as('mp_operator', 'GET', `${items()}?q=${marker}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.push(...r.json.items.map((i: any) => i.productId));
      cursor = r.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const pending = await as('super_admin', 'GET', `${items()}?q=${marker}&status=PENDING_REVIEW`);
    expect(pending.json.items.map((i: any) => i.productId)).toEqual([ids[1]]);
    // q matches the name too, whatever the case; % and _ match themselves.
    const byName = await as('mp_operator', 'GET', `${items()}?q=${encodeURIComponent(`shiny ${ids[2].slice(-1)}`)}`);
    expect(byName.json.items.map((i: any) => i.productId)).toContain(ids[2]);
    expect((await as('mp_operator', 'GET', `${items()}?q=${encodeURIComponent(`${marker}%`)}`)).json.items).toEqual([]);
  });

  it('400/40001 for an unknown status, a bad limit or a cursor this API did not give', async () => {
    for (const query of [
      'status=SOLD',
      'limit=0',
      'limit=201',
      'cursor=notacursor',
      `cursor=${Buffer.from('[1]').toString('base64url')}`,
    ]) {
      const r = await as('mp_operator', 'GET', `${items()}?${query}`);
      expect({ query, status: r.status, errCode: r.json.errCode }).toEqual({ query, status: 400, errCode: 40001 });
    }
  });

  it('GET /reviews lists the items pending review in the apps the caller sees', async () => {
    const mine = newId('rv');
    await add(mine);
    await release(mine);
    const theirs = newId('rv');
    const otherItems = `/apps/${world.otherAppId}/items`;
    expect(
      (await consoleCall(vpay, world.otherAdminToken, 'POST', otherItems, { productId: theirs, name: 'b', price: 5, currencyType: 'EUR' }))
        .status,
    ).toBe(201);
    expect((await consoleCall(vpay, world.otherAdminToken, 'POST', `${otherItems}/release`, { productIds: [theirs] })).status).toBe(200);

    const all = async (token: string, query = '') => {
      const out: any[] = [];
      let cursor: string | null = null;
      do {
        const r: Answer = await consoleCall(vpay, token, 'GET', `/reviews?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        out.push(...r.json.items);
        cursor = r.json.nextCursor;
      } while (cursor);
      return out;
    };
    const platform = await all(world.tokens.platform_admin);
    expect(platform).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ appId: game.appId, appName: 'console game', productId: mine, status: 'PENDING_REVIEW' }),
      ]),
    );
    expect(platform.map((i) => i.productId)).toContain(theirs);
    expect(platform.every((i) => i.status === 'PENDING_REVIEW')).toBe(true);
    const team = await all(world.tokens.mp_operator);
    expect(team.map((i) => i.productId)).toContain(mine);
    expect(team.map((i) => i.productId)).not.toContain(theirs);
    expect((await all(world.tokens.platform_admin, `&appId=${world.otherAppId}`)).map((i) => i.productId)).toEqual([theirs]);
    const hidden = await as('mp_operator', 'GET', `/reviews?appId=${world.otherAppId}`);
    expect({ status: hidden.status, errCode: hidden.json.errCode }).toEqual({ status: 404, errCode: 40403 });
  });
});

describe('visibility, section 6 and the audit log', () => {
  it("another team's app is 404/40403 for every item route; a malformed productId 400/40001", async () => {
    const other = `/apps/${world.otherAppId}/items`;
    for (const [method, path, body] of [
      ['GET', other, undefined],
      ['POST', other, { productId: 'x', name: 'x', price: 1, currencyType: 'USD' }],
      ['PATCH', `${other}/x`, { price: 2 }],
      ['DELETE', `${other}/x`, undefined],
      ['POST', `${other}/release`, { productIds: ['x'] }],
    ] as const) {
      const r = await as('mp_admin', method, path, body);
      expect({ method, path, status: r.status, errCode: r.json.errCode }).toEqual({ method, path, status: 404, errCode: 40403 });
    }
    const bad = await as('mp_developer', 'PATCH', `${items()}/${encodeURIComponent('a b')}`, { price: 2 });
    expect({ status: bad.status, errCode: bad.json.errCode }).toEqual({ status: 400, errCode: 40001 });
  });

  it("section 6's PUT with released true makes that version live (RELEASED); with false leaves no live version (DRAFT)", async () => {
    const productId = newId('put');
    const path = `/v1/admin/apps/${game.appId}/items/${productId}`;
    const created = await admin(vpay, 'PUT', path, { name: 'Put', price: 700, currencyType: 'USD', released: true });
    expect(created.status).toBe(201);
    expect(created.json.item).toMatchObject({ productId, price: 700, released: true, status: 'RELEASED', live: { price: 700 } });
    expect(await itemOf(productId)).toMatchObject({ status: 'RELEASED', live: { price: 700 } });
    expect(await buy(productId, 700)).toEqual(SOLD);
    const unreleased = await admin(vpay, 'PUT', path, { name: 'Put', price: 700, currencyType: 'USD', released: false });
    expect(unreleased.json.item).toMatchObject({ released: false, status: 'DRAFT', live: null });
    expect(await buy(productId, 700)).toEqual(NOT_FOR_SALE);
  });

  it('every change is in the audit log', async () => {
    const productId = newId('audit');
    await liveItem(productId);
    await as('mp_developer', 'PATCH', `${items()}/${productId}`, { price: 5 });
    await as('mp_admin', 'DELETE', `${items()}/${productId}`);
    const entries = await vpay.api.db('audit_log').where({ app_id: game.appId, target: productId }).orderBy('id');
    expect(entries.map((e: any) => [e.action, e.role])).toEqual([
      ['item.create', 'mp_developer'],
      ['item.release', 'mp_senior_developer'],
      ['item.review.approve', 'platform_admin'],
      ['item.edit', 'mp_developer'],
      ['item.remove', 'mp_admin'],
    ]);
    expect(entries.every((e: any) => e.team_id === world.teamId)).toBe(true);
  });
});

describe('migration 007', () => {
  it('turns released rows into RELEASED items with their values live, and the others into DRAFTs', async () => {
    const db = createDb(await createTestDatabase(), 2);
    try {
      // Up to the migration before 007, one at a time, then 007 alone (and later back down).
      while ((await db.migrate.list({ migrationSource }))[1].at(0) !== '007_item_versions') await db.migrate.up({ migrationSource });
      await db('apps').insert({ app_id: 'appmig', name: 'm', app_key: 'k', delivery_url: 'https://x.example/d' });
      await db('items').insert([
        {
          app_id: 'appmig',
          product_id: 'sold',
          name: 'Sold',
          price: 100,
          currency_type: 'USD',
          image_url: 'https://x.example/i.png',
          released: true,
        },
        { app_id: 'appmig', product_id: 'draft', name: 'Draft', price: 200, currency_type: 'EUR', released: false },
      ]);
      await db.migrate.up({ migrationSource });
      const sold = await getItem(db, 'appmig', 'sold');
      expect(sold).toMatchObject({
        status: 'RELEASED',
        price: 100,
        live: { name: 'Sold', price: 100, currencyType: 'USD', imageUrl: 'https://x.example/i.png' },
      });
      expect(sold?.firstReleasedAt).not.toBeNull();
      expect(await getItem(db, 'appmig', 'draft')).toMatchObject({ status: 'DRAFT', price: 200, live: null, firstReleasedAt: null });
      // And back: the live version is the item again, released.
      await db.migrate.down({ migrationSource });
      expect(await db('items').orderBy('product_id').select('product_id', 'released')).toEqual([
        { product_id: 'draft', released: false },
        { product_id: 'sold', released: true },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
