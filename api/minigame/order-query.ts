// POST /v1/minigame/orders/query (CONTRACT.md 5): the game developer's backend reads an order,
// authenticated by Pay-Sig over the exact body with its app key.
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { ApiError, ErrCodes } from '../http/errors';
import { parseBody, rawBody } from '../http/body';
import { OrderQuerySchema } from '../../lib/domain/schemas';
import { orderQuerySigOf, signatureMatches } from '../../lib/domain/signatures';
import { getApp } from '../../lib/db/repos/apps';
import { getOrderByTradeNo, orderView } from '../../lib/db/repos/orders';

export function orderQueryRouter({ db }: ApiDeps): Router {
  const router = Router();
  router.post('/v1/minigame/orders/query', async (req, res) => {
    const q = parseBody(req, OrderQuerySchema);
    const app = await getApp(db, q.appId);
    if (!app || !signatureMatches(req.get('pay-sig'), orderQuerySigOf(app.appKey, rawBody(req)))) {
      throw new ApiError(401, ErrCodes.badSignature, 'Pay-Sig is wrong or the app is unknown');
    }
    const order = await getOrderByTradeNo(db, app.appId, q.outTradeNo);
    if (!order) throw new ApiError(404, ErrCodes.orderNotFound, 'no such order for this app');
    res.json({ errCode: 0, order: orderView(order) });
  });
  return router;
}
