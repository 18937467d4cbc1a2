// GET /healthz (200 once Postgres and Temporal answer) and, only when METRICS_TOKEN is set, GET
// /metrics (Prometheus) for callers presenting it. Metrics tell anyone who can read them the
// platform's volumes and error rates, so they are opt-in; without the token the route does not
// exist (404 / 40404, like any unknown route).
import { Router } from 'express';
import type { ApiDeps } from './deps';
import { ApiError, CommonCodes } from './http/api-error';
import { bearerTokenCheck } from '../lib/platform/bearer';

/** The root routes' codes: CONTRACT.md 0's, a missing or wrong metrics token, and /healthz's own. */
export const HealthCodes = {
  ...CommonCodes,
  unauthorized: 40100,
  /** /healthz: PostgreSQL or Temporal does not answer (docs/API.md). */
  unavailable: 50300,
} as const;

export function healthRouter({ db, client, config, metrics }: ApiDeps): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const checks = await Promise.allSettled([db.raw('select 1'), client.workflowService.getSystemInfo({})]);
    const [pg, temporal] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    if (pg === 'ok' && temporal === 'ok') {
      res.json({ status: 'ok' });
    } else {
      res.status(503).json({ status: 'unavailable', errCode: HealthCodes.unavailable, errMsg: `postgres: ${pg}, temporal: ${temporal}` });
    }
  });
  if (config.metricsToken) {
    const authorized = bearerTokenCheck(config.metricsToken);
    router.get('/metrics', async (req, res) => {
      if (!authorized(req.get('authorization'))) throw new ApiError(401, HealthCodes.unauthorized, 'missing or wrong metrics token');
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  return router;
}
