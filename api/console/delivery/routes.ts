// Delivery configuration and keys (CONTRACT.md 7.4). Each route: the app's visibility, the role's
// permission, then the body, then one application function.
import type { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { parseBody, rawBody } from '../../http/body';
import { principalOf } from '../auth';
import { appOf, can, visibleApp } from '../middlewares';
import { DeliveryConfigBody, TestPushBody } from './validators';
import { configureDelivery, getDeliveryConfig, rotateAppKey, testDelivery } from '../../../application/console/delivery';

export function deliveryRoutes(router: Router, deps: ApiDeps): void {
  const d = {
    db: deps.db,
    post: deps.post,
    deliveryAllowPrivate: deps.config.deliveryAllowPrivate,
    keyRotationOverlapMs: deps.config.keyRotationOverlapMs,
  };

  router.get('/apps/:appId/delivery-config', visibleApp(deps), can('delivery.view'), async (_req, res) => {
    res.json({ errCode: 0, ...(await getDeliveryConfig(d, appOf(res))) });
  });

  router.put('/apps/:appId/delivery-config', visibleApp(deps), can('delivery.configure'), async (req, res) => {
    const body = parseBody(req, DeliveryConfigBody);
    res.json({ errCode: 0, ...(await configureDelivery(d, principalOf(res), appOf(res).appId, body)) });
  });

  router.post('/apps/:appId/keys', visibleApp(deps), can('delivery.configure'), async (_req, res) => {
    res.status(201).json({ errCode: 0, ...(await rotateAppKey(d, principalOf(res), appOf(res).appId)) });
  });

  router.post('/apps/:appId/delivery-config/test', visibleApp(deps), can('delivery.configure'), async (req, res) => {
    // No body at all means the default env (1).
    const { env } = rawBody(req).length === 0 ? TestPushBody.parse({}) : parseBody(req, TestPushBody);
    res.json({ errCode: 0, ...(await testDelivery(d, principalOf(res), appOf(res), env)) });
  });
}
