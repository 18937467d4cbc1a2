// GET /healthz (200 once Postgres and Temporal answer) and GET /metrics (Prometheus).
import { Router } from 'express';
import type { ApiDeps } from './deps';

export function healthRouter({ db, client, metrics }: ApiDeps): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const checks = await Promise.allSettled([
      db.raw('select 1'),
      client.workflowService.getSystemInfo({}),
    ]);
    const [pg, temporal] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    if (pg === 'ok' && temporal === 'ok') {
      res.json({ status: 'ok' });
    } else {
      res.status(503).json({ status: 'unavailable', errCode: 50300, errMsg: `postgres: ${pg}, temporal: ${temporal}` });
    }
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
