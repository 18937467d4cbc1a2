// POST /v1/minigame/payments (CONTRACT.md 2): the mini game asks to buy an item.
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ApiDeps } from '../deps';
import { ApiError } from '../http/api-error';
import { minigameErrors } from './errors';
import { parseBody } from '../http/body';
import { PaymentRequestSchema, parseSignData } from '../../lib/domain/schemas';
import { paySigOf, signatureMatches, userSignatureOf } from '../../lib/domain/signatures';
import { getApp, getItem, getSessionKey } from '../../lib/db/repos/apps';
import { getOrderByTradeNo, type OrderRow } from '../../lib/db/repos/orders';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { orderFields } from '../../lib/platform/logger';
import {
  Failures,
  requestPaymentUpdate,
  SA_APP_ID,
  SA_ORDER_STATUS,
  SA_OUT_TRADE_NO,
  type OrderDraft,
  type PaymentRequestResult,
} from '../../workflows/definitions';
import type { purchase } from '../../workflows/purchase';

/** Sortable by creation time, unique, and without ':' (it is not part of the workflow ID). */
export const newOrderId = (): string => `ord${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;

const prepayFailed = minigameErrors.prepayFailed;
const outTradeNoConflict = minigameErrors.outTradeNoConflict;

export function paymentsHandler({ db, client, config, logger, metrics }: ApiDeps): RequestHandler {

  /** An identical request again: the same answer, from the lasting order row. */
  const answerFromRow = (o: OrderRow): PaymentRequestResult => {
    if (o.status === 'CLOSED' && o.closeReason === 'prepay_rejected') {
      throw prepayFailed('the superapp rejected or could not create the prepay order; the order is CLOSED');
    }
    return { orderId: o.orderId, outTradeNo: o.outTradeNo, status: o.status, prepayId: o.prepayId };
  };

  /**
   * Starts the purchase workflow and waits, in the same call, for its prepay order. We use
   * update-with-start rather than start-then-poll: one round trip; concurrent identical requests
   * attach to the one workflow (the ID is the business key, conflict policy USE_EXISTING) and
   * all get its answer; and the answer comes from the workflow the moment the prepay exists.
   */
  const startOrAttach = async (draft: OrderDraft): Promise<PaymentRequestResult> => {
    const workflowId = purchaseWorkflowId(draft.appId, draft.outTradeNo);
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof purchase>('purchase', {
      workflowId,
      taskQueue: config.taskQueue,
      args: [
        {
          order: draft,
          timings: {
            paymentTimeoutMs: config.paymentTimeoutMs,
            deliveryRetryInitialMs: config.deliveryRetryInitialMs,
            deliveryRetryMaxMs: config.deliveryRetryMaxMs,
            deliveryAlertAfterMs: config.deliveryAlertAfterMs,
          },
        },
      ],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A finished purchase is never started again; its row answers instead.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: SA_APP_ID, value: draft.appId },
        { key: SA_OUT_TRADE_NO, value: draft.outTradeNo },
        { key: SA_ORDER_STATUS, value: 'CREATED' },
      ],
    });
    try {
      // Bounded: with no worker polling, the caller gets a 503 to retry (the identical retry
      // attaches to the same purchase) instead of a hanging request.
      return await client.connection.withDeadline(Date.now() + config.workflowAnswerTimeoutMs, () =>
        client.workflow.executeUpdateWithStart(requestPaymentUpdate, {
          args: [{ signData: draft.signData }],
          startWorkflowOperation,
        }),
      );
    } catch (err) {
      const failure = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      if (failure instanceof ApplicationFailure) {
        if (failure.type === Failures.OutTradeNoConflict) {
          throw outTradeNoConflict();
        }
        if (failure.type === Failures.PrepayRejected) throw prepayFailed(`prepay order failed: ${failure.message}`);
      }
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        // The workflow finished between our row check and the start: its row has the answer.
        const row = await getOrderByTradeNo(db, draft.appId, draft.outTradeNo);
        if (row) {
          if (row.signData !== draft.signData) {
            throw outTradeNoConflict();
          }
          return answerFromRow(row);
        }
      }
      throw err;
    }
  };

  return async (req, res) => {
    const stopTimer = metrics.paymentRequestSeconds.startTimer();
    let result = 'ok';
    try {
      const body = parseBody(req, PaymentRequestSchema);
      const sd = parseSignData(body.signData);
      if (!sd) throw minigameErrors.malformed('signData is not valid JSON of the contract shape');

      const app = await getApp(db, body.appId);
      if (!app || !signatureMatches(body.paySig, paySigOf(app.appKey, body.signData))) {
        throw minigameErrors.badPaySig();
      }
      const sessionKey = await getSessionKey(db, body.appId, body.openId);
      if (!sessionKey || !signatureMatches(body.signature, userSignatureOf(sessionKey, body.signData))) {
        throw minigameErrors.badUserSignature();
      }

      const existing = await getOrderByTradeNo(db, app.appId, sd.outTradeNo);
      let answer: PaymentRequestResult;
      if (existing && existing.signData === body.signData && existing.status !== 'CREATED') {
        // An identical replay answers as the first request did, whatever changed since.
        answer = answerFromRow(existing);
      } else {
        if (!app.paymentEnabled) throw minigameErrors.paymentDisabled();
        const item = await getItem(db, app.appId, sd.productId);
        if (!item || !item.released) throw minigameErrors.itemNotFound();
        if (existing && existing.signData !== body.signData) {
          throw outTradeNoConflict();
        }
        if (sd.goodsPrice !== item.price) {
          throw minigameErrors.priceMismatch(sd.goodsPrice, item.price);
        }
        if (sd.currencyType !== item.currencyType) {
          throw minigameErrors.currencyMismatch(sd.currencyType, item.currencyType);
        }
        answer = await startOrAttach({
          orderId: existing?.orderId ?? newOrderId(),
          appId: app.appId,
          openId: body.openId,
          outTradeNo: sd.outTradeNo,
          productId: sd.productId,
          buyQuantity: sd.buyQuantity,
          goodsPrice: sd.goodsPrice,
          totalAmount: sd.goodsPrice * sd.buyQuantity,
          currencyType: sd.currencyType,
          platform: sd.platform ?? null,
          env: sd.env,
          attach: sd.attach ?? null,
          signData: body.signData,
          paySig: body.paySig,
          signature: body.signature,
          createdAt: new Date().toISOString(),
        });
      }
      logger.info({ ...orderFields({ ...answer, appId: app.appId }), status: answer.status }, 'payment request answered');
      res.json({ errCode: 0, ...answer });
    } catch (err) {
      result = err instanceof ApiError ? String(err.code) : 'error';
      throw err;
    } finally {
      metrics.paymentRequests.inc({ result });
      stopTimer({ result });
    }
  };
}
