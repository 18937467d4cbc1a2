// The console audience (CONTRACT.md 7): a bearer token on every route (auth.ts), then per route
// the app's visibility and the role's permission (middlewares.ts), errors as {errCode, errMsg}
// from its own table (errors.ts). Each resource registers its routes from its own folder.
import type { Router } from 'express';
import type { ApiDeps } from '../deps';
import { audienceRouter } from '../http/audience-router';
import { ConsoleRefused } from '../../application/console/refusals';
import { authenticateConsole } from './auth';
import { toConsoleError } from './errors';
import { identityRoutes } from './identities/routes';
import { enablementRoutes } from './enablement/routes';
import { reviewExemptionRoutes } from './review-exemption/routes';
import { auditRoutes } from './audit/routes';
import { deliveryRoutes } from './delivery/routes';
import { importsOwnBody, itemRoutes } from './items/routes';
import { orderRoutes } from './orders/routes';
import { refundRoutes } from './refunds/routes';
import { refundRecordRoutes } from './refund-records/routes';
import { dashboardRoutes } from './dashboard/routes';

export function consoleRouter(deps: ApiDeps): Router {
  const mapError = (err: unknown) => (err instanceof ConsoleRefused ? toConsoleError(err) : err);
  return audienceRouter({ shape: 'errCode', logger: deps.logger, mapError, ownBody: importsOwnBody }, (router) => {
    router.use(authenticateConsole(deps));
    identityRoutes(router, deps);
    enablementRoutes(router, deps);
    reviewExemptionRoutes(router, deps);
    auditRoutes(router, deps);
    deliveryRoutes(router, deps);
    itemRoutes(router, deps);
    orderRoutes(router, deps);
    refundRoutes(router, deps);
    refundRecordRoutes(router, deps);
    dashboardRoutes(router, deps);
  });
}
