// The purchase workflow's activities, built by a factory from their dependencies (database,
// HTTP, config, logger, metrics) so tests and processes wire them however they need.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Config } from '../lib/platform/config';
import type { Db } from '../lib/db/db';
import type { Logger } from '../lib/platform/logger';
import { orderFields } from '../lib/platform/logger';
import type { Metrics } from '../lib/platform/metrics';
import { getApp } from '../lib/db/repos/apps';
import {
  beginDeliveryAttempt,
  finishDeliveryAttempt,
  getOrder,
  insertNewOrder,
  markAlerted,
  projectOrder,
  type OrderProjection,
} from '../lib/db/repos/orders';
import { postToSuperapp, returnCodeIsZero, type PostJson } from '../lib/outbound/superapp-client';
import { createDeliveryRecovery, type WakePurchase } from './delivery-recovery';
import { deliveryIdFor, deliveryNoticeBody, deliveryUrlFor, isDeliveryAcknowledged } from '../lib/outbound/delivery-notice';
import { Failures, type DeliveryFailureDetails, type OrderDraft } from '../workflows/definitions';

export interface ActivityDeps {
  db: Db;
  config: Config;
  post: PostJson;
  logger: Logger;
  metrics: Metrics;
  /** Signals a purchase to retry its delivery now (activities/delivery-recovery.ts). */
  wakePurchase: WakePurchase;
}

const DELIVERY_TIMEOUT_MS = 10_000;
/** The mini game waits on the prepay: a superapp slower than this counts as down. */
const PREPAY_TIMEOUT_MS = 5_000;
const DELIVERY_MAX_RESPONSE_BYTES = 64 * 1024;

