// Platform admin bootstrap (CONTRACT.md 6): apps and their keys, items, users' session keys.
import type { Router } from 'express';
import type { ApiDeps } from '../deps';
import { audienceRouter } from '../http/audience-router';
import { adminErrors } from './errors';
import { getTeam } from '../../lib/db/repos/console-identities';
import { parseBody } from '../http/body';
import { requireAdmin } from './auth';
import { CreateAppSchema, isStorableText, PatchAppSchema, PutItemSchema, PutSessionSchema } from '../../lib/domain/schemas';
import { ItemPath, SessionPath } from './validators';
import { insertApp, getApp, patchApp, putSession, type App } from '../../lib/db/repos/apps';
import { putItem } from '../../lib/db/repos/items';
import { itemView, sellableVersion } from '../../lib/domain/items';
import { isPrivateHostLiteral } from '../../lib/outbound/address-guard';

/**
 * Refuses, unless DELIVERY_ALLOW_PRIVATE, a delivery URL whose host is plainly private or
 * loopback: the developer learns now, not from deliveries that fail later. A name that resolves
 * to a private address is still refused when used (lib/outbound/safe-post.ts).
 */
function refusePrivateDeliveryHosts(body: { deliveryUrl?: string; deliveryTestUrl?: string | null }, allowPrivate: boolean): void {
  if (allowPrivate) return;
  for (const field of ['deliveryUrl', 'deliveryTestUrl'] as const) {
    const url = body[field];
    if (url && isPrivateHostLiteral(new URL(url).hostname)) {
      throw adminErrors.malformed(`invalid body: ${field}: must not be a private or loopback address`);
    }
  }
}

/** The app of a path; an appId that is not storable text cannot name one. */
async function appOfPath(db: ApiDeps['db'], appId: string): Promise<App> {
  const app = isStorableText(appId) ? await getApp(db, appId) : undefined;
  if (!app) throw adminErrors.appNotFound();
  return app;
}

/** An app as shown after creation: everything but its key. */
const appView = (a: App) => ({
  appId: a.appId,
  name: a.name,
  deliveryUrl: a.deliveryUrl,
  deliveryTestUrl: a.deliveryTestUrl,
  paymentEnabled: a.paymentEnabled,
  teamId: a.teamId,
});

export function adminRouter({ db, config, logger }: ApiDeps): Router {
  return audienceRouter({ shape: 'errCode', logger }, (router) => {
    router.use(requireAdmin(config.adminToken));

    router.post('/apps', async (req, res) => {
      const body = parseBody(req, CreateAppSchema);
      refusePrivateDeliveryHosts(body, config.deliveryAllowPrivate);
      if (body.teamId !== undefined && !(await getTeam(db, body.teamId))) throw adminErrors.malformed('teamId names no team');
      const app = await insertApp(db, body);
      logger.info({ appId: app.appId }, 'app created');
      // The key is shown here, once, and never again.
      res.status(201).json({ errCode: 0, ...appView(app), appKey: app.appKey });
    });

    router.get('/apps/:appId', async (req, res) => {
      res.json({ errCode: 0, ...appView(await appOfPath(db, req.params.appId)) });
    });

    router.patch('/apps/:appId', async (req, res) => {
      const body = parseBody(req, PatchAppSchema);
      refusePrivateDeliveryHosts(body, config.deliveryAllowPrivate);
      await appOfPath(db, req.params.appId);
      const app = await patchApp(db, req.params.appId, body);
      if (!app) throw adminErrors.appNotFound();
      res.json({ errCode: 0, ...appView(app) });
    });

    router.put('/apps/:appId/items/:productId', async (req, res) => {
      const body = parseBody(req, PutItemSchema);
      if (!ItemPath.shape.productId.safeParse(req.params.productId).success) {
        throw adminErrors.malformed('productId must be 1..128 of [A-Za-z0-9_-.@|*]');
      }
      await appOfPath(db, req.params.appId);
      const { item, created } = await putItem(db, { ...body, appId: req.params.appId, productId: req.params.productId });
      // `released` (section 6's word) says whether the item sells; the rest is the console's view (7.6).
      res
        .status(created ? 201 : 200)
        .json({ errCode: 0, item: { appId: item.appId, ...itemView(item), released: sellableVersion(item) !== undefined } });
    });

    router.put('/apps/:appId/sessions/:openId', async (req, res) => {
      const body = parseBody(req, PutSessionSchema);
      if (!SessionPath.shape.openId.safeParse(req.params.openId).success) {
        throw adminErrors.malformed('openId must be 1..128 characters of well-formed text');
      }
      await appOfPath(db, req.params.appId);
      const { created } = await putSession(db, { appId: req.params.appId, openId: req.params.openId, ...body });
      // The session key is a secret: it is not echoed back.
      res.status(created ? 201 : 200).json({ errCode: 0, appId: req.params.appId, openId: req.params.openId });
    });
  });
}
