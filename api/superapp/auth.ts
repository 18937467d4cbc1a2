// Authenticates a call from the superapp backend (CONTRACT.md 3): X-Vpay-Timestamp within 300 s
// of our clock, and X-Vpay-Signature over timestamp + "." + the exact body bytes.
import type { Request } from 'express';
import { rawBody } from '../http/body';
import { signatureMatches, superappSignatureOf } from '../../lib/domain/signatures';

export const MAX_CLOCK_SKEW_S = 300;

export function isSignedBySuperapp(req: Request, secret: string, nowMs = Date.now()): boolean {
  const timestamp = req.get('x-vpay-timestamp') ?? '';
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_S) return false;
  return signatureMatches(req.get('x-vpay-signature'), superappSignatureOf(secret, timestamp, rawBody(req)));
}
