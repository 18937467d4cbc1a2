// Delivery configuration and keys in the console (CONTRACT.md 7.4): the URLs and the notification
// switch, the app key (issued by the first save, rotated on request, shown once in the answer that
// made it), and the test push. Audit entries name what changed, never a key, and name URLs by
// their origin only: a developer may keep a token in the path (docs/OPERATIONS.md, *Delivery URLs*).
import type { Db } from '../../lib/db/db';
import { lockApp, patchApp, type App } from '../../lib/db/repos/apps';
import { currentKeyVersion, issueAppKey, type KeyVersion } from '../../lib/db/repos/app-keys';
import { recordAudit } from '../../lib/db/repos/audit-log';
import type { Principal } from '../../lib/domain/console/principal';
import { toStorableText } from '../../lib/domain/schemas';
import { consoleDeliveryUrlProblem } from '../../lib/outbound/address-guard';
import {
  DELIVERY_MAX_RESPONSE_BYTES,
  DELIVERY_TIMEOUT_MS,
  deliveryIdFor,
  isDeliveryAcknowledged,
  sampleNotice,
} from '../../lib/outbound/delivery-notice';
import type { PostJson } from '../../lib/outbound/superapp-client';
import { ConsoleRefused } from './refusals';

export interface DeliveryConsoleDeps {
  db: Db;
  /** Outbound HTTP for the test push (safe-post: the SSRF guard applies unless deliveryAllowPrivate). */
  post: PostJson;
  deliveryAllowPrivate: boolean;
  keyRotationOverlapMs: number;
}

/** GET .../delivery-config: never the key itself. */
export interface DeliveryConfig {
  url: string | null;
  testUrl: string | null;
  notifyEnabled: boolean;
  /** 0 before the first key. */
  keyVersion: number;
  keyIssuedAt: string | null;
}

export interface DeliveryConfigChange {
  url: string;
  /** Omitted or null: no test URL (PUT replaces both URLs). */
  testUrl?: string | null;
  /** Omitted: unchanged. */
  notifyEnabled?: boolean;
}

export interface IssuedKeyAnswer {
  appKey: string;
  keyVersion: number;
  previousKeyValidUntil: string | null;
}

export interface TestPushResult {
  ok: boolean;
  httpStatus: number | null;
  durationMs: number;
  error: string | null;
  /** The first 1 KiB of the answer, as text that can be shown; null when none came. */
  responseBody: string | null;
}

const RESPONSE_BODY_BYTES = 1024;

const viewOf = (app: App, key: KeyVersion): DeliveryConfig => ({
  url: app.deliveryUrl,
  testUrl: app.deliveryTestUrl,
  notifyEnabled: app.notifyEnabled,
  keyVersion: key.version,
  keyIssuedAt: key.issuedAt ? key.issuedAt.toISOString() : null,
});

/** A URL as an audit entry names it: its origin, never its path or query. */
const originOf = (url: string | null): string => (url ? `${new URL(url).origin}/…` : 'none');

export async function getDeliveryConfig({ db }: Pick<DeliveryConsoleDeps, 'db'>, app: App): Promise<DeliveryConfig> {
  return viewOf(app, await currentKeyVersion(db, app.appId));
}

/**
 * Saves the URLs (and the switch, when given). The first save also issues the app's key, version 1
 * (the seed: "the first save will request a certificate and key"), answered here as `appKey` and
 * never again. The app's row is locked meanwhile, so two first saves cannot both issue one.
 */
export async function configureDelivery(
  deps: DeliveryConsoleDeps,
  p: Principal,
  appId: string,
  change: DeliveryConfigChange,
): Promise<DeliveryConfig & { appKey?: string }> {
  for (const [field, url] of [
    ['url', change.url],
    ['testUrl', change.testUrl],
  ] as const) {
    const problem = url ? consoleDeliveryUrlProblem(url, deps.deliveryAllowPrivate) : undefined;
    if (problem) throw new ConsoleRefused('invalid', `invalid body: ${field}: ${problem}`);
  }
  return deps.db.transaction(async (trx) => {
    const before = await lockApp(trx, appId);
    if (!before) throw new ConsoleRefused('appNotFound', 'unknown app');
    const app = (await patchApp(trx, appId, {
      deliveryUrl: change.url,
      deliveryTestUrl: change.testUrl ?? null,
      notifyEnabled: change.notifyEnabled,
    }))!;
    const issued = before.appKey === null ? await issueAppKey(trx, appId, deps.keyRotationOverlapMs) : undefined;
    const summary = [
      `delivery URL ${originOf(app.deliveryUrl)}`,
      `test URL ${originOf(app.deliveryTestUrl)}`,
      `notifications ${app.notifyEnabled ? 'on' : 'off'}`,
      ...(issued ? [`key version ${issued.version} issued`] : []),
    ].join('; ');
    await recordAudit(trx, p, { action: 'delivery.configure', appId, teamId: app.teamId, target: appId, summary });
    if (!issued) return viewOf(app, await currentKeyVersion(trx, appId));
    return { ...viewOf(app, issued), appKey: issued.appKey };
  });
}

