// The Express app: each audience's router under its own prefix, with its own body parsing, auth,
// error table and error shape (api/http/audience-router.ts), and health, metrics and the API's
// description (api/openapi/) at the root.
import express from 'express';
import type { ApiDeps } from './deps';
import { ApiError, CommonCodes } from './http/api-error';
import { errorWriter, type ErrorShape } from './http/audience-router';
import { minigameRouter } from './minigame/router';
import { superappRouter } from './superapp/router';
import { adminRouter } from './admin/router';
import { consoleRouter } from './console/router';
import { sandboxRouter } from './sandbox/router';
import { healthRouter } from './health';
import { openApiRouter } from './openapi/router';
import { consoleUiRouter } from './console-ui/router';

/**
 * The error shape of the router a path goes to, for the requests Node refuses before Express
 * routes them (api/http/client-error.ts): the prefixes mounted below with `returnCode`.
 */
export const errorShapeOfPath =
  (config: Pick<ApiDeps['config'], 'sandboxEnabled'>) =>
  (path: string): ErrorShape =>
    path.startsWith('/v1/superapp/') || (config.sandboxEnabled && path.startsWith('/sandbox/minigame/')) ? 'returnCode' : 'errCode';

export function createExpressApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(healthRouter(deps));
  // GET /openapi.json and GET /docs (CONTRACT.md 9), describing the routes mounted here.
  app.use(openApiRouter(deps));
  app.use('/v1/minigame', minigameRouter(deps));
  app.use('/v1/superapp', superappRouter(deps));
  app.use('/v1/admin', adminRouter(deps));
  app.use('/v1/console', consoleRouter(deps));
  // The web console (console-ui/, built into dist/console-ui): the pages that call /v1/console.
  app.use('/console', consoleUiRouter(deps.consoleUiDir));
  if (deps.config.sandboxEnabled) app.use('/sandbox', sandboxRouter(deps));

  // Anything else: 404/40404 in the default shape.
  app.use((req, _res, next) => next(new ApiError(404, CommonCodes.routeNotFound, `no route ${req.method} ${req.path}`)));
  app.use(errorWriter({ shape: 'errCode', logger: deps.logger }));
  return app;
}
