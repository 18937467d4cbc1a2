// Authenticates the mini game audience's calls (CONTRACT.md 2 and 5): the app by a signature
// with its app key, and, for a payment, the user by a signature with their session key.
import type { Request } from 'express';
import type { Db } from '../../lib/db/db';
import { getApp, getSessionKey, type App } from '../../lib/db/repos/apps';
import { stillValidPreviousKey } from '../../lib/db/repos/app-keys';
import type { PaymentRequest } from '../../lib/domain/schemas';
import {
  isFreshTimestamp,
  orderQuerySigOf,
  paySigOf,
  signatureMatches,
  timedOrderQuerySigOf,
  userSignatureOf,
} from '../../lib/domain/signatures';
import { rawBody } from '../http/body';
import { minigameErrors } from './errors';

/**
 * True when `given` is what `expectedWith` computes with the app's current key or, for
 * KEY_ROTATION_OVERLAP_MS after a rotation, with the key it replaced (CONTRACT.md 7.4): current
 * first, then the previous one while it is valid, each compared in constant time. An app without
 * a key yet cannot have signed anything.
 */
async function signedWithAppKey(db: Db, app: App, given: unknown, expectedWith: (appKey: string) => string): Promise<boolean> {
  if (!app.appKey) return false;
  if (signatureMatches(given, expectedWith(app.appKey))) return true;
  const previous = await stillValidPreviousKey(db, app.appId);
  return previous !== undefined && signatureMatches(given, expectedWith(previous));
}

/** The payment request's app (paySig, 401/40101), then its user (signature, 401/40102). */
export async function authenticatePayment(db: Db, body: PaymentRequest): Promise<App> {
  const app = await getApp(db, body.appId);
  if (!app || !(await signedWithAppKey(db, app, body.paySig, (key) => paySigOf(key, body.signData)))) throw minigameErrors.badPaySig();
  const sessionKey = await getSessionKey(db, body.appId, body.openId);
  if (!sessionKey || !signatureMatches(body.signature, userSignatureOf(sessionKey, body.signData))) {
    throw minigameErrors.badUserSignature();
  }
  return app;
}

/**
 * The order query's app: Pay-Sig over the exact body with its app key (401/40101). A query with
 * X-Vpay-Timestamp must be fresh and signed over the timestamp too (docs/API.md); one without it
 * keeps the contract's form.
 */
export async function authenticateOrderQuery(db: Db, req: Request, appId: string): Promise<App> {
  const app = await getApp(db, appId);
  const timestamp = req.get('x-vpay-timestamp');
  const body = rawBody(req);
  const fresh = timestamp === undefined || isFreshTimestamp(timestamp);
  const expectedWith = (key: string) => (timestamp === undefined ? orderQuerySigOf(key, body) : timedOrderQuerySigOf(key, timestamp, body));
  if (!app || !fresh || !(await signedWithAppKey(db, app, req.get('pay-sig'), expectedWith))) throw minigameErrors.badQuerySig();
  return app;
}
