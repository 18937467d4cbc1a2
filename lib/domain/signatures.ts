// Every signature formula of the wire contract (CONTRACT.md), and the one way vpay compares them:
// over raw bytes, in constant time, with malformed input simply "not equal" (never a throw).
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The method name the seed's paySig formula prefixes to signData. */
export const PAY_SIG_METHOD = 'requestMidasPaymentGameItem';
export const DELIVERY_EVENT = 'minigame_game_pay_goods_deliver_notify';
export const ORDER_QUERY_PATH = '/v1/minigame/orders/query';
/** The refund notice's Event (CONTRACT.md 8.3). */
export const REFUND_EVENT = 'minigame_game_pay_refund_notify';
/** The paths a game backend's refund calls sign (CONTRACT.md 8.2). */
export const REFUND_REQUEST_PATH = '/v1/minigame/refunds';
export const REFUND_QUERY_PATH = '/v1/minigame/refunds/query';

type Bytes = string | Buffer;

/** hex(HMAC-SHA256(key, message)), lower case; key and message as UTF-8 (or raw bytes). */
export function hmacHex(key: Bytes, message: Bytes): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

/** paySig == hex(HMAC(appKey, "requestMidasPaymentGameItem&" + signData)) */
export function paySigOf(appKey: string, signData: Bytes): string {
  return hmacHex(appKey, Buffer.concat([Buffer.from(`${PAY_SIG_METHOD}&`), Buffer.from(signData)]));
}

/** signature == hex(HMAC(sessionKey, signData)) */
export function userSignatureOf(sessionKey: string, signData: Bytes): string {
  return hmacHex(sessionKey, signData);
}

/** X-Vpay-Signature == hex(HMAC(SUPERAPP_SECRET, timestamp + "." + rawBody)) */
export function superappSignatureOf(secret: string, timestamp: string, rawBody: Bytes): string {
  return hmacHex(secret, Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(rawBody)]));
}

/** How far a signed call's X-Vpay-Timestamp may be from our clock (CONTRACT.md 3). */
export const MAX_CLOCK_SKEW_S = 300;

/**
 * A call signed with the superapp secret, as it arrived: fresh (within MAX_CLOCK_SKEW_S) and with
 * the right X-Vpay-Signature over its exact body. vpay checks the superapp's calls with it, and the
 * sandbox superapp checks vpay's.
 */
export function isFreshSuperappSignature(
  secret: string,
  call: { timestamp: string | undefined; signature: string | undefined; rawBody: Bytes },
  nowMs = Date.now(),
): boolean {
  const timestamp = call.timestamp ?? '';
  if (!isFreshTimestamp(timestamp, nowMs)) return false;
  return signatureMatches(call.signature, superappSignatureOf(secret, timestamp, call.rawBody));
}

/** PayEventSig == hex(HMAC(appKey, Event + "&" + Payload)); Event is the delivery's unless given (8.3's refund notice). */
export function payEventSigOf(appKey: string, payload: string, event: string = DELIVERY_EVENT): string {
  return hmacHex(appKey, `${event}&${payload}`);
}

/** Pay-Sig of a game backend's call to `path` (8.2's refunds) == hex(HMAC(appKey, path + "&" + rawBody)) */
export function pathSigOf(appKey: string, path: string, rawBody: Bytes): string {
  return hmacHex(appKey, Buffer.concat([Buffer.from(`${path}&`), Buffer.from(rawBody)]));
}

/** Pay-Sig of the order query == hex(HMAC(appKey, "/v1/minigame/orders/query&" + rawBody)) */
export function orderQuerySigOf(appKey: string, rawBody: Bytes): string {
  return hmacHex(appKey, Buffer.concat([Buffer.from(`${ORDER_QUERY_PATH}&`), Buffer.from(rawBody)]));
}

/**
 * Pay-Sig of an order query that carries X-Vpay-Timestamp (vpay's addition, docs/API.md):
 * hex(HMAC(appKey, "/v1/minigame/orders/query&" + timestamp + "&" + rawBody)). The timestamp is
 * inside the MAC, so a captured query stops working once it is stale.
 */
export function timedOrderQuerySigOf(appKey: string, timestamp: string, rawBody: Bytes): string {
  return hmacHex(appKey, Buffer.concat([Buffer.from(`${ORDER_QUERY_PATH}&${timestamp}&`), Buffer.from(rawBody)]));
}

/** A unix-seconds timestamp within MAX_CLOCK_SKEW_S of our clock. */
export function isFreshTimestamp(timestamp: string, nowMs = Date.now()): boolean {
  return /^\d{1,12}$/.test(timestamp) && Math.abs(nowMs / 1000 - Number(timestamp)) <= MAX_CLOCK_SKEW_S;
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/**
 * True when `given` is the hex encoding of the expected 32-byte MAC. Compares the decoded bytes
 * with timingSafeEqual; a missing, non-hex or wrong-length value is false, never an exception.
 */
export function signatureMatches(given: unknown, expectedHex: string): boolean {
  if (typeof given !== 'string' || !HEX_SHA256.test(given)) return false;
  const a = Buffer.from(given, 'hex');
  const b = Buffer.from(expectedHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
