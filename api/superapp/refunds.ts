// POST /v1/superapp/refunds (CONTRACT.md 8.1): the superapp refunded a payment. The route
// authenticates (401 first) and parses; application/refunds.ts records it, returnCode 0 only once
// the refund is durably recorded, the same for every duplicate.
import type { RequestHandler } from 'express';
import type { ApiDeps } from '../deps';
import { parseBody } from '../http/body';
import { isSignedBySuperapp } from './auth';
import { superappErrors, toSuperappRefundError } from './errors';
import { SuperappRefundSchema } from '../../lib/domain/schemas';
import { recordSuperappRefund } from '../../application/refunds';
import { RefundRefused } from '../../application/refusals';
import type { ApplicationDeps } from '../../application/deps';

export function superappRefundHandler({ config, logger }: ApiDeps, application: ApplicationDeps): RequestHandler {
  return async (req, res) => {
    if (!isSignedBySuperapp(req, config.superappSecret)) throw superappErrors.badSignature();
    const body = parseBody(req, SuperappRefundSchema);
    try {
      const { refund, duplicate } = await recordSuperappRefund(application, body);
      logger.info({ refundId: refund.refundId, orderId: refund.orderId, appId: refund.appId, duplicate }, 'superapp refund recorded');
    } catch (err) {
      if (!(err instanceof RefundRefused)) throw err;
      if (err.unrecordable) {
        logger.error(
          { type: 'superapp_refund_unrecordable', refundId: body.refundId, orderId: body.orderId, amount: body.refundAmount },
          'ALERT: the superapp reports a refund of a FAILED refund that no longer fits in the payment: not recorded',
        );
      } else logger.info({ refundId: body.refundId, orderId: body.orderId, refusal: err.reason }, 'superapp refund refused');
      throw toSuperappRefundError(err);
    }
    res.json({ returnCode: 0, returnMessage: 'OK' });
  };
}
