// The console's per-route checks, in the contract's order (7.2): the token (401, auth.ts), then
// the app's visibility (404/40403, as if an app of another team did not exist), then the role's
// permission (403/40302), and only then the body.
import type { RequestHandler, Response } from 'express';
import type { ApiDeps } from '../deps';
import { getApp, type App } from '../../lib/db/repos/apps';
import { may, type Capability } from '../../lib/domain/console/permissions';
import { canSeeApp, managesUsers } from '../../lib/domain/console/principal';
import { principalOf } from './auth';
import { consoleErrors } from './errors';
import { AppIdParam } from './validators';

/** Loads the :appId of the path into res.locals.app, or answers 404/40403. */
export function visibleApp({ db }: ApiDeps): RequestHandler {
  return async (req, res, next) => {
    const appId = AppIdParam.safeParse(req.params.appId);
    const app = appId.success ? await getApp(db, appId.data) : undefined;
    if (!app || !canSeeApp(principalOf(res), app)) return next(consoleErrors.appNotFound());
    res.locals.app = app;
    next();
  };
}

export const appOf = (res: Response): App => res.locals.app as App;

/** Lets the request on only when the caller's role has `capability` (PERMISSIONS, 7.2). */
export const can =
  (capability: Capability): RequestHandler =>
  (_req, res, next) =>
    may(principalOf(res).role, capability) ? next() : next(consoleErrors.forbidden(capability));

/** Lets the request on only when the caller manages users (7.1's own rule): before its query is read, as `can` does. */
export const managingUsers: RequestHandler = (_req, res, next) =>
  managesUsers(principalOf(res)) ? next() : next(consoleErrors.forbidden('manage users'));
