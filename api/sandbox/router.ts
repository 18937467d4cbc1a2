// The built-in sandbox superapp, mounted under /sandbox only with SANDBOX=true (which `npm start`
// sets when SUPERAPP_BASE_URL is unset; lib/platform/config.ts refuses the two together). It
// answers vpay's prepay and confirmation calls as a superapp backend would (checking vpay's
// signature), and lets an operator "pay" an order: it then sends vpay the signed payment
// callback, over HTTP, exactly as a real superapp would. What it does is the SuperappSimulator's
// (the tests' and the benchmark's fake superapp too); this file only serves it.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { audienceRouter } from '../http/audience-router';
import { rawBody } from '../http/body';
import { requireAdmin } from '../admin/auth';
import { SandboxCodes, sandboxErrors } from './errors';
import { SuperappSimulator, type SimulatorAnswer, type VpayCall } from './superapp-simulator';
import { getOrder } from '../../lib/db/repos/orders';
import { isStorableText } from '../../lib/domain/schemas';
import { parseBody } from '../http/body';

/** What an operator gives to play a player's refund (8.1). */
export const SandboxRefundBody = z.strictObject({
  refundAmount: z.number().int(),
  reason: z.string().max(256).refine(isStorableText).optional(),
});

const callOf = (req: Request): VpayCall => ({
  rawBody: rawBody(req),
  timestamp: req.get('x-vpay-timestamp'),
  signature: req.get('x-vpay-signature'),
});

function send(res: Response, a: SimulatorAnswer): void {
  if (a === 'drop') res.socket?.destroy();
  else if (a !== 'hang') res.status(a.status).json(a.json);
}

export function sandboxRouter(deps: ApiDeps): Router {
  const { db, config, logger, post } = deps;
  const simulator = new SuperappSimulator({ secret: config.superappSecret, post });
  const router = Router();

  // What vpay calls, answered as the superapp's backend answers: {returnCode, returnMessage}.
  router.use(
    '/minigame',
    audienceRouter({ shape: 'returnCode', logger }, (r) => {
      r.post('/prepay-orders', (req, res) => send(res, simulator.prepay(callOf(req))));
      r.post('/payment-confirmations', (req, res) => send(res, simulator.confirm(callOf(req))));
      r.post('/refunds', (req, res) => send(res, simulator.refund(callOf(req))));
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
        const { callback, reply } = await simulator.payOrder(`http://127.0.0.1:${req.socket.localPort}`, order);
        logger.info(
          { orderId: order.orderId, appId: order.appId, outTradeNo: order.outTradeNo, status: reply.status },
          'sandbox paid an order',
        );
        if (reply.status === 200) res.json({ errCode: 0, callback, callbackReply: reply.json });
        else {
          // An error body carries errMsg like every other (CONTRACT.md 0); the reply says why.
          const errMsg = `vpay refused the payment callback (HTTP ${reply.status})`;
          res.status(502).json({ errCode: SandboxCodes.callbackRefused, errMsg, callback, callbackReply: reply.json });
        }
      });

      // A player's refund made in the superapp (8.1): the sandbox tells vpay with the signed call.
      r.post('/:orderId/refund', requireAdmin(config.adminToken), async (req, res) => {
        const orderId = String(req.params.orderId);
        const order = isStorableText(orderId) ? await getOrder(db, orderId) : undefined;
        if (!order) throw sandboxErrors.orderNotFound();
        const body = parseBody(req, SandboxRefundBody);
        const { refund, reply } = await simulator.refundOrder(`http://127.0.0.1:${req.socket.localPort}`, order, body);
        logger.info({ orderId: order.orderId, refundId: refund.refundId, status: reply.status }, 'sandbox refunded an order');
        if (reply.status === 200) res.json({ errCode: 0, refund, refundReply: reply.json });
        else {
          const errMsg = `vpay refused the refund (HTTP ${reply.status})`;
          res.status(502).json({ errCode: SandboxCodes.callbackRefused, errMsg, refund, refundReply: reply.json });
        }
      });
    }),
  );
  return router;
}