/**
 * A new key (POST .../keys). The key it replaces still verifies incoming signatures for
 * KEY_ROTATION_OVERLAP_MS; notifications are signed with the new one from the next attempt on,
 * since every attempt reads the app's current key. An app without a key gets its first.
 */
export async function rotateAppKey(deps: DeliveryConsoleDeps, p: Principal, appId: string): Promise<IssuedKeyAnswer> {
  return deps.db.transaction(async (trx) => {
    const app = await lockApp(trx, appId);
    if (!app) throw new ConsoleRefused('appNotFound', 'unknown app');
    const issued = await issueAppKey(trx, appId, deps.keyRotationOverlapMs);
    const until = issued.previousValidUntil?.toISOString() ?? null;
    const summary = until
      ? `key version ${issued.version} issued; version ${issued.version - 1} still verifies until ${until}`
      : `key version ${issued.version} issued`;
    await recordAudit(trx, p, { action: 'delivery.key', appId, teamId: app.teamId, target: appId, summary });
    return { appKey: issued.appKey, keyVersion: issued.version, previousKeyValidUntil: until };
  });
}

/**
 * Sends one signed sample notification to the env's URL, once (no retry: the developer is watching),
 * with a real delivery's timeout, size cap and address guard, and reports what the endpoint did.
 * Whatever it did is a 200 answer; only a missing URL or key refuses (409/40906).
 */
export async function testDelivery(deps: DeliveryConsoleDeps, p: Principal, app: App, env: 0 | 1): Promise<TestPushResult> {
  const url = env === 1 ? app.deliveryTestUrl : app.deliveryUrl;
  if (!url) {
    throw new ConsoleRefused(
      'wrongState',
      env === 1 ? 'the app has no test URL (testUrl) for a sandbox (env 1) test' : 'the app has no delivery URL (url) for an env 0 test',
    );
  }
  if (!app.appKey) throw new ConsoleRefused('wrongState', 'the app has no key to sign the test notification with');
  const { orderId, body } = sampleNotice(app.appKey, env);
  const started = Date.now();
  let outcome: Omit<TestPushResult, 'durationMs'>;
  try {
    const res = await deps.post(url, body, {
      headers: { 'x-vpay-test': '1', 'x-vpay-delivery-id': deliveryIdFor(orderId), 'x-vpay-attempt': '1' },
      timeoutMs: DELIVERY_TIMEOUT_MS,
      maxResponseBytes: DELIVERY_MAX_RESPONSE_BYTES,
      allowPrivate: deps.deliveryAllowPrivate,
    });
    const ok = isDeliveryAcknowledged(res.status, res.json);
    const error = ok
      ? null
      : res.status >= 200 && res.status <= 299
        ? `HTTP ${res.status} without returnCode 0 (or ErrCode 0) in a JSON body`
        : `HTTP ${res.status}`;
    outcome = { ok, httpStatus: res.status, error, responseBody: firstBytesOf(res.body, RESPONSE_BODY_BYTES) };
  } catch (err) {
    // safe-post's messages name the origin and the cause, never the body or headers sent.
    outcome = { ok: false, httpStatus: null, error: toStorableText((err as Error).message, 500), responseBody: null };
  }
  const durationMs = Date.now() - started;
  await recordAudit(deps.db, p, {
    action: 'delivery.test',
    appId: app.appId,
    teamId: app.teamId,
    target: app.appId,
    summary: `test notification to the env ${env} URL ${originOf(url)}: ${outcome.ok ? 'acknowledged' : outcome.error}`,
  });
  return { ...outcome, durationMs };
}

/**
 * The first `max` bytes of `s` in UTF-8, never cut inside a character, as text that can be shown
 * and stored (NUL and lone surrogates become U+FFFD, as for any record of what a peer said).
 */
function firstBytesOf(s: string, max: number): string {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= max) return toStorableText(s);
  let end = max;
  // bytes[end] is the first byte left out: while it continues a character (10xxxxxx), that
  // character would be split, so it is left out whole.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return toStorableText(bytes.subarray(0, end).toString('utf8'));
}
