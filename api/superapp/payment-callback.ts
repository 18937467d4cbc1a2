// POST /v1/superapp/payment-callback (CONTRACT.md 3.2): the superapp says an order was paid.
// It is answered returnCode 0 only once the workflow has durably recorded the payment.
import { Router, type Response } from 'express';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ApiDeps } from '../deps';
import { rawBody } from '../http/body';
import { isSignedBySuperapp } from './auth';
import { PaymentCallbackSchema, type PaymentCallback } from '../../lib/domain/schemas';
import { getOrder, type OrderRow } from '../../lib/db/repos/orders';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { orderFields } from '../../lib/platform/logger';
import { Failures, recordPaymentUpdate } from '../../workflows/definitions';

interface Reply {
  http: number;
  returnCode: number;
  returnMessage: string;
}

const OK: Reply = { http: 200, returnCode: 0, returnMessage: 'OK' };
const CLOSED: Reply = { http: 409, returnCode: 40902, returnMessage: 'the order is CLOSED; refund the payment' };
const ALREADY_PAID: Reply = {
  http: 409,
  returnCode: 40903,
  returnMessage: 'the order was already paid by another transaction; refund this payment',
};
const MISMATCH: Reply = { http: 422, returnCode: 42201, returnMessage: 'paidAmount or currencyType differs from the order' };

const FAILURE_REPLIES: Record<string, Reply> = {
  [Failures.OrderClosed]: CLOSED,
  [Failures.AlreadyPaid]: ALREADY_PAID,
  [Failures.PaymentMismatch]: MISMATCH,
};

/**
 * The answer the order row alone can give: for an order already paid or closed. Undefined while
 * the order still awaits its payment (only the workflow may decide then).
 */
function replyFromRow(o: OrderRow, cb: PaymentCallback): Reply | undefined {
  if (o.status === 'CLOSED') return CLOSED;
  if (o.transactionId === null) return undefined;
  if (o.transactionId !== cb.transactionId) return ALREADY_PAID;
  if (cb.paidAmount !== o.totalAmount || cb.currencyType !== o.currencyType) return MISMATCH;
  return OK;
}

const send = (res: Response, r: Reply) => res.status(r.http).json({ returnCode: r.returnCode, returnMessage: r.returnMessage });

export function paymentCallbackRouter({ db, client, config, logger, metrics }: ApiDeps): Router {
  const router = Router();

  router.post('/v1/superapp/payment-callback', async (req, res) => {
    if (!isSignedBySuperapp(req, config.superappSecret)) {
      metrics.callbacks.inc({ result: '40101' });
      return send(res, { http: 401, returnCode: 40101, returnMessage: 'bad signature or stale timestamp' });
    }
    let json: unknown;
    try {
      json = JSON.parse(rawBody(req).toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = PaymentCallbackSchema.safeParse(json);
    if (!parsed.success) {
      metrics.callbacks.inc({ result: '40001' });
      const first = parsed.error.issues[0];
      return send(res, { http: 400, returnCode: 40001, returnMessage: `invalid body: ${first.path.join('.')}: ${first.message}` });
    }
    const cb = parsed.data;
    const order = await getOrder(db, cb.orderId);
    if (!order) {
      metrics.callbacks.inc({ result: '40401' });
      return send(res, { http: 404, returnCode: 40401, returnMessage: 'unknown order' });
    }
    const fields = orderFields(order);

    // Duplicates of a recorded payment are answered from the row without touching the workflow.
    let reply = replyFromRow(order, cb);
    let duplicate = reply === OK;
    if (!reply) {
      try {
        const handle = client.workflow.getHandle(purchaseWorkflowId(order.appId, order.outTradeNo));
        const r = await client.connection.withDeadline(Date.now() + config.workflowAnswerTimeoutMs, () =>
          handle.executeUpdate(recordPaymentUpdate, { args: [cb] }),
        );
        reply = OK;
        duplicate = r.duplicate;
      } catch (err) {
        const failure = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
        if (failure instanceof ApplicationFailure && failure.type && FAILURE_REPLIES[failure.type]) {
          reply = FAILURE_REPLIES[failure.type];
        } else {
          // The workflow may have finished meanwhile (closed on timeout): the row then knows.
          const now = await getOrder(db, cb.orderId);
          reply = now && replyFromRow(now, cb);
          if (!reply) throw err;
        }
      }
    }
    metrics.callbacks.inc({ result: reply === OK ? (duplicate ? 'duplicate' : 'ok') : String(reply.returnCode) });
    logger.info({ ...fields, transactionId: cb.transactionId, returnCode: reply.returnCode, duplicate }, 'payment callback answered');
    return send(res, reply);
  });

  return router;
}
