// POST /v1/superapp/payment-callback (CONTRACT.md 3.2): the superapp says an order was paid.
// It is answered returnCode 0 only once the workflow has durably recorded the payment.
import type { RequestHandler } from 'express';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ApiDeps } from '../deps';
import { rawBody } from '../http/body';
import type { ApiError } from '../http/api-error';
import { isSignedBySuperapp } from './auth';
import { superappErrors } from './errors';
import { PaymentCallbackSchema, type PaymentCallback } from '../../lib/domain/schemas';
import { getOrder, type OrderRow } from '../../lib/db/repos/orders';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { orderFields } from '../../lib/platform/logger';
import { Failures, recordPaymentUpdate } from '../../workflows/definitions';

/** The callback's outcome: accepted (returnCode 0), or refused with one of the audience's errors. */
type Reply = 'OK' | ApiError;

const FAILURE_REPLIES: Record<string, () => ApiError> = {
  [Failures.OrderClosed]: superappErrors.orderClosed,
  [Failures.AlreadyPaid]: superappErrors.alreadyPaid,
  [Failures.PaymentMismatch]: superappErrors.paymentMismatch,
};

/**
 * The answer the order row alone can give: for an order already paid or closed. Undefined while
 * the order still awaits its payment (only the workflow may decide then).
 */
function replyFromRow(o: OrderRow, cb: PaymentCallback): Reply | undefined {
  if (o.status === 'CLOSED') return superappErrors.orderClosed();
  if (o.transactionId === null) return undefined;
  if (o.transactionId !== cb.transactionId) return superappErrors.alreadyPaid();
  if (cb.paidAmount !== o.totalAmount || cb.currencyType !== o.currencyType) return superappErrors.paymentMismatch();
  return 'OK';
}

export function paymentCallbackHandler({ db, client, config, logger, metrics }: ApiDeps): RequestHandler {
  const refuse = (e: ApiError): never => {
    metrics.callbacks.inc({ result: String(e.code) });
    throw e;
  };
  return async (req, res) => {
    if (!isSignedBySuperapp(req, config.superappSecret)) refuse(superappErrors.badSignature());
    let json: unknown;
    try {
      json = JSON.parse(rawBody(req).toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = PaymentCallbackSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      refuse(superappErrors.malformed(`invalid body: ${first.path.join('.')}: ${first.message}`));
      return;
    }
    const cb = parsed.data;
    const order = await getOrder(db, cb.orderId);
    if (!order) return refuse(superappErrors.unknownOrder());
    const fields = orderFields(order);

    // Duplicates of a recorded payment are answered from the row without touching the workflow.
    let reply = replyFromRow(order, cb);
    let duplicate = reply === 'OK';
    if (!reply) {
      try {
        const handle = client.workflow.getHandle(purchaseWorkflowId(order.appId, order.outTradeNo));
        const r = await client.connection.withDeadline(Date.now() + config.workflowAnswerTimeoutMs, () =>
          handle.executeUpdate(recordPaymentUpdate, { args: [cb] }),
        );
        reply = 'OK';
        duplicate = r.duplicate;
      } catch (err) {
        const failure = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
        if (failure instanceof ApplicationFailure && failure.type && FAILURE_REPLIES[failure.type]) {
          reply = FAILURE_REPLIES[failure.type]();
        } else {
          // The workflow may have finished meanwhile (closed on timeout): the row then knows.
          const now = await getOrder(db, cb.orderId);
          reply = now && replyFromRow(now, cb);
          if (!reply) throw err;
        }
      }
    }
    const returnCode = reply === 'OK' ? 0 : reply.code;
    logger.info({ ...fields, transactionId: cb.transactionId, returnCode, duplicate }, 'payment callback answered');
    if (reply !== 'OK') return refuse(reply);
    metrics.callbacks.inc({ result: duplicate ? 'duplicate' : 'ok' });
    res.json({ returnCode: 0, returnMessage: 'OK' });
  };
}
