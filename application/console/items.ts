// Items in the console (CONTRACT.md 7.6): the team edits drafts (add, edit, import), asks for
// their release, the platform reviews; players buy the live version meanwhile (section 2). Every
// change is one transaction with its audit entry; a batch (release, import) is all or nothing.
import type { Knex } from 'knex';
import type { App } from '../../lib/db/repos/apps';
import {
  deleteItem as deleteItemRow,
  getItem,
  insertItem,
  insertItems,
  listItems as listItemRows,
  listPendingReviews,
  lockItems,
  saveItem,
  saveItems,
} from '../../lib/db/repos/items';
import { isReviewExempt } from '../../lib/db/repos/item-exemption';
import { recordAudit } from '../../lib/db/repos/audit-log';
import { decodeCursor, isTimestampKey, pageOf, type Page } from '../../lib/db/paging';
import {
  deletionOf,
  editedItem,
  itemView,
  RELEASABLE,
  releasedItem,
  type Item,
  type ItemDraft,
  type ItemStatus,
  type ItemView,
} from '../../lib/domain/items';
import { readItemSheet, type SheetFormat } from '../../lib/domain/console/item-sheet';
import { isPlatformRole } from '../../lib/domain/console/permissions';
import { canSeeApp, type Principal } from '../../lib/domain/console/principal';
import { getApp } from '../../lib/db/repos/apps';
import type { ConsoleDeps } from './identities';
import { ConsoleRefused } from './refusals';

const unknownItem = (productId: string) => new ConsoleRefused('notFound', `unknown item ${productId}`);

async function lockedItem(trx: Knex.Transaction, appId: string, productId: string): Promise<Item> {
  const item = await getItem(trx, appId, productId, { forUpdate: true });
  if (!item) throw unknownItem(productId);
  return item;
}

const audit = (trx: Knex.Transaction, p: Principal, app: App, action: string, target: string, summary: string) =>
  recordAudit(trx, p, { action, appId: app.appId, teamId: app.teamId, target, summary });

/** A cursor of these lists: a timestamp as PostgreSQL printed it, then `length - 1` ids. */
const timestampKey = (cursor: string | undefined, length: number): string[] | undefined => {
  const key = cursor ? decodeCursor(cursor) : undefined;
  return key && key.length === length && isTimestampKey(key[0]) && key.every((k) => typeof k === 'string') ? (key as string[]) : undefined;
};

export async function listItems(
  { db }: ConsoleDeps,
  app: App,
  o: { status?: ItemStatus; q?: string; limit: number; cursor?: string },
): Promise<Page<ItemView>> {
  const key = timestampKey(o.cursor, 2);
  if (o.cursor && !key) throw new ConsoleRefused('invalid', 'cursor is not one this list gave');
  const rows = await listItemRows(db, {
    appId: app.appId,
    status: o.status,
    q: o.q,
    limit: o.limit + 1,
    after: key && { createdAt: key[0], productId: key[1] },
  });
  const page = pageOf(rows, o.limit, (r) => [r.key.createdAt, r.key.productId]);
  return { items: page.items.map((r) => itemView(r.item)), nextCursor: page.nextCursor };
}

