// Reconciliation of the console's data (issue 9): rows of the console's tables that contradict each
// other, reported next to the orders' verdicts by `npm run reconcile` (tools/ops/reconcile.ts). The
// queries are lib/db/repos/console-consistency.ts; this file names each finding and says what it
// means. Nothing here is repaired: each one needs a person to decide which row is right.
//
// A rule is checked only when its rows can really disagree: no constraint of the schema holds it,
// and a hand edit of the database (an operator's UPDATE, a partial restore), a bug, or data from
// before the migration that introduced it can break it. (A crash cannot: every console change and
// its audit entry is one transaction.) The checks, and why each can happen:
//
//   order_without_item         An order names a productId its app has no item row for. Orders carry
//                              no foreign key to items (an order must outlive anything), and an
//                              item ever sold is kept as REMOVED, never deleted; but the console's
//                              DELETE deletes an item whose row records no release (below), and
//                              rows can be deleted by hand.
//   order_item_never_released  An order names an item whose row records no release
//                              (first_released_at null), though it was sold. Migration 007 set
//                              first_released_at only for items released at the time: one sold,
//                              then un-released through section 6's PUT before 007, has none, and a
//                              hand edit can clear it. DELETE then deletes the item (deletionOf)
//                              instead of keeping it for its orders.
//   order_price_mismatch       An order placed `releaseLagMs` or more after its item's current live
//                              version was released, at another price or currency than that
//                              version. The payment request refuses any other (request-payment.ts),
//                              so the live columns (or the order's) were changed in place, without
//                              a release. items keeps the current live version only (migration 007:
//                              no table of versions), so orders placed before it went live cannot
//                              be judged, and are not. The lag covers a request that read the item
//                              just before a release and stamped its order just after, and the API
//                              processes' clocks (release and order times come from them).
//   app_key_not_current        apps.app_key (what signs notifications and verifies paySig) is not
//                              the key of the app's newest version in app_keys (what the console
//                              shows as current, and what a rotation replaces), or either side is
//                              missing; or the newest version is marked replaced (valid_until set),
//                              or an older one still marked current (valid_until null: more than
//                              one current key). issueAppKey writes both tables in one transaction,
//                              so only a hand edit (setting a key by SQL, as before the console)
//                              or a partial restore gets here.
//   app_key_still_valid        A replaced key that still verifies when it should not: one older
//                              than the key the newest version replaced (every rotation ends those
//                              at once: rotating twice is how a leaked key is stopped, OPERATIONS.md)
//                              with valid_until still ahead; or the one just replaced valid longer
//                              than KEY_ROTATION_OVERLAP_MS after its successor was issued (the
//                              rotation sets exactly that). Hand edits extend keys; a setting
//                              lowered since also shows here until the old overlap ends.
//   audit_secret               An audit entry holding a key of its app, or text shaped like an app
//                              key, a console token or a bearer token. CONTRACT.md 7.8 allows no
//                              secret in the log, which platform roles and mp_admins read; but
//                              summaries quote what users write (payment and exemption messages,
//                              review reasons, item, app and user names), so a user pasting a key
//                              puts it there, and so would a bug summarising a body. ADMIN_TOKEN,
//                              METRICS_TOKEN, SUPERAPP_SECRET and session keys have no recognisable
//                              shape and are not searched for, except after "Bearer ".
//   user_role_team             An active console user whose role is none of the six, a team role
//                              without a team (it sees and can do nothing), or a platform role with
//                              a team (platform roles belong to none; its team-less audit entries
//                              would be filed under that team). Only user creation checks this;
//                              the table (role a string, team_id nullable) does not.
//
// Candidates left out, because the schema rules them out:
// - an item's live version pointing at a missing, unreleased or second live version: the live
//   version is columns of the item's own row (live_*), whole or absent (items_live_whole), present
//   whenever the item is RELEASED (items_released_is_live); one row per (app_id, product_id).
// - a pending release request for an item that no longer exists: the request is the item's own
//   status (PENDING_REVIEW), which goes with its row.
// - a revoked user's token still working: the token (its hash) is a column of the user's row, and
//   findUserByToken accepts it only while that row's revoked_at is null.
// - a console change without an audit entry: both are written in one transaction, and a hand edit
//   leaves no trace to compare with.
import type { Db } from '../../lib/db/db';
import {
  appsWithInconsistentKeys,
  auditEntriesWithSecrets,
  ordersContradictingItems,
  replacedKeysStillValid,
  usersWithInconsistentRoles,
  type AuditSecretBreach,
  type CurrentKeyBreach,
  type OrderItemBreach,
  type ReplacedKeyBreach,
  type UserRoleBreach,
} from '../../lib/db/repos/console-consistency';
import { ROLES } from '../../lib/domain/console/permissions';

