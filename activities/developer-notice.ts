// One signed notice to the game developer's backend (a delivery, CONTRACT.md 4, or a refund
// notice, 8.3): the URL the env goes to, the app's key, the delivery headers, the size and time
// limits, and what the attempt's record keeps of the answer. Never throws: the caller records
// the outcome and decides whether to retry.
import type { App } from '../lib/db/repos/apps';
import { withoutCredentials } from '../lib/outbound/address-guard';
import { DELIVERY_MAX_RESPONSE_BYTES, DELIVERY_TIMEOUT_MS, deliveryUrlFor, isDeliveryAcknowledged } from '../lib/outbound/delivery-notice';
import type { PostJson } from '../lib/outbound/superapp-client';
import { toStorableText } from '../lib/domain/schemas';

/** How much of the developer's answer an attempt's record keeps. */
const ERROR_BODY_CHARS = 200;

export interface SentNotice {
  url: string | null;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeveloperNotice {
  app: App;
  env: 0 | 1;
  /** The signed body, built with the app's key as it is now (a rotated key signs from the next attempt on). */
  body: (app: App & { appKey: string }) => string;
  /** X-Vpay-Delivery-Id: stable per order, or per refund. */
  deliveryId: string;
  attempt: number;
  /** What the missing-key error calls it ("notification", "notice"). */
  noun: string;
}

/** Sends `n` once and says how it went. */
export async function sendDeveloperNotice(post: PostJson, allowPrivate: boolean, n: DeveloperNotice): Promise<SentNotice> {
  const { app } = n;
  const url = deliveryUrlFor(app, { env: n.env });
  const started = Date.now();
  let ok = false;
  let httpStatus: number | null = null;
  let error: string | null = null;
  if (!url) {
    error = n.env === 1 ? 'the app has no deliveryTestUrl for a sandbox (env 1) order' : 'the app has no deliveryUrl';
  } else if (!app.appKey) {
    error = `the app has no key to sign the ${n.noun} with`;
  } else {
    try {
      const res = await post(url, n.body({ ...app, appKey: app.appKey }), {
        headers: { 'x-vpay-delivery-id': n.deliveryId, 'x-vpay-attempt': String(n.attempt) },
        timeoutMs: DELIVERY_TIMEOUT_MS,
        maxResponseBytes: DELIVERY_MAX_RESPONSE_BYTES,
        allowPrivate,
      });
      httpStatus = res.status;
      ok = isDeliveryAcknowledged(res.status, res.json);
      // The developer's bytes, kept as text PostgreSQL stores: a NUL in them would lose the
      // attempt's record, the last error and the endpoint's health all at once.
      if (!ok) error = `HTTP ${res.status}: ${toStorableText(res.body, ERROR_BODY_CHARS)}`;
    } catch (err) {
      error = toStorableText((err as Error).message, 500);
    }
  }
  return { url, ok, httpStatus, error, durationMs: Date.now() - started };
}

/**
 * The URL an attempt's record names. An app saved before credentials in URLs were refused: its
 * attempts fail, and the record names the URL without them.
 */
export const recordedUrl = (url: string | null): string => (url ? withoutCredentials(url) : '');
