// The built-in sandbox superapp, mounted under /sandbox only with SANDBOX=true (which `npm start`
// sets when SUPERAPP_BASE_URL is unset; lib/platform/config.ts refuses the two together). It
// answers vpay's prepay and confirmation calls as a superapp backend would (checking vpay's
// signature), and lets an operator "pay" an order: it then sends vpay the signed payment
// callback, over HTTP, exactly as a real superapp would.
import { randomBytes } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { ApiDeps } from '../deps';
import { audienceRouter } from '../http/audience-router';
import { parseBody } from '../http/body';
import { requireAdmin } from '../admin/auth';
import { isSignedBySuperapp } from '../superapp/auth';
import { SandboxCodes, sandboxErrors } from './errors';
import { superappHeaders } from '../../lib/outbound/superapp-client';
import { getOrder } from '../../lib/db/repos/orders';
import { isStorableText } from '../../lib/domain/schemas';
import { z } from 'zod';

const PrepayBody = z.object({ orderId: z.string().min(1) });

export function sandboxRouter(deps: ApiDeps): Router {
  const { db, config, logger, post } = deps;
  const router = Router();

  const signedOnly: RequestHandler = (req, _res, next) =>
    isSignedBySuperapp(req, config.superappSecret) ? next() : next(sandboxErrors.badSignature());

  // What vpay calls, answered as the superapp's backend answers: {returnCode, returnMessage}.
  router.use(
    '/minigame',
    audienceRouter({ shape: 'returnCode', logger }, (r) => {
      r.post('/prepay-orders', signedOnly, (req, res) => {
        const body = parseBody(req, PrepayBody);
        res.json({ returnCode: 0, returnMessage: 'OK', prepayId: `sbxprepay_${body.orderId}` });
      });
      r.post('/payment-confirmations', signedOnly, (_req, res) => {
        res.json({ returnCode: 0, returnMessage: 'OK' });
      });
    }),
  );

  // What an operator calls: pays an order in full, as the user would in the superapp's payment page.
  router.use(
    '/orders',
    audienceRouter({ shape: 'errCode', logger }, (r) => {
      r.post('/:orderId/pay', requireAdmin(config.adminToken), async (req, res) => {
        const orderId = String(req.params.orderId);
        const order = isStorableText(orderId) ? await getOrder(db, orderId) : undefined;
        if (!order) throw sandboxErrors.orderNotFound();
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
        const ok = reply.status === 200;
        res.status(ok ? 200 : 502).json({ errCode: ok ? 0 : SandboxCodes.callbackRefused, callback: JSON.parse(callback), callbackReply: reply.json });
      });
    }),
  );
  return router;
}
