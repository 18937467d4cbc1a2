// The console's rows that contradict each other, for `npm run reconcile`
// (tools/ops/reconcile-console.ts says why each rule holds and what breaking it does). Each query
// answers only the rows in breach, and never a key or token: keys are compared inside PostgreSQL,
// and validity is judged on its clock, as app-keys.ts does.
import type { Db } from '../db';
import { PLATFORM_ROLES, ROLES, TEAM_ROLES } from '../../domain/console/permissions';

/** Rows created (orders) or written (audit entries) in [since, until). */
export interface TimeWindow {
  since?: Date;
  until: Date;
}

/** An order whose item has no row, records no release, or sells at another price than the order's. */
export interface OrderItemBreach {
  orderId: string;
  appId: string;
  productId: string;
  createdAt: Date;
  goodsPrice: number;
  currencyType: string;
  /** null: the app has no item of that productId. */
  item: null | {
    firstReleasedAt: Date | null;
    live: null | { price: number; currencyType: string; releasedAt: Date };
  };
}

/**
 * Orders of the window that contradict their item's row: no such item; an item whose row records
 * no release; or an order created `releaseLagMs` or more after its item's current live version was
 * released, at another price or currency than that version. Only the current live version is kept
 * (migrations/007_item_versions.ts: no history), so an order placed before it went live is not
 * judged: the version it was checked against is gone.
 */
export async function ordersContradictingItems(db: Db, w: TimeWindow & { releaseLagMs: number }): Promise<OrderItemBreach[]> {
  const rows = await db('orders as o')
    .leftJoin('items as i', (j) => j.on('i.app_id', 'o.app_id').andOn('i.product_id', 'o.product_id'))
    .select(
      'o.order_id',
      'o.app_id',
      'o.product_id',
      'o.created_at',
      'o.goods_price',
      'o.currency_type',
      db.raw('i.product_id is not null as item_exists'),
      'i.first_released_at',
      'i.live_price',
      'i.live_currency_type',
      'i.live_released_at',
    )
    .where('o.created_at', '<', w.until)
    .modify((q) => {
      if (w.since) void q.where('o.created_at', '>=', w.since);
    })
    .andWhere((q) => {
      void q
        .whereNull('i.product_id')
        .orWhereNull('i.first_released_at')
        .orWhereRaw(
          `o.created_at >= i.live_released_at + ? * interval '1 millisecond'
           and (o.goods_price <> i.live_price or o.currency_type <> i.live_currency_type)`,
          [w.releaseLagMs],
        );
    })
    .orderBy(['o.app_id', 'o.order_id']);
  return rows.map((r: any) => ({
    orderId: r.order_id,
    appId: r.app_id,
    productId: r.product_id,
    createdAt: r.created_at,
    goodsPrice: r.goods_price,
    currencyType: r.currency_type,
    item: !r.item_exists
      ? null
      : {
          firstReleasedAt: r.first_released_at,
          live:
            r.live_released_at === null
              ? null
              : { price: r.live_price, currencyType: r.live_currency_type, releasedAt: r.live_released_at },
        },
  }));
}

/** An app whose current key (apps.app_key) is not what its versions (app_keys) say. */
export interface CurrentKeyBreach {
  appId: string;
  hasAppKey: boolean;
  /** The newest version in app_keys; null when there is none. */
  newestVersion: number | null;
  newestValidUntil: Date | null;
  /** apps.app_key is the newest version's key. */
  newestMatches: boolean;
  /** The version whose key apps.app_key is, when it is one at all. */
  matchingVersion: number | null;
  /** Older versions also marked current (valid_until null). */
  otherCurrentVersions: number[];
}

/**
 * Apps whose apps.app_key is not the key of their newest version, has no version or is missing
 * while versions exist; whose newest version is marked replaced (valid_until set); or with an older
 * version still marked current (valid_until null).
 */
export async function appsWithInconsistentKeys(db: Db): Promise<CurrentKeyBreach[]> {
  const { rows } = await db.raw(`
    select a.app_id, a.app_key is not null as has_app_key,
      n.version as newest_version, n.valid_until as newest_valid_until,
      coalesce(a.app_key = n.key, false) as newest_matches,
      (select max(m.version) from app_keys m where m.app_id = a.app_id and m.key = a.app_key) as matching_version,
      coalesce((select array_agg(c.version order by c.version) from app_keys c
                where c.app_id = a.app_id and c.valid_until is null and c.version < n.version), '{}') as other_current
    from apps a
    left join lateral (select k.version, k.key, k.valid_until from app_keys k where k.app_id = a.app_id
                       order by k.version desc limit 1) n on true
    where (a.app_key is not null or n.version is not null)
      and (a.app_key is null or n.version is null or a.app_key <> n.key or n.valid_until is not null
           or exists (select 1 from app_keys c where c.app_id = a.app_id and c.valid_until is null and c.version < n.version))
    order by a.app_id`);
  return rows.map((r: any) => ({
    appId: r.app_id,
    hasAppKey: r.has_app_key,
    newestVersion: r.newest_version,
    newestValidUntil: r.newest_valid_until,
    newestMatches: r.newest_matches,
    matchingVersion: r.matching_version,
    otherCurrentVersions: r.other_current,
  }));
}

