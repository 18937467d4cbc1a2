// Authenticates the mini game audience's calls (CONTRACT.md 2 and 5): the app by a signature
// with its app key, and, for a payment, the user by a signature with their session key.
import type { Request } from 'express';
import type { Db } from '../../lib/db/db';
import { getApp, getSessionKey, type App } from '../../lib/db/repos/apps';
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

/** The payment request's app (paySig, 401/40101), then its user (signature, 401/40102). */
export async function authenticatePayment(db: Db, body: PaymentRequest): Promise<App> {
  const app = await getApp(db, body.appId);
  // An app without a key yet (CONTRACT.md 7.4) cannot have signed anything.
  if (!app?.appKey || !signatureMatches(body.paySig, paySigOf(app.appKey, body.signData))) throw minigameErrors.badPaySig();
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
  const expected =
    app?.appKey &&
    (timestamp === undefined
      ? orderQuerySigOf(app.appKey, rawBody(req))
      : isFreshTimestamp(timestamp)
        ? timedOrderQuerySigOf(app.appKey, timestamp, rawBody(req))
        : undefined);
  if (!expected || !signatureMatches(req.get('pay-sig'), expected)) throw minigameErrors.badQuerySig();
  return app!;
}