export async function createItem({ db }: ConsoleDeps, p: Principal, app: App, i: ItemDraft & { productId: string }): Promise<ItemView> {
  const now = new Date();
  return db.transaction(async (trx) => {
    const item = await insertItem(trx, {
      ...i,
      appId: app.appId,
      status: 'DRAFT',
      live: null,
      reviewReason: null,
      firstReleasedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    if (!item) throw new ConsoleRefused('productIdExists', `the app has an item ${i.productId} already`);
    await audit(trx, p, app, 'item.create', i.productId, `item ${i.productId} "${i.name}" added at ${i.price} ${i.currencyType}`);
    return itemView(item);
  });
}

const describeChanges = (c: Partial<ItemDraft>) =>
  Object.entries(c)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v === null ? 'none' : String(v)}`)
    .join(', ');

export async function editItem(
  { db }: ConsoleDeps,
  p: Principal,
  app: App,
  productId: string,
  changes: Partial<ItemDraft>,
): Promise<ItemView> {
  return db.transaction(async (trx) => {
    const item = await lockedItem(trx, app.appId, productId);
    const edited = editedItem(item, changes, new Date());
    // An edit that changes nothing is no change: nothing to save or record.
    if (!edited) return itemView(item);
    const saved = await saveItem(trx, edited);
    await audit(
      trx,
      p,
      app,
      'item.edit',
      productId,
      `item ${productId} edited (${describeChanges(changes)}); status ${item.status} -> ${saved.status}`,
    );
    return itemView(saved);
  });
}

/** DELETE: an item never released goes; one ever released stays as REMOVED (no longer sold). */
export async function deleteItem(
  { db }: ConsoleDeps,
  p: Principal,
  app: App,
  productId: string,
): Promise<{ deleted: true } | { deleted: false; item: ItemView }> {
  return db.transaction(async (trx) => {
    const item = await lockedItem(trx, app.appId, productId);
    const what = deletionOf(item);
    if (what === 'alreadyRemoved') throw new ConsoleRefused('wrongState', `item ${productId} is removed already`);
    if (what === 'delete') {
      await deleteItemRow(trx, app.appId, productId);
      await audit(trx, p, app, 'item.delete', productId, `item ${productId} (never released) deleted`);
      return { deleted: true };
    }
    const removed = await saveItem(trx, { ...item, status: 'REMOVED', updatedAt: new Date() });
    await audit(trx, p, app, 'item.remove', productId, `item ${productId} removed: no longer purchasable`);
    return { deleted: false, item: itemView(removed) };
  });
}

/**
 * A release request for every named item, or for none: each must exist (404/40405) and be DRAFT
 * or REJECTED (409/40906). It goes to PENDING_REVIEW, or live at once when the app is exempt
 * from review (7.5).
 */
export async function releaseItems({ db }: ConsoleDeps, p: Principal, app: App, productIds: string[]): Promise<ItemView[]> {
  const ids = [...new Set(productIds)];
  const exempt = await isReviewExempt(db, app.appId);
  return db.transaction(async (trx) => {
    const found = await lockItems(trx, app.appId, ids);
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length > 0)
      throw new ConsoleRefused('notFound', `unknown items: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', ...' : ''}`);
    const stuck = ids.filter((id) => !RELEASABLE.includes(found.get(id)!.status));
    if (stuck.length > 0) {
      const list = stuck.slice(0, 20).map((id) => `${id} (${found.get(id)!.status})`);
      throw new ConsoleRefused(
        'wrongState',
        `only DRAFT or REJECTED items can be released; not: ${list.join(', ')}${stuck.length > 20 ? ', ...' : ''}`,
      );
    }
    const now = new Date();
    const next = ids.map((id): Item => {
      const item = found.get(id)!;
      return exempt ? releasedItem(item, now, null) : { ...item, status: 'PENDING_REVIEW', reviewReason: null, updatedAt: now };
    });
    await saveItems(trx, next);
    const outcome = exempt ? 'released (the app is exempt from review)' : 'sent to review';
    await audit(
      trx,
      p,
      app,
      'item.release',
      ids.length === 1 ? ids[0] : `${ids.length} items`,
      `${ids.length} item(s) ${outcome}: ${ids.slice(0, 50).join(', ')}`,
    );
    return next.map(itemView);
  });
}

export async function reviewItem(
  { db }: ConsoleDeps,
  p: Principal,
  app: App,
  productId: string,
  d: { decision: 'approve' | 'reject'; reason?: string },
): Promise<ItemView> {
  return db.transaction(async (trx) => {
    const item = await lockedItem(trx, app.appId, productId);
    if (item.status !== 'PENDING_REVIEW') throw new ConsoleRefused('wrongState', `item ${productId} is ${item.status}, not pending review`);
    const now = new Date();
    const reason = d.reason ?? null;
    const next: Item =
      d.decision === 'approve' ? releasedItem(item, now, reason) : { ...item, status: 'REJECTED', reviewReason: reason, updatedAt: now };
    const saved = await saveItem(trx, next);
    const summary =
      d.decision === 'approve'
        ? `item ${productId} approved: its draft is live`
        : `item ${productId} rejected${reason ? `: ${reason}` : ''}`;
    await audit(trx, p, app, `item.review.${d.decision}`, productId, summary);
    return itemView(saved);
  });
}

/** Items pending review in the apps the caller sees (the platform roles: every app). */
export async function listReviews(
  { db }: ConsoleDeps,
  p: Principal,
  o: { appId?: string; limit: number; cursor?: string },
): Promise<Page<ItemView & { appId: string; appName: string }>> {
  if (!isPlatformRole(p.role) && p.teamId === null) return { items: [], nextCursor: null };
  if (o.appId !== undefined) {
    const app = await getApp(db, o.appId);
    if (!app || !canSeeApp(p, app)) throw new ConsoleRefused('appNotFound', 'unknown app');
  }
  const key = timestampKey(o.cursor, 3);
  if (o.cursor && !key) throw new ConsoleRefused('invalid', 'cursor is not one this list gave');
  const rows = await listPendingReviews(db, {
    teamId: isPlatformRole(p.role) ? undefined : p.teamId!,
    appId: o.appId,
    limit: o.limit + 1,
    after: key && { updatedAt: key[0], appId: key[1], productId: key[2] },
  });
  const page = pageOf(rows, o.limit, (r) => [r.key.updatedAt, r.key.appId, r.key.productId]);
  return { items: page.items.map((r) => ({ appId: r.item.appId, appName: r.appName, ...itemView(r.item) })), nextCursor: page.nextCursor };
}

/**
 * Imports a CSV or XLSX file, all or nothing: every bad cell is listed (400/40001 with `errors`)
 * and nothing is saved, or every row is saved: a new productId is added as a DRAFT, an existing
 * one edited as by PATCH.
 */
export async function importItems(
  { db }: ConsoleDeps,
  p: Principal,
  app: App,
  format: SheetFormat,
  file: Buffer,
): Promise<{ created: number; updated: number }> {
  const sheet = await readItemSheet(format, file);
  if (!sheet.ok) throw new ConsoleRefused('invalid', sheet.problem, { errors: sheet.errors });
  return db.transaction(async (trx) => {
    const existing = await lockItems(
      trx,
      app.appId,
      sheet.rows.map((r) => r.productId),
    );
    const now = new Date();
    const created: Item[] = [];
    const edited: Item[] = [];
    for (const r of sheet.rows) {
      const draft: Partial<ItemDraft> = { name: r.name, price: r.price, currencyType: r.currencyType, imageUrl: r.imageUrl };
      const item = existing.get(r.productId);
      if (!item) {
        created.push({
          appId: app.appId,
          productId: r.productId,
          name: r.name,
          price: r.price,
          currencyType: r.currencyType,
          imageUrl: r.imageUrl ?? null,
          status: 'DRAFT',
          live: null,
          reviewReason: null,
          firstReleasedAt: null,
          createdAt: now,
          updatedAt: now,
        });
        continue;
      }
      const next = editedItem(item, draft, now);
      if (next) edited.push(next);
    }
    try {
      await insertItems(trx, created);
    } catch (err) {
      // Another request added one of these productIds since they were looked up.
      if ((err as { code?: string }).code === '23505')
        throw new ConsoleRefused('productIdExists', 'an item of the file was added meanwhile; import the file again');
      throw err;
    }
    await saveItems(trx, edited);
    const updated = sheet.rows.length - created.length;
    await audit(
      trx,
      p,
      app,
      'item.import',
      `${format} file`,
      `${format} import: ${created.length} item(s) added, ${updated} existing (${edited.length} changed)`,
    );
    return { created: created.length, updated };
  });
}
