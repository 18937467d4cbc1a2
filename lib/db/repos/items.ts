// Reads and writes of items: each row holds the draft the team edits and the live version players
// buy (migrations/007_item_versions.ts). The lifecycle's rules are lib/domain/items.ts; this file
// only stores what they decided.
import type { Knex } from 'knex';
import type { Db } from '../db';
import type { Item, ItemStatus } from '../../domain/items';
import { toOrder, type OrderRow } from './orders';

const toItem = (r: any): Item => ({
  appId: r.app_id,
  productId: r.product_id,
  name: r.name,
  price: r.price,
  currencyType: r.currency_type,
  imageUrl: r.image_url,
  status: r.status,
  live:
    r.live_released_at === null
      ? null
      : {
          name: r.live_name,
          price: r.live_price,
          currencyType: r.live_currency_type,
          imageUrl: r.live_image_url,
          releasedAt: r.live_released_at,
        },
  reviewReason: r.review_reason,
  firstReleasedAt: r.first_released_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Every column an item's state decides (all but the key and created_at). */
const stateColumns = (i: Item) => ({
  name: i.name,
  price: i.price,
  currency_type: i.currencyType,
  image_url: i.imageUrl,
  status: i.status,
  live_name: i.live?.name ?? null,
  live_price: i.live?.price ?? null,
  live_currency_type: i.live?.currencyType ?? null,
  live_image_url: i.live?.imageUrl ?? null,
  live_released_at: i.live?.releasedAt ?? null,
  review_reason: i.reviewReason,
  first_released_at: i.firstReleasedAt,
  updated_at: i.updatedAt,
});
const STATE_COLUMNS = Object.keys(stateColumns({} as Item));

/** Rows per statement of a bulk write: 14 parameters a row stays far below PostgreSQL's 65,535. */
const CHUNK = 1_000;

export async function getItem(db: Db, appId: string, productId: string, o: { forUpdate?: boolean } = {}): Promise<Item | undefined> {
  const q = db('items').where({ app_id: appId, product_id: productId }).first();
  if (o.forUpdate) void q.forUpdate();
  const row = await q;
  return row ? toItem(row) : undefined;
}

/**
 * The columns toItem reads (the key, created_at and the state), each selected beside an order's
 * as `vpay_item__<column>` (getOrderAndItem).
 */
const ITEM_COLUMNS = ['app_id', 'product_id', 'created_at', ...STATE_COLUMNS];
const ITEM_PREFIX = 'vpay_item__';

/**
 * The payment request's two reads in one round trip (application/request-payment.ts): the app's
 * order under `outTradeNo` and the item `productId`, each undefined when there is none. Both come
 * typed as their own reads give them (dates as Dates), the item's columns prefixed beside the order's.
 */
export async function getOrderAndItem(
  db: Db,
  appId: string,
  outTradeNo: string,
  productId: string,
): Promise<{ order: OrderRow | undefined; item: Item | undefined }> {
  const itemColumns = ITEM_COLUMNS.map((c) => `i.${c} as ${ITEM_PREFIX}${c}`).join(', ');
  // One row always: the two left joins on a one-row table, each matching at most one row by its key.
  const { rows } = await db.raw(
    `select o.*, ${itemColumns} from (select 1) as one
       left join orders o on o.app_id = ? and o.out_trade_no = ?
       left join items i on i.app_id = ? and i.product_id = ?`,
    [appId, outTradeNo, appId, productId],
  );
  const orderRow: Record<string, unknown> = {};
  const itemRow: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rows[0] as Record<string, unknown>)) {
    if (k.startsWith(ITEM_PREFIX)) itemRow[k.slice(ITEM_PREFIX.length)] = v;
    else orderRow[k] = v;
  }
  return {
    order: orderRow.order_id === null ? undefined : toOrder(orderRow),
    item: itemRow.product_id === null ? undefined : toItem(itemRow),
  };
}

/** The named items of an app that exist, locked for the transaction's change, by productId. */
export async function lockItems(trx: Knex.Transaction, appId: string, productIds: string[]): Promise<Map<string, Item>> {
  const found = new Map<string, Item>();
  for (let i = 0; i < productIds.length; i += CHUNK) {
    const rows = await trx('items')
      .where({ app_id: appId })
      .whereIn('product_id', productIds.slice(i, i + CHUNK))
      // A fixed lock order: two transactions locking overlapping sets never wait on each other in a cycle.
      .orderBy('product_id')
      .forUpdate();
    for (const r of rows) found.set(r.product_id, toItem(r));
  }
  return found;
}

/** Inserts a new item; undefined when its productId exists already. */
export async function insertItem(db: Db, i: Item): Promise<Item | undefined> {
  const [row] = await db('items')
    .insert({ app_id: i.appId, product_id: i.productId, ...stateColumns(i), created_at: i.createdAt })
    .onConflict(['app_id', 'product_id'])
    .ignore()
    .returning('*');
  return row ? toItem(row) : undefined;
}

/** Inserts new items (an import's); a productId that exists already fails the statement (23505). */
export async function insertItems(db: Db, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) {
    await db('items').insert(
      items
        .slice(i, i + CHUNK)
        .map((it) => ({ app_id: it.appId, product_id: it.productId, ...stateColumns(it), created_at: it.createdAt })),
    );
  }
}

/** Writes the state of existing items (locked by the caller), in few statements. */
export async function saveItems(db: Db, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) {
    await db('items')
      .insert(
        items
          .slice(i, i + CHUNK)
          .map((it) => ({ app_id: it.appId, product_id: it.productId, ...stateColumns(it), created_at: it.createdAt })),
      )
      .onConflict(['app_id', 'product_id'])
      .merge(STATE_COLUMNS);
  }
}

