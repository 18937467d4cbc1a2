// Authenticates a console call (CONTRACT.md 7): `Authorization: Bearer <token>` of a console user
// not revoked (looked up on every request, so a revocation takes effect at once), or ADMIN_TOKEN,
// the built-in super admin. The principal is kept in res.locals for the routes.
import type { RequestHandler, Response } from 'express';
import type { ApiDeps } from '../deps';
import { bearerTokenCheck } from '../../lib/platform/bearer';
import { findUserByToken } from '../../lib/db/repos/console-identities';
import { BUILTIN_SUPER_ADMIN, type Principal } from '../../lib/domain/console/principal';
import { consoleErrors } from './errors';

export function authenticateConsole({ db, config }: ApiDeps): RequestHandler {
  const isAdminToken = bearerTokenCheck(config.adminToken);
  return async (req, res, next) => {
    const authorization = req.get('authorization');
    if (isAdminToken(authorization)) {
      res.locals.principal = BUILTIN_SUPER_ADMIN;
      return next();
    }
    const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1]?.trim();
    const user = token && token.length <= 256 ? await findUserByToken(db, token) : undefined;
    if (!user) return next(consoleErrors.unauthorized());
    const principal: Principal = { userId: user.userId, name: user.name, role: user.role, teamId: user.teamId };
    res.locals.principal = principal;
    next();
  };
}

export const principalOf = (res: Response): Principal => res.locals.principal as Principal;
