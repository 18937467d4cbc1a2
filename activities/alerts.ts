// The stuck-delivery alert: logged and counted once, then POSTed to the operator's webhook.
import { Context } from '@temporalio/activity';
import { getOrder, markAlerted } from '../lib/db/repos/orders';
import { getRefund, markRefundNoticeAlerted } from '../lib/db/repos/refunds';
import type { ActivityDeps } from './deps';

export function createAlertActivities({ db, config, post, logger, metrics }: ActivityDeps) {
  /** Logged and counted once (the activity's first attempt), then POSTed to ALERT_WEBHOOK_URL if set. */
  async function raise(alert: { type: string } & Record<string, unknown>, message: string): Promise<void> {
    if (Context.current().info.attempt === 1) {
      logger.error(alert, message);
      metrics.alerts.inc({ type: alert.type });
    }
    if (config.alertWebhookUrl) {
      const res = await post(config.alertWebhookUrl, JSON.stringify(alert), {
        timeoutMs: 10_000,
        maxResponseBytes: 16 * 1024,
        allowPrivate: true, // the operator's own endpoint
        allowUrlCredentials: true, // with the credentials the operator chose to put in it
      });
      if (res.status < 200 || res.status > 299) throw new Error(`alert webhook answered HTTP ${res.status}`);
    }
  }

  return {
    /** One alert for a refund whose notice (CONTRACT.md 8.3) is still not acknowledged DELIVERY_ALERT_AFTER_MS after it succeeded. */
    async raiseRefundNoticeAlert({ refundId }: { refundId: string }): Promise<void> {
      const r = await getRefund(db, refundId);
      if (!r) return;
      await raise(
        {
          type: 'refund_notify_stuck',
          refundId,
          outRefundNo: r.outRefundNo,
          orderId: r.orderId,
          appId: r.appId,
          outTradeNo: r.outTradeNo,
          attempts: r.notifyAttempts,
          lastError: r.lastNotifyError,
          refundedAt: r.refundedAt?.toISOString() ?? null,
          raisedAt: new Date().toISOString(),
        },
        'ALERT: refund notice stuck',
      );
      await markRefundNoticeAlerted(db, refundId);
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
          allowUrlCredentials: true, // with the credentials the operator chose to put in it
        });
        if (res.status < 200 || res.status > 299) throw new Error(`alert webhook answered HTTP ${res.status}`);
      }
      await markAlerted(db, orderId);
    },
  };
}