export async function saveItem(db: Db, i: Item): Promise<Item> {
  const [row] = await db('items').where({ app_id: i.appId, product_id: i.productId }).update(stateColumns(i)).returning('*');
  return toItem(row);
}

export async function deleteItem(db: Db, appId: string, productId: string): Promise<void> {
  await db('items').where({ app_id: appId, product_id: productId }).delete();
}

/** `%`, `_` and `\` match themselves in a search. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The sort key of a page's last row: created_at as PostgreSQL prints it keeps its microseconds. */
export interface ItemPageKey {
  createdAt: string;
  productId: string;
}

/** An app's items, newest first, optionally by status and a search in productId or name. */
export async function listItems(
  db: Db,
  o: { appId: string; status?: ItemStatus; q?: string; limit: number; after?: ItemPageKey },
): Promise<Array<{ item: Item; key: ItemPageKey }>> {
  const q = db('items')
    .select('*', db.raw('created_at::text as created_key'))
    .where({ app_id: o.appId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'product_id', order: 'desc' },
    ])
    .limit(o.limit);
  if (o.status) void q.where({ status: o.status });
  if (o.q) {
    const pattern = likePattern(o.q);
    void q.where((w) => {
      w.whereILike('product_id', pattern).orWhereILike('name', pattern);
    });
  }
  if (o.after) void q.whereRaw('(created_at, product_id) < (?::timestamptz, ?)', [o.after.createdAt, o.after.productId]);
  const rows = await q;
  return rows.map((r: any) => ({ item: toItem(r), key: { createdAt: r.created_key, productId: r.product_id } }));
}

export interface ReviewPageKey {
  updatedAt: string;
  appId: string;
  productId: string;
}

/** Items pending review, of one team's apps or every app, newest request first. */
export async function listPendingReviews(
  db: Db,
  o: { teamId?: string; appId?: string; limit: number; after?: ReviewPageKey },
): Promise<Array<{ item: Item; appName: string; key: ReviewPageKey }>> {
  const q = db('items as i')
    .join('apps as a', 'a.app_id', 'i.app_id')
    .select('i.*', 'a.name as app_name', db.raw('i.updated_at::text as updated_key'))
    .where('i.status', 'PENDING_REVIEW')
    .orderBy([
      { column: 'i.updated_at', order: 'desc' },
      { column: 'i.app_id', order: 'desc' },
      { column: 'i.product_id', order: 'desc' },
    ])
    .limit(o.limit);
  if (o.teamId !== undefined) void q.where('a.team_id', o.teamId);
  if (o.appId !== undefined) void q.where('i.app_id', o.appId);
  if (o.after) {
    void q.whereRaw('(i.updated_at, i.app_id, i.product_id) < (?::timestamptz, ?, ?)', [
      o.after.updatedAt,
      o.after.appId,
      o.after.productId,
    ]);
  }
  const rows = await q;
  return rows.map((r: any) => ({
    item: toItem(r),
    appName: r.app_name,
    key: { updatedAt: r.updated_key, appId: r.app_id, productId: r.product_id },
  }));
}

/**
 * Section 6's PUT (the platform's bootstrap): creates or replaces the item's draft; `released`
 * true makes it the live version (RELEASED), false leaves the item with no live version (DRAFT).
 * `created` tells insert from replace.
 */
export async function putItem(
  db: Db,
  i: { appId: string; productId: string; name: string; price: number; currencyType: string; imageUrl?: string | null; released?: boolean },
): Promise<{ item: Item; created: boolean }> {
  const now = new Date();
  const imageUrl = i.imageUrl ?? null;
  const live = i.released
    ? { live_name: i.name, live_price: i.price, live_currency_type: i.currencyType, live_image_url: imageUrl, live_released_at: now }
    : { live_name: null, live_price: null, live_currency_type: null, live_image_url: null, live_released_at: null };
  const [row] = await db('items')
    .insert({
      app_id: i.appId,
      product_id: i.productId,
      name: i.name,
      price: i.price,
      currency_type: i.currencyType,
      image_url: imageUrl,
      status: i.released ? 'RELEASED' : 'DRAFT',
      ...live,
      review_reason: null,
      first_released_at: i.released ? now : null,
      updated_at: now,
    })
    .onConflict(['app_id', 'product_id'])
    .merge({
      name: db.raw('excluded.name'),
      price: db.raw('excluded.price'),
      currency_type: db.raw('excluded.currency_type'),
      image_url: db.raw('excluded.image_url'),
      status: db.raw('excluded.status'),
      live_name: db.raw('excluded.live_name'),
      live_price: db.raw('excluded.live_price'),
      live_currency_type: db.raw('excluded.live_currency_type'),
      live_image_url: db.raw('excluded.live_image_url'),
      live_released_at: db.raw('excluded.live_released_at'),
      review_reason: null,
      first_released_at: db.raw('coalesce(items.first_released_at, excluded.first_released_at)'),
      updated_at: db.raw('excluded.updated_at'),
    })
    // xmax = 0 only for a freshly inserted row: Postgres' way to tell insert from update.
    .returning(['*', db.raw('(xmax = 0) as inserted')]);
  return { item: toItem(row), created: Boolean(row.inserted) };
}

/**
 * Removes every item of the app that has a live version (REMOVED: no longer purchasable); 7.5's
 * revocation of a review exemption with `removeItems` calls this. Returns their productIds.
 */
export async function removeLiveItems(db: Db, appId: string): Promise<string[]> {
  const rows = await db('items')
    .where({ app_id: appId })
    .whereNotNull('live_released_at')
    .whereNot({ status: 'REMOVED' })
    .update({ status: 'REMOVED', updated_at: new Date() })
    .returning('product_id');
  return rows.map((r: any) => r.product_id);
}
