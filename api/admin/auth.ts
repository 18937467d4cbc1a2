// The platform admin's bearer token, compared in constant time (over SHA-256 digests, so the
// comparison does not leak the token's length either).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { adminErrors } from './errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function requireAdmin(adminToken: string): RequestHandler {
  const expected = digest(adminToken);
  return (req, _res, next) => {
    const m = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
    if (!m || !timingSafeEqual(digest(m[1].trim()), expected)) {
      return next(adminErrors.unauthorized());
    }
    next();
  };
}