export function createActivities({ db, config, post, logger, metrics, wakePurchase }: ActivityDeps) {
  const recovery = createDeliveryRecovery({ db, wake: wakePurchase, logger, metrics });
  return {
    /** Writes the CREATED row; the unique (appId, outTradeNo) is the lasting idempotency guard. */
    async saveNewOrder(order: OrderDraft): Promise<void> {
      const owner = await insertNewOrder(db, order);
      if (owner !== order.orderId) {
        throw ApplicationFailure.create({
          type: Failures.OutTradeNoConflict,
          message: `outTradeNo already belongs to order ${owner}`,
          nonRetryable: true,
        });
      }
      logger.info({ ...orderFields(order), status: 'CREATED' }, 'order created');
    },

    async projectOrder(p: OrderProjection): Promise<void> {
      await projectOrder(db, p);
    },

    /** CONTRACT.md 3.1. A rejection is final; network errors and 5xx are retried (briefly). */
    async requestPrepay(order: OrderDraft): Promise<{ prepayId: string }> {
      const fields = orderFields(order);
      let reply;
      try {
        reply = await postToSuperapp(config, post, '/minigame/prepay-orders', {
          orderId: order.orderId,
          appId: order.appId,
          openId: order.openId,
          outTradeNo: order.outTradeNo,
          productId: order.productId,
          buyQuantity: order.buyQuantity,
          goodsPrice: order.goodsPrice,
          totalAmount: order.totalAmount,
          currencyType: order.currencyType,
          platform: order.platform,
          env: order.env,
          attach: order.attach,
          signData: order.signData,
          paySig: order.paySig,
          signature: order.signature,
        }, PREPAY_TIMEOUT_MS);
      } catch (err) {
        logger.warn({ ...fields, error: (err as Error).message }, 'prepay request failed; will retry');
        throw err;
      }
      const json = reply.json as Record<string, unknown> | undefined;
      if (reply.status >= 500) {
        throw ApplicationFailure.create({ type: 'SuperappUnavailable', message: `superapp answered HTTP ${reply.status}` });
      }
      if (reply.status === 200 && returnCodeIsZero(json) && typeof json?.prepayId === 'string' && json.prepayId) {
        logger.info({ ...fields, prepayId: json.prepayId }, 'prepay order created');
        return { prepayId: json.prepayId };
      }
      const why = `superapp rejected the prepay order: HTTP ${reply.status}, returnCode ${JSON.stringify(json?.returnCode)}${
        typeof json?.returnMessage === 'string' ? ` (${json.returnMessage.slice(0, 200)})` : ''
      }`;
      logger.warn({ ...fields }, why);
      throw ApplicationFailure.create({ type: Failures.PrepayRejected, message: why, nonRetryable: true });
    },

    /** CONTRACT.md 3.3: retried (by its policy) until the superapp answers 200 returnCode 0. */
    async confirmPayment(c: { orderId: string; transactionId: string }): Promise<void> {
      const reply = await postToSuperapp(config, post, '/minigame/payment-confirmations', {
        orderId: c.orderId,
        transactionId: c.transactionId,
        status: 'CONFIRMED',
      });
      if (reply.status !== 200 || !returnCodeIsZero(reply.json)) {
        throw ApplicationFailure.create({
          type: 'ConfirmationNotAccepted',
          message: `superapp answered HTTP ${reply.status} to the confirmation`,
        });
      }
    },

    /**
     * One delivery attempt (CONTRACT.md 4). Every attempt is counted before it is sent and
     * recorded after; a success marks the row DELIVERED in the same transaction, and an attempt
     * that finds the row DELIVERED (the previous one succeeded but its worker died before
     * reporting) sends nothing.
     */
    async deliverOrder({ orderId }: { orderId: string }): Promise<{ deliveredAt: string; attempts: number }> {
      const order = await beginDeliveryAttempt(db, orderId);
      if (!order) throw ApplicationFailure.create({ type: Failures.OrderMissing, message: `no order ${orderId}`, nonRetryable: true });
      if (order.status === 'DELIVERED' && order.deliveredAt) {
        return { deliveredAt: order.deliveredAt.toISOString(), attempts: order.deliveryAttempts };
      }
      const app = await getApp(db, order.appId);
      if (!app) throw ApplicationFailure.create({ type: Failures.OrderMissing, message: `no app ${order.appId}`, nonRetryable: true });
      const attempt = order.deliveryAttempts;
      const fields = { ...orderFields(order), attempt };
      const url = deliveryUrlFor(app, order);
      const started = Date.now();
      let ok = false;
      let httpStatus: number | null = null;
      let error: string | null = null;
      if (!url) {
        error = 'the app has no deliveryTestUrl for a sandbox (env 1) order';
      } else {
        try {
          const res = await post(url, deliveryNoticeBody(app, order), {
            headers: { 'x-vpay-delivery-id': deliveryIdFor(orderId), 'x-vpay-attempt': String(attempt) },
            timeoutMs: DELIVERY_TIMEOUT_MS,
            maxResponseBytes: DELIVERY_MAX_RESPONSE_BYTES,
            allowPrivate: config.deliveryAllowPrivate,
          });
          httpStatus = res.status;
          ok = isDeliveryAcknowledged(res.status, res.json);
          if (!ok) error = `HTTP ${res.status}: ${res.body.slice(0, 200)}`;
        } catch (err) {
          error = (err as Error).message;
        }
      }
      const row = await finishDeliveryAttempt(db, {
        orderId,
        attempt,
        url: url ?? '',
        ok,
        httpStatus,
        error,
        durationMs: Date.now() - started,
      });
      metrics.deliveryAttempts.inc({ outcome: ok ? 'delivered' : 'failed' });
      // The outcome is already recorded: bookkeeping for the endpoint's health must not undo it.
      const health = await recovery.onAttempt({ appId: order.appId, env: order.env }, { ok, attempt }).catch((err: Error): { failingForMs?: number } => {
        logger.warn({ ...fields, error: err.message }, 'could not record the delivery endpoint\'s health');
        return {};
      });
      if (!ok) {
        logger.warn({ ...fields, error }, 'delivery attempt failed; will retry');
        // The workflow spaces the retries with its own timers (workflows/purchase.ts), paced by
        // how long the endpoint has been failing.
        const details: DeliveryFailureDetails = { endpointFailingForMs: health.failingForMs ?? 0 };
        throw ApplicationFailure.create({ type: Failures.DeliveryFailed, message: error ?? 'delivery failed', details: [details] });
      }
      if (row.paymentRecordedAt && row.deliveredAt) {
        metrics.callbackToDeliveredSeconds.observe((row.deliveredAt.getTime() - row.paymentRecordedAt.getTime()) / 1000);
      }
      logger.info(fields, 'order delivered');
      return { deliveredAt: row.deliveredAt!.toISOString(), attempts: row.deliveryAttempts };
    },

    /** One alert for an order still undelivered DELIVERY_ALERT_AFTER_MS after its payment. */
    async raiseDeliveryAlert({ orderId }: { orderId: string }): Promise<void> {
      const order = await getOrder(db, orderId);
      if (!order) return;
      const alert = {
        type: 'delivery_stuck',
        orderId,
        appId: order.appId,
        outTradeNo: order.outTradeNo,
        attempts: order.deliveryAttempts,
        lastError: order.lastDeliveryError,
        paidAt: order.paidAt?.toISOString() ?? null,
        raisedAt: new Date().toISOString(),
      };
      // Log and count once, even if the webhook below needs retries.
      if (Context.current().info.attempt === 1) {
        logger.error(alert, 'ALERT: delivery stuck');
        metrics.alerts.inc({ type: 'delivery_stuck' });
      }
      if (config.alertWebhookUrl) {
        const res = await post(config.alertWebhookUrl, JSON.stringify(alert), {
          timeoutMs: 10_000,
          maxResponseBytes: 16 * 1024,
          allowPrivate: true, // the operator's own endpoint
        });
        if (res.status < 200 || res.status > 299) throw new Error(`alert webhook answered HTTP ${res.status}`);
      }
      await markAlerted(db, orderId);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
