// The built-in sandbox superapp, mounted only when SUPERAPP_BASE_URL is unset. It answers vpay's
// prepay and confirmation calls as a superapp backend would (checking vpay's signature), and
// lets a developer "pay" an order: it then sends vpay the signed payment callback, over HTTP,
// exactly as a real superapp would.
import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { ApiDeps } from '../deps';
import { ApiError, ErrCodes } from '../http/errors';
import { requireAdmin } from '../admin/auth';
import { isSignedBySuperapp } from '../superapp/auth';
import { rawBody } from '../http/body';
import { superappHeaders } from '../../lib/outbound/superapp-client';
import { getOrder } from '../../lib/db/repos/orders';
import { isStorableText } from '../../lib/domain/schemas';

export function sandboxRouter({ db, config, logger, post }: ApiDeps): Router {
  const router = Router();

  const signedOnly = (req: Request, res: Response): boolean => {
    if (isSignedBySuperapp(req, config.superappSecret)) return true;
    res.status(401).json({ returnCode: 40101, returnMessage: 'bad signature or stale timestamp' });
    return false;
  };

  router.post('/sandbox/minigame/prepay-orders', (req, res) => {
    if (!signedOnly(req, res)) return;
    const body = JSON.parse(rawBody(req).toString('utf8')) as { orderId?: string };
    if (typeof body.orderId !== 'string') {
      res.status(400).json({ returnCode: 40001, returnMessage: 'orderId missing' });
      return;
    }
    res.json({ returnCode: 0, returnMessage: 'OK', prepayId: `sbxprepay_${body.orderId}` });
  });

  router.post('/sandbox/minigame/payment-confirmations', (req, res) => {
    if (!signedOnly(req, res)) return;
    res.json({ returnCode: 0, returnMessage: 'OK' });
  });

  /** Pays an order in full, as the user would in the superapp's payment page. Admin only. */
  router.post('/sandbox/orders/:orderId/pay', requireAdmin(config.adminToken), async (req, res) => {
    const orderId = String(req.params.orderId);
    const order = isStorableText(orderId) ? await getOrder(db, orderId) : undefined;
    if (!order) throw new ApiError(404, ErrCodes.orderNotFound, 'unknown order');
    const callback = JSON.stringify({
      orderId: order.orderId,
      transactionId: `sbxtxn_${randomBytes(8).toString('hex')}`,
      paidAmount: order.totalAmount,
      currencyType: order.currencyType,
      paidAt: new Date().toISOString(),
    });
    const port = req.socket.localPort;
    const reply = await post(`http://127.0.0.1:${port}/v1/superapp/payment-callback`, callback, {
      headers: superappHeaders(config.superappSecret, callback),
      timeoutMs: 30_000,
      maxResponseBytes: 16 * 1024,
      allowPrivate: true,
    });
    logger.info({ orderId: order.orderId, appId: order.appId, outTradeNo: order.outTradeNo, status: reply.status }, 'sandbox paid an order');
    res.status(reply.status === 200 ? 200 : 502).json({ errCode: reply.status === 200 ? 0 : ErrCodes.prepayFailed, callback: JSON.parse(callback), callbackReply: reply.json });
  });

  return router;
}
