// Refund an order in the console (CONTRACT.md 8.2, the "refund an order" row of 7.2): visibility,
// then permission (before the body), then one application function.
import type { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { parseBody } from '../../http/body';
import { principalOf } from '../auth';
import { appOf, can, visibleApp } from '../middlewares';
import { toConsoleRefundError } from '../errors';
import { isStorableText } from '../../../lib/domain/schemas';
import { refundView } from '../../../lib/db/repos/refunds';
import { ConsoleRefused } from '../../../application/console/refusals';
import { refundOrder } from '../../../application/console/order-refunds';
import { RefundRefused } from '../../../application/refusals';
import { ConsoleRefundBody } from './validators';

export function refundRoutes(router: Router, deps: ApiDeps): void {
  const d = { db: deps.db, client: deps.client, config: deps.config };

  router.post('/apps/:appId/orders/:orderId/refunds', visibleApp(deps), can('refunds.create'), async (req, res) => {
    const orderId = String(req.params.orderId ?? '');
    if (orderId.length === 0 || orderId.length > 64 || !isStorableText(orderId)) throw new ConsoleRefused('notFound', 'unknown order');
    const body = parseBody(req, ConsoleRefundBody);
    try {
      const refund = await refundOrder(d, principalOf(res), appOf(res), orderId, body);
      res.json({ errCode: 0, refund: refundView(refund) });
    } catch (err) {
      throw err instanceof RefundRefused ? toConsoleRefundError(err) : err;
    }
  });
}
