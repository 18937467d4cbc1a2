// Reads and writes of apps and their users' session keys (items: items.ts).
import { randomBytes } from 'node:crypto';
import type { Db } from '../db';
import { toOrder, type OrderRow } from './orders';

export interface App {
  appId: string;
  name: string;
  /** Null until the console's first delivery configuration issues it (CONTRACT.md 7.4). */
  appKey: string | null;
  /** Null until configured (a console-made app starts without one). */
  deliveryUrl: string | null;
  deliveryTestUrl: string | null;
  paymentEnabled: boolean;
  /** The mini program team that owns the app; null for an app made by section 6 without one. */
  teamId: string | null;
  /** Whether new payments may be made (CONTRACT.md 7.4); paid orders are delivered either way. */
  notifyEnabled: boolean;
}

const toApp = (r: any): App => ({
  appId: r.app_id,
  name: r.name,
  appKey: r.app_key,
  deliveryUrl: r.delivery_url,
  deliveryTestUrl: r.delivery_test_url,
  paymentEnabled: r.payment_enabled,
  teamId: r.team_id ?? null,
  notifyEnabled: r.notify_enabled,
});

/** appIds never contain ':' (the workflow ID relies on it). */
export const newAppId = (): string => `app${randomBytes(10).toString('hex')}`;
export const newAppKey = (): string => randomBytes(32).toString('hex');

export async function insertApp(
  db: Db,
  a: { name: string; deliveryUrl: string; deliveryTestUrl?: string | null; paymentEnabled?: boolean; teamId?: string },
): Promise<App> {
  // Section 6 answers the key it made: that is key version 1 (CONTRACT.md 7.4), kept in app_keys too.
  return db.transaction(async (trx) => {
    const [row] = await trx('apps')
      .insert({
        app_id: newAppId(),
        name: a.name,
        app_key: newAppKey(),
        delivery_url: a.deliveryUrl,
        delivery_test_url: a.deliveryTestUrl ?? null,
        payment_enabled: a.paymentEnabled ?? false,
        team_id: a.teamId ?? null,
      })
      .returning('*');
    await trx('app_keys').insert({ app_id: row.app_id, version: 1, key: row.app_key });
    return toApp(row);
  });
}

/** A console-made app (CONTRACT.md 7.1): its team's, with no delivery URL and no key yet. */
export async function insertTeamApp(db: Db, a: { name: string; teamId: string }): Promise<App> {
  const [row] = await db('apps').insert({ app_id: newAppId(), name: a.name, team_id: a.teamId }).returning('*');
  return toApp(row);
}

/** The apps of one team, or every app (teamId undefined); newest first, paged by appId. */
export async function listApps(
  db: Db,
  o: { teamId?: string; limit: number; after?: { createdAt: Date; appId: string } },
): Promise<Array<App & { createdAt: Date }>> {
  // Ordered and paged on created_at cut to milliseconds: a cursor carries a JavaScript Date, and
  // comparing it with PostgreSQL's microseconds would skip apps made in the same millisecond.
  const q = db('apps').orderByRaw("date_trunc('milliseconds', created_at) desc, app_id desc").limit(o.limit);
  if (o.teamId !== undefined) void q.where({ team_id: o.teamId });
  if (o.after) void q.whereRaw("(date_trunc('milliseconds', created_at), app_id) < (?, ?)", [o.after.createdAt, o.after.appId]);
  const rows = await q;
  return rows.map((r: any) => ({ ...toApp(r), createdAt: r.created_at }));
}

/**
 * The order and its app in one round trip (a delivery attempt's first read, activities/delivery.ts);
 * undefined when the order does not exist, `app` undefined when its app does not.
 */
export async function getOrderWithApp(db: Db, orderId: string): Promise<{ order: OrderRow; app: App | undefined } | undefined> {
  const row = await db('orders as o')
    .leftJoin('apps as a', 'a.app_id', 'o.app_id')
    .where('o.order_id', orderId)
    .first('o.*', db.raw('row_to_json(a.*) as vpay_app_row'));
  if (!row) return undefined;
  const { vpay_app_row: appRow, ...orderRow } = row;
  return { order: toOrder(orderRow), app: appRow ? toApp(appRow) : undefined };
}

export async function getApp(db: Db, appId: string): Promise<App | undefined> {
  const row = await db('apps').where({ app_id: appId }).first();
  return row ? toApp(row) : undefined;
}

/** The app, its row locked until the transaction `trx` ends: changes of its key and delivery configuration take turns. */
export async function lockApp(trx: Db, appId: string): Promise<App | undefined> {
  const row = await trx('apps').where({ app_id: appId }).forUpdate().first();
  return row ? toApp(row) : undefined;
}

export async function patchApp(
  db: Db,
  appId: string,
  p: { name?: string; deliveryUrl?: string; deliveryTestUrl?: string | null; paymentEnabled?: boolean; notifyEnabled?: boolean },
): Promise<App | undefined> {
  const changes: Record<string, unknown> = { updated_at: db.fn.now() };
  if (p.name !== undefined) changes.name = p.name;
  if (p.deliveryUrl !== undefined) changes.delivery_url = p.deliveryUrl;
  if (p.deliveryTestUrl !== undefined) changes.delivery_test_url = p.deliveryTestUrl;
  if (p.paymentEnabled !== undefined) changes.payment_enabled = p.paymentEnabled;
  if (p.notifyEnabled !== undefined) changes.notify_enabled = p.notifyEnabled;
  const [row] = await db('apps').where({ app_id: appId }).update(changes).returning('*');
  return row ? toApp(row) : undefined;
}

export async function putSession(
  db: Db,
  s: { appId: string; openId: string; sessionKey: string; expiresAt?: string | null },
): Promise<{ created: boolean }> {
  const [row] = await db('user_sessions')
    .insert({ app_id: s.appId, open_id: s.openId, session_key: s.sessionKey, expires_at: s.expiresAt ?? null })
    .onConflict(['app_id', 'open_id'])
    .merge({ session_key: s.sessionKey, expires_at: s.expiresAt ?? null, updated_at: db.fn.now() })
    .returning([db.raw('(xmax = 0) as inserted')]);
  return { created: Boolean(row.inserted) };
}

/**
 * The payment request's app and its user's current session key (undefined when none, or expired) in one round
 * trip (api/minigame/auth.ts authenticatePayment); undefined when the app does not exist.
 */
export async function getAppWithSessionKey(
  db: Db,
  appId: string,
  openId: string,
): Promise<{ app: App; sessionKey: string | undefined } | undefined> {
  const row = await db('apps as a')
    .where('a.app_id', appId)
    .first(
      'a.*',
      db.raw(
        `(select s.session_key from user_sessions s where s.app_id = a.app_id and s.open_id = ?
          and (s.expires_at is null or s.expires_at > CURRENT_TIMESTAMP)) as vpay_session_key`,
        [openId],
      ),
    );
  if (!row) return undefined;
  return { app: toApp(row), sessionKey: row.vpay_session_key ?? undefined };
}
