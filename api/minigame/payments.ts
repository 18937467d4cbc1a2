// POST /v1/minigame/payments (CONTRACT.md 2): the mini game asks to buy an item. The route
// parses and authenticates; application/request-payment.ts decides.
import type { RequestHandler } from 'express';
import type { ApiDeps } from '../deps';
import { ApiError } from '../http/api-error';
import { parseBody } from '../http/body';
import { sendError } from '../http/audience-router';
import { minigameErrors, toMinigameError } from './errors';
import { authenticatePayment } from './auth';
import { PaymentRequestSchema, parseSignData } from '../../lib/domain/schemas';
import { orderFields } from '../../lib/platform/logger';
import { requestPayment } from '../../application/request-payment';
import { PurchaseRefused } from '../../application/refusals';
import type { ApplicationDeps } from '../../application/deps';

export function paymentsHandler({ db, logger, metrics }: ApiDeps, application: ApplicationDeps): RequestHandler {
  return async (req, res) => {
    const stopTimer = metrics.paymentRequestSeconds.startTimer();
    let result = 'ok';
    let order: { appId: string; outTradeNo: string } | undefined;
    try {
      const request = parseBody(req, PaymentRequestSchema);
      const signData = parseSignData(request.signData);
      if (!signData) throw minigameErrors.malformed('signData is not valid JSON of the contract shape');
      const app = await authenticatePayment(db, request);
      order = { appId: app.appId, outTradeNo: signData.outTradeNo };
      const answer = await requestPayment(application, { app, request, signData });
      logger.info({ ...orderFields({ ...answer, appId: app.appId }), status: answer.status }, 'payment request answered');
      res.json({ errCode: 0, ...answer });
    } catch (err) {
      if (err instanceof PurchaseRefused && err.refusal.reason === 'prepayFailed' && err.refusal.superappError !== undefined) {
        // The client gets a fixed message (errors.ts); why the superapp failed is for the operator.
        logger.warn({ ...order, superappError: err.refusal.superappError }, 'payment request refused: the prepay order failed');
      }
      const e = err instanceof PurchaseRefused ? toMinigameError(err) : err;
      result = e instanceof ApiError ? String(e.code) : 'error';
      if (err instanceof PurchaseRefused && err.reason === 'busy') {
        // Answered here, not thrown: the error writer logs every 5xx, and under overload a line per
        // shed request would add to the load. vpay_payment_requests_shed_total counts them.
        logger.debug(order, 'payment request shed: too many waiting');
        sendError(res, 'errCode', e as ApiError);
        return;
      }
      throw e;
    } finally {
      metrics.paymentRequests.inc({ result });
      stopTimer({ result });
    }
  };
}
