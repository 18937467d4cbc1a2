// Authenticates a call from the superapp backend (CONTRACT.md 3): X-Vpay-Timestamp within 300 s
// of our clock, and X-Vpay-Signature over timestamp + "." + the exact body bytes.
import type { Request } from 'express';
import { rawBody } from '../http/body';
import { isFreshSuperappSignature } from '../../lib/domain/signatures';

export function isSignedBySuperapp(req: Request, secret: string, nowMs = Date.now()): boolean {
  return isFreshSuperappSignature(
    secret,
    { timestamp: req.get('x-vpay-timestamp'), signature: req.get('x-vpay-signature'), rawBody: rawBody(req) },
    nowMs,
  );
}
