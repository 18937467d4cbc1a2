// Authenticates the mini game audience's calls (CONTRACT.md 2 and 5): the app by a signature
// with its app key, and, for a payment, the user by a signature with their session key.
import type { Request } from 'express';
import type { Db } from '../../lib/db/db';
import { getApp, getAppWithSessionKey, type App } from '../../lib/db/repos/apps';
import { stillValidPreviousKey } from '../../lib/db/repos/app-keys';
import type { PaymentRequest } from '../../lib/domain/schemas';
import {
  isFreshTimestamp,
  orderQuerySigOf,
  pathSigOf,
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
  // Read together: the session key is only looked at once paySig holds.
  const found = await getAppWithSessionKey(db, body.appId, body.openId);
  const app = found?.app;
  if (!app || !(await signedWithAppKey(db, app, body.paySig, (key) => paySigOf(key, body.signData)))) throw minigameErrors.badPaySig();
  const sessionKey = found.sessionKey;
  if (!sessionKey || !signatureMatches(body.signature, userSignatureOf(sessionKey, body.signData))) {
    throw minigameErrors.badUserSignature();
  }
  return app;
}

/**
 * The order query's app: Pay-Sig over the exact body with its app key (401/40101), in the
 * contract's form, or, with a fresh X-Vpay-Timestamp, over the timestamp too (docs/API.md). The
 * contract's form stays valid with or without the header: refusing it would break a client that
 * happens to send the header, and protect nothing (the header could simply be left out).
 */
export async function authenticateOrderQuery(db: Db, req: Request, appId: string): Promise<App> {
  const app = await getApp(db, appId);
  const given = req.get('pay-sig');
  const timestamp = req.get('x-vpay-timestamp');
  const body = rawBody(req);
  const valid =
    app !== undefined &&
    ((await signedWithAppKey(db, app, given, (key) => orderQuerySigOf(key, body))) ||
      (timestamp !== undefined &&
        isFreshTimestamp(timestamp) &&
        (await signedWithAppKey(db, app, given, (key) => timedOrderQuerySigOf(key, timestamp, body)))));
  if (!valid) throw minigameErrors.badQuerySig();
  return app;
}

/**
 * A game backend's refund call (CONTRACT.md 8.2): Pay-Sig over `path` + "&" + the exact body with
 * its app key (the current one, or the previous one in its overlap), else 401/40101.
 */
export async function authenticatePathSig(db: Db, req: Request, appId: string, path: string): Promise<App> {
  const app = await getApp(db, appId);
  const body = rawBody(req);
  if (!app || !(await signedWithAppKey(db, app, req.get('pay-sig'), (key) => pathSigOf(key, path, body)))) {
    throw minigameErrors.badQuerySig();
  }
  return app;
}
