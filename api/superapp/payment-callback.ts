// POST /v1/superapp/payment-callback (CONTRACT.md 3.2): the superapp says an order was paid.
// The route authenticates and parses; application/record-payment.ts answers, returnCode 0 only
// once the workflow has durably recorded the payment.
import type { Request, RequestHandler } from 'express';
import type { ApiDeps } from '../deps';
import { rawBody } from '../http/body';
import { ApiError, CommonCodes } from '../http/api-error';
import { isSignedBySuperapp } from './auth';
import { superappErrors, toSuperappError } from './errors';
import { PaymentCallbackSchema, type PaymentCallback } from '../../lib/domain/schemas';
import { orderFields } from '../../lib/platform/logger';
import { recordPayment, type PaymentRecorded } from '../../application/record-payment';
import { PaymentRefused, PaymentUnsettled } from '../../application/refusals';
import type { ApplicationDeps } from '../../application/deps';

/** The callback's body, or the 400 to answer (its message names the first problem). */
function parseCallback(req: Request): PaymentCallback | ApiError {
  let json: unknown;
  try {
    json = JSON.parse(rawBody(req).toString('utf8'));
  } catch {
    json = undefined;
  }
  const parsed = PaymentCallbackSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  return superappErrors.malformed(`invalid body: ${first.path.join('.')}: ${first.message}`);
}

export function paymentCallbackHandler({ config, logger, metrics }: ApiDeps, application: ApplicationDeps): RequestHandler {
  // Every refusal is counted by its code; a failure to answer (503, 500) is not.
  const refuse = (e: ApiError): never => {
    metrics.callbacks.inc({ result: String(e.code) });
    throw e;
  };
  const answered = (order: PaymentRecorded['order'], cb: PaymentCallback, returnCode: number, duplicate: boolean) => {
    const fields = { ...orderFields(order), transactionId: cb.transactionId, returnCode, duplicate, closeReason: order.closeReason };
    // A payment refused because the order's workflow was lost is for an operator to look at.
    if (order.closeReason === 'workflow_lost')
      logger.error(fields, 'payment callback refused: the order was closed because its workflow is gone');
    else logger.info(fields, 'payment callback answered');
  };

  return async (req, res) => {
    if (!isSignedBySuperapp(req, config.superappSecret)) refuse(superappErrors.badSignature());
    const cb = parseCallback(req);
    if (cb instanceof ApiError) return refuse(cb);
    let recorded: PaymentRecorded;
    try {
      recorded = await recordPayment(application, cb);
    } catch (err) {
      if (err instanceof PaymentUnsettled)
        throw new ApiError(503, CommonCodes.temporalUnavailable, 'the payment is still being recorded; retry later');
      if (!(err instanceof PaymentRefused)) throw err;
      const e = toSuperappError(err);
      if (err.order) answered(err.order, cb, e.code, false);
      return refuse(e);
    }
    answered(recorded.order, cb, 0, recorded.duplicate);
    metrics.callbacks.inc({ result: recorded.duplicate ? 'duplicate' : 'ok' });
    res.json({ returnCode: 0, returnMessage: 'OK' });
  };
}