export const CONSOLE_KINDS = [
  'order_without_item',
  'order_item_never_released',
  'order_price_mismatch',
  'app_key_not_current',
  'app_key_still_valid',
  'audit_secret',
  'user_role_team',
] as const;
export type ConsoleKind = (typeof CONSOLE_KINDS)[number];

/** The rows a finding is about, by their keys. */
export interface ConsoleIds {
  orderId?: string;
  productId?: string;
  keyVersion?: number;
  auditId?: string;
  userId?: string;
}

export interface ConsoleFinding {
  kind: ConsoleKind;
  appId: string | null;
  ids: ConsoleIds;
  detail: string;
}

export interface ConsoleReport {
  counts: Record<ConsoleKind, number>;
  findings: ConsoleFinding[];
}

export interface ConsoleCheckOptions {
  /** Orders created, and audit entries written, in [since, until); the rest is checked whole. */
  since?: Date;
  until: Date;
  /** Orders younger than this after their item's live version was released are not price-checked. */
  releaseLagMs: number;
  /** KEY_ROTATION_OVERLAP_MS; without it, how long the key just replaced stays valid is not checked. */
  keyRotationOverlapMs?: number;
}

export async function checkConsoleData(db: Db, o: ConsoleCheckOptions): Promise<ConsoleReport> {
  const window = { since: o.since, until: o.until };
  const findings: ConsoleFinding[] = [
    ...(await ordersContradictingItems(db, { ...window, releaseLagMs: o.releaseLagMs })).map(orderFinding),
    ...(await appsWithInconsistentKeys(db)).map(currentKeyFinding),
    ...(await replacedKeysStillValid(db, { overlapMs: o.keyRotationOverlapMs })).map((k) => replacedKeyFinding(k, o.keyRotationOverlapMs)),
    ...(await auditEntriesWithSecrets(db, window)).map(auditFinding),
    ...(await usersWithInconsistentRoles(db)).map(userFinding),
  ];
  const counts = Object.fromEntries(CONSOLE_KINDS.map((k) => [k, 0])) as Record<ConsoleKind, number>;
  for (const f of findings) counts[f.kind]++;
  return { counts, findings };
}

const iso = (d: Date) => d.toISOString();

function orderFinding(b: OrderItemBreach): ConsoleFinding {
  const base = { appId: b.appId, ids: { orderId: b.orderId, productId: b.productId } };
  if (!b.item) {
    return {
      ...base,
      kind: 'order_without_item',
      detail:
        `order (created ${iso(b.createdAt)}) is for item ${b.productId}, which the app has no row for: an item ever ` +
        'sold is kept as REMOVED, never deleted',
    };
  }
  if (b.item.firstReleasedAt === null) {
    return {
      ...base,
      kind: 'order_item_never_released',
      detail:
        `order (created ${iso(b.createdAt)}) is for item ${b.productId}, whose row records no release ` +
        '(first_released_at null): deleting the item in the console would delete it instead of keeping it as REMOVED',
    };
  }
  const live = b.item.live!;
  return {
    ...base,
    kind: 'order_price_mismatch',
    detail:
      `order (created ${iso(b.createdAt)}) sold item ${b.productId} at ${b.goodsPrice} ${b.currencyType}, but its live ` +
      `version, released ${iso(live.releasedAt)} before the order, is ${live.price} ${live.currencyType}: the live ` +
      'version or the order was changed in place, without a release',
  };
}

