// GET /healthz (200 once Postgres and Temporal answer) and, only when METRICS_TOKEN is set, GET
// /metrics (Prometheus) for callers presenting it. Metrics tell anyone who can read them the
// platform's volumes and error rates, so they are opt-in; without the token the route does not
// exist (404 / 40404, like any unknown route).
import { Router } from 'express';
import type { ApiDeps } from './deps';
import { ApiError } from './http/api-error';
import { bearerTokenCheck } from '../lib/platform/bearer';

/** CONTRACT.md 0: a missing or wrong bearer token. */
const UNAUTHORIZED = 40100;

export function healthRouter({ db, client, config, metrics }: ApiDeps): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const checks = await Promise.allSettled([db.raw('select 1'), client.workflowService.getSystemInfo({})]);
    const [pg, temporal] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    if (pg === 'ok' && temporal === 'ok') {
      res.json({ status: 'ok' });
    } else {
      res.status(503).json({ status: 'unavailable', errCode: 50300, errMsg: `postgres: ${pg}, temporal: ${temporal}` });
    }
  });
  if (config.metricsToken) {
    const authorized = bearerTokenCheck(config.metricsToken);
    router.get('/metrics', async (req, res) => {
      if (!authorized(req.get('authorization'))) throw new ApiError(401, UNAUTHORIZED, 'missing or wrong metrics token');
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  return router;
}
