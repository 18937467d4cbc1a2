// POST /v1/minigame/orders/query (CONTRACT.md 5): the game developer's backend reads an order,
// authenticated by Pay-Sig over the exact body with its app key.
import type { RequestHandler } from 'express';
import type { ApiDeps } from '../deps';
import { minigameErrors } from './errors';
import { authenticateOrderQuery } from './auth';
import { parseBody } from '../http/body';
import { OrderQuerySchema } from '../../lib/domain/schemas';
import { getOrderByTradeNo, orderView } from '../../lib/db/repos/orders';

export function orderQueryHandler({ db }: ApiDeps): RequestHandler {
  return async (req, res) => {
    const q = parseBody(req, OrderQuerySchema);
    const app = await authenticateOrderQuery(db, req, q.appId);
    const order = await getOrderByTradeNo(db, app.appId, q.outTradeNo);
    if (!order) throw minigameErrors.orderNotFound();
    res.json({ errCode: 0, order: orderView(order) });
  };
}