/** A replaced key that still verifies when the rotations should have ended it. */
export interface ReplacedKeyBreach {
  appId: string;
  version: number;
  validUntil: Date;
  /** The version that replaced it, and when that one was issued. */
  successorVersion: number;
  successorIssuedAt: Date;
  newestVersion: number;
  /** It is the key the newest one replaced (the one previous key that may verify). */
  justReplaced: boolean;
}

/**
 * Replaced keys still valid now: any but the one the newest version replaced (a rotation ends every
 * older key at once), and, given `overlapMs`, the one it replaced when valid longer than that after
 * its successor was issued (a rotation sets it to exactly that, in the same transaction).
 */
export async function replacedKeysStillValid(db: Db, o: { overlapMs?: number }): Promise<ReplacedKeyBreach[]> {
  const overlap = o.overlapMs ?? null;
  const { rows } = await db.raw(
    `
    select app_id, version, valid_until, successor_version, successor_issued_at, newest_version, pos = 2 as just_replaced
    from (
      select k.app_id, k.version, k.valid_until,
        lead(k.version) over w as successor_version,
        lead(k.issued_at) over w as successor_issued_at,
        max(k.version) over (partition by k.app_id) as newest_version,
        row_number() over (partition by k.app_id order by k.version desc) as pos
      from app_keys k
      window w as (partition by k.app_id order by k.version)) v
    where pos >= 2 and valid_until > now()
      and (pos > 2 or (?::bigint is not null and valid_until > successor_issued_at + ?::bigint * interval '1 millisecond'))
    order by app_id, version`,
    [overlap, overlap],
  );
  return rows.map((r: any) => ({
    appId: r.app_id,
    version: r.version,
    validUntil: r.valid_until,
    successorVersion: r.successor_version,
    successorIssuedAt: r.successor_issued_at,
    newestVersion: r.newest_version,
    justReplaced: r.just_replaced,
  }));
}

/**
 * What a secret looks like in text. App keys are 32 random bytes in hex (apps.ts newAppKey): 64
 * hex digits on their own. Console tokens are `vpc_` and 43 base64url characters
 * (console-identities.ts newConsoleToken). A bearer token is whatever follows `Bearer ` (every
 * token vpay asks for has at least 16 characters).
 */
export const SECRET_PATTERNS = {
  appKey: '(^|[^0-9a-f])[0-9a-f]{64}([^0-9a-f]|$)',
  consoleToken: 'vpc_[A-Za-z0-9_-]{43}',
  bearer: 'bearer\\s+[A-Za-z0-9._~+/=-]{16,}',
} as const;

/** An audit entry with something secret, or shaped like a secret, in its target or summary. */
export interface AuditSecretBreach {
  id: string;
  appId: string | null;
  action: string;
  at: Date;
  /** The versions of the entry's app's keys it contains. */
  keyVersions: number[];
  /** It contains the app's current key (apps.app_key), even one app_keys does not know. */
  currentKey: boolean;
  keyShaped: boolean;
  consoleTokenShaped: boolean;
  bearerToken: boolean;
}

/** Audit entries of the window whose target or summary holds a key of their app, or looks like a secret. */
export async function auditEntriesWithSecrets(db: Db, w: TimeWindow): Promise<AuditSecretBreach[]> {
  const { rows } = await db.raw(
    `
    with t as (
      select id, app_id, action, at, concat_ws(chr(10), target, summary) as text
      from audit_log where at < ? ${w.since ? 'and at >= ?' : ''}),
    f as (
      select t.id, t.app_id, t.action, t.at,
        coalesce((select array_agg(k.version order by k.version) from app_keys k
                  where k.app_id = t.app_id and k.key <> '' and strpos(t.text, k.key) > 0), '{}') as key_versions,
        exists (select 1 from apps p where p.app_id = t.app_id and p.app_key <> '' and strpos(t.text, p.app_key) > 0) as current_key,
        t.text ~* ? as key_shaped,
        t.text ~ ? as console_token,
        t.text ~* ? as bearer
      from t)
    select * from f where cardinality(key_versions) > 0 or current_key or key_shaped or console_token or bearer
    order by id`,
    [w.until, ...(w.since ? [w.since] : []), SECRET_PATTERNS.appKey, SECRET_PATTERNS.consoleToken, SECRET_PATTERNS.bearer],
  );
  return rows.map((r: any) => ({
    id: String(r.id),
    appId: r.app_id,
    action: r.action,
    at: r.at,
    keyVersions: r.key_versions,
    currentKey: r.current_key,
    keyShaped: r.key_shaped,
    consoleTokenShaped: r.console_token,
    bearerToken: r.bearer,
  }));
}

/** An active console user whose role and team contradict each other. */
export interface UserRoleBreach {
  userId: string;
  role: string;
  teamId: string | null;
}

/** Active users with a role that is none of the six, a team role without a team, or a platform role with one. */
export async function usersWithInconsistentRoles(db: Db): Promise<UserRoleBreach[]> {
  const rows = await db('console_users')
    .select('user_id', 'role', 'team_id')
    .whereNull('revoked_at')
    .andWhere((q) => {
      void q
        .whereNotIn('role', [...ROLES])
        .orWhere((t) => void t.whereIn('role', [...TEAM_ROLES]).whereNull('team_id'))
        .orWhere((p) => void p.whereIn('role', [...PLATFORM_ROLES]).whereNotNull('team_id'));
    })
    .orderBy('user_id');
  return rows.map((r: any) => ({ userId: r.user_id, role: r.role, teamId: r.team_id }));
}
