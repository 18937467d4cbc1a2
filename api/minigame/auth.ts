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
  if (!app || !signatureMatches(body.paySig, paySigOf(app.appKey, body.signData))) throw minigameErrors.badPaySig();
  const sessionKey = await getSessionKey(db, body.appId, body.openId);
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
  const valid =
    app !== undefined &&
    (signatureMatches(given, orderQuerySigOf(app.appKey, rawBody(req))) ||
      (timestamp !== undefined &&
        isFreshTimestamp(timestamp) &&
        signatureMatches(given, timedOrderQuerySigOf(app.appKey, timestamp, rawBody(req)))));
  if (!valid) throw minigameErrors.badQuerySig();
  return app;
}