function currentKeyFinding(b: CurrentKeyBreach): ConsoleFinding {
  const problems: string[] = [];
  const n = b.newestVersion;
  if (!b.hasAppKey) {
    problems.push(
      `apps.app_key is empty though app_keys has version ${n}: paySig checks fail (401) and the next delivery configuration save issues a new key`,
    );
  } else if (n === null) {
    problems.push(
      'apps.app_key is set but app_keys has no version of it: the console shows key version 0, and a rotation would end this key at once, with no overlap',
    );
  } else if (!b.newestMatches) {
    problems.push(
      `apps.app_key, which signs notifications and verifies paySig, is ${b.matchingVersion === null ? 'no version in app_keys' : `key version ${b.matchingVersion}`}, ` +
        `not version ${n}, which the console shows as current and a rotation would keep valid for the overlap`,
    );
  }
  if (b.newestValidUntil !== null) {
    problems.push(`the newest key version ${n} is marked replaced (valid until ${iso(b.newestValidUntil)}), though no newer one exists`);
  }
  if (b.otherCurrentVersions.length > 0) {
    problems.push(
      `key version(s) ${b.otherCurrentVersions.join(', ')} also marked current (valid_until null) though version ${n} is newer: more than one current key`,
    );
  }
  return { kind: 'app_key_not_current', appId: b.appId, ids: n === null ? {} : { keyVersion: n }, detail: problems.join('; ') };
}

function replacedKeyFinding(k: ReplacedKeyBreach, overlapMs: number | undefined): ConsoleFinding {
  const detail = k.justReplaced
    ? `key version ${k.version}, replaced by version ${k.successorVersion} at ${iso(k.successorIssuedAt)}, still verifies until ` +
      `${iso(k.validUntil)}: longer than KEY_ROTATION_OVERLAP_MS (${overlapMs} ms) after its replacement`
    : `key version ${k.version} still verifies until ${iso(k.validUntil)} though version ${k.newestVersion} is current: ` +
      `a rotation ends every key older than the one it replaces, so it verifies paySig whenever the newer replaced key does not`;
  return { kind: 'app_key_still_valid', appId: k.appId, ids: { keyVersion: k.version }, detail };
}

function auditFinding(b: AuditSecretBreach): ConsoleFinding {
  const what: string[] = [];
  if (b.keyVersions.length > 0) what.push(`the app's key version(s) ${b.keyVersions.join(', ')}`);
  else if (b.currentKey) what.push("the app's current key");
  if (b.keyShaped && b.keyVersions.length === 0 && !b.currentKey) what.push('64 hex digits shaped like an app key');
  if (b.consoleTokenShaped) what.push('text shaped like a console token (vpc_…)');
  if (b.bearerToken) what.push('a bearer token');
  return {
    kind: 'audit_secret',
    appId: b.appId,
    ids: { auditId: b.id },
    detail: `audit entry ${b.action} of ${iso(b.at)} holds ${what.join(' and ')}: no secret may be in the audit log`,
  };
}

function userFinding(u: UserRoleBreach): ConsoleFinding {
  const detail = !(ROLES as readonly string[]).includes(u.role)
    ? `active user with role "${u.role}", which is none of the console's roles: it can do nothing`
    : u.teamId === null
      ? `active user with the team role ${u.role} but no team: it sees no app and can act on nothing`
      : `active user with the platform role ${u.role} and team ${u.teamId}: platform roles belong to no team`;
  return { kind: 'user_role_team', appId: null, ids: { userId: u.userId }, detail };
}
