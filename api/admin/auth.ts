// The platform admin's bearer token, compared in constant time (lib/platform/bearer.ts).
import type { RequestHandler } from 'express';
import { bearerTokenCheck } from '../../lib/platform/bearer';
import { adminErrors } from './errors';

export function requireAdmin(adminToken: string): RequestHandler {
  const isAdmin = bearerTokenCheck(adminToken);
  return (req, _res, next) => (isAdmin(req.get('authorization')) ? next() : next(adminErrors.unauthorized()));
}
