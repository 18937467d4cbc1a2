// The refund workflow's activities (CONTRACT.md 8): the claim on the order and the refund's later
// moves (lib/db/repos/refunds.ts, where the order row keeps the refunded total), the refund asked
// of the superapp, and one notice attempt to the game backend.
import { ApplicationFailure } from '@temporalio/activity';
import { getApp } from '../lib/db/repos/apps';
import { getOrder } from '../lib/db/repos/orders';
import {
  beginRefundNotifyAttempt,
  claimRefund,
  failRefund,
  finishRefundNotifyAttempt,
  getRefund,
  settleRefund,
  type RefundRow,
} from '../lib/db/repos/refunds';
import { refundNoticeBody, refundNoticeIdFor } from '../lib/outbound/refund-notice';
import { postToSuperapp, returnCodeIsZero } from '../lib/outbound/superapp-client';
import { toStorableText } from '../lib/domain/schemas';
import { Failures, type DeliveryFailureDetails, type RefundDraft, type RefundRefusal, type RefundStatus } from '../workflows/definitions';
import { createDeliveryRecovery, type DeliveryRecovery } from './delivery-recovery';
import { recordedUrl, sendDeveloperNotice } from './developer-notice';
import { loggedTries, recordSentNotice } from './record-sent-notice';
import type { ActivityDeps } from './deps';

export type RefundClaim =
  | { claimed: true; refundId: string; status: RefundStatus; failReason: string | null; orderRefunded: boolean }
  | { claimed: false; refusal: RefundRefusal };

const refundFields = (r: Pick<RefundRow, 'refundId' | 'orderId' | 'appId' | 'outTradeNo'>) => ({
  refundId: r.refundId,
  orderId: r.orderId,
  appId: r.appId,
  outTradeNo: r.outTradeNo,
});

/**
 * `recovery` is shared by the deliveries and the refund notices of one worker (activities/index.ts):
 * they go to the same endpoints, so what one learns of an endpoint's health the other uses.
 */
export function createRefundActivities(
  { db, config, post, logger, metrics, wakePurchase, wakeRefund }: ActivityDeps,
  recovery: DeliveryRecovery = createDeliveryRecovery({ db, wake: wakePurchase, wakeRefund, logger, metrics }),
) {
  async function refundOrFail(refundId: string): Promise<RefundRow> {
    const r = await getRefund(db, refundId);
    if (!r) throw ApplicationFailure.create({ type: Failures.RefundMissing, message: `no refund ${refundId}`, nonRetryable: true });
    return r;
  }

  return {
    /**
     * Records the refund and claims its amount on the order, atomically (claimRefund); a refund
     * already recorded under the same key is answered as it is. A refusal records nothing.
     */
    async claimRefund(d: RefundDraft): Promise<RefundClaim> {
      const c = await claimRefund(db, d);
      if (!c.claimed) {
        logger.info({ ...refundFields(d), refusal: c.refusal }, 'refund refused');
        return c;
      }
      const orderStatus = c.orderStatus ?? (await getOrder(db, d.orderId))?.status;
      logger.info({ ...refundFields(c.refund), status: c.refund.status, amount: c.refund.refundAmount }, 'refund recorded');
      return {
        claimed: true,
        refundId: c.refund.refundId,
        status: c.refund.status,
        failReason: c.refund.failReason,
        orderRefunded: orderStatus === 'REFUNDED',
      };
    },

    /**
     * Asks the superapp to refund (CONTRACT.md 8.2), idempotent per refundId. 200 with a JSON
     * returnCode 0: refunded. 200 with another returnCode, or a 4xx: the non-retryable
     * SuperappRefusedRefund, with the reason. Everything else (network errors, 5xx, 3xx, another
     * 2xx, a 200 without a JSON returnCode) is SuperappUnavailable, retried until it answers.
     */
    async askSuperappRefund({ refundId }: { refundId: string }): Promise<void> {
      const r = await refundOrFail(refundId);
      const reply = await postToSuperapp(config, post, '/minigame/refunds', {
        refundId: r.refundId,
        orderId: r.orderId,
        transactionId: r.transactionId,
        refundAmount: r.refundAmount,
        currencyType: r.currencyType,
        reason: r.reason,
      });
      const json = reply.json as Record<string, unknown> | undefined;
      const hasReturnCode =
        typeof json === 'object' && json !== null && !Array.isArray(json) && json.returnCode !== undefined && json.returnCode !== null;
      if (reply.status === 200 && hasReturnCode && returnCodeIsZero(json)) {
        logger.info(refundFields(r), 'superapp refunded');
        return;
      }
      // Only an explicit answer is a refusal (8.2): a 200 with another returnCode, or a 4xx. Anything
      // else (5xx, 3xx, another 2xx, a 200 without a JSON returnCode) says nothing of whether the
      // money moved: retried, never FAILED (a FAILED refund releases its amount).
      const refused = (reply.status === 200 && hasReturnCode) || (reply.status >= 400 && reply.status < 500);
      if (!refused) {
        throw ApplicationFailure.create({
          type: Failures.SuperappUnavailable,
          message: `superapp gave no clear answer to the refund: HTTP ${reply.status}${reply.status === 200 ? ' without a JSON returnCode' : ''}`,
        });
      }
      const why = `superapp refused the refund: HTTP ${reply.status}, returnCode ${toStorableText(String(JSON.stringify(json?.returnCode)), 64)}${
        typeof json?.returnMessage === 'string' ? ` (${toStorableText(json.returnMessage, 200)})` : ''
      }`;
      logger.warn(refundFields(r), why);
      throw ApplicationFailure.create({ type: Failures.SuperappRefusedRefund, message: why, nonRetryable: true });
    },

    /**
     * The superapp refunded: SUCCEEDED, the amount moved to the order's refunded total (once); or
     * FAILED (and an alert) when the superapp's own refunds of the order overtook it meanwhile.
     */
    async settleRefund({
      refundId,
    }: {
      refundId: string;
    }): Promise<{ status: RefundStatus; failReason: string | null; orderRefunded: boolean }> {
      const { refund, orderStatus, overtaken } = await settleRefund(db, refundId);
      if (overtaken) {
        // The superapp refunded this too, after refunding the order itself (8.1): it may have paid
        // the player twice. vpay records only what fits in the payment; an operator must look.
        const alert = { type: 'refund_overtaken', ...refundFields(refund), amount: refund.refundAmount };
        logger.error(alert, 'ALERT: the superapp answered a refund the order no longer had room for: FAILED, it may have paid twice');
        metrics.alerts.inc({ type: alert.type });
      }
      return { status: refund.status, failReason: refund.failReason, orderRefunded: orderStatus === 'REFUNDED' };
    },

    /** The superapp refused: FAILED with its reason, the claimed amount released (once). */
    async failRefund({ refundId, failReason }: { refundId: string; failReason: string }): Promise<void> {
      await failRefund(db, refundId, toStorableText(failReason, 500));
    },

    /**
     * One refund notice attempt (CONTRACT.md 8.3), like a delivery attempt: counted before it is
     * sent, recorded after, a success setting notified_at in the same statement; a refund already
     * notified sends nothing.
     */
    async notifyRefund({ refundId }: { refundId: string }): Promise<{ notifiedAt: string; attempts: number }> {
      const startedAt = Date.now();
      const r = await beginRefundNotifyAttempt(db, refundId);
      if (!r) throw ApplicationFailure.create({ type: Failures.RefundMissing, message: `no refund ${refundId}`, nonRetryable: true });
      if (r.notifiedAt) return { notifiedAt: r.notifiedAt.toISOString(), attempts: r.notifyAttempts };
      if (r.status !== 'SUCCEEDED') {
        throw ApplicationFailure.create({
          type: Failures.RefundNotNotifiable,
          message: `refund ${refundId} is ${r.status}: no notice`,
          nonRetryable: true,
        });
      }
      const [app, order] = await Promise.all([getApp(db, r.appId), getOrder(db, r.orderId)]);
      if (!app || !order)
        throw ApplicationFailure.create({
          type: Failures.RefundOrderMissing,
          message: `no app or order for ${refundId}`,
          nonRetryable: true,
        });
      const attempt = r.notifyAttempts;
      const { url, ok, httpStatus, error, durationMs } = await sendDeveloperNotice(post, config.deliveryAllowPrivate, {
        app,
        env: r.env as 0 | 1,
        body: (keyed) => refundNoticeBody(keyed, order, r),
        deliveryId: refundNoticeIdFor(r.refundId),
        attempt,
        noun: 'notice',
      });
      const fields = { ...refundFields(r), attempt };
      // Retried while the database refuses it: once the developer has answered, a failed attempt
      // would notify again (activities/record-sent-notice.ts).
      const record = { refundId, attempt, url: recordedUrl(url), ok, httpStatus, error, durationMs };
      const row = await recordSentNotice(() => finishRefundNotifyAttempt(db, record), {
        startedAt,
        ...loggedTries(logger, { ...fields, ok }, 'the refund notice attempt', 'the next attempt notifies again'),
      });
      metrics.deliveryAttempts.inc({ outcome: ok ? 'refund_notified' : 'refund_notice_failed' });
      const health = await recovery
        .onAttempt({ appId: r.appId, env: r.env as 0 | 1 }, { ok, attempt })
        .catch((err: Error): { failingForMs?: number } => {
          logger.warn({ ...fields, error: err.message }, "could not record the delivery endpoint's health");
          return {};
        });
      if (!ok) {
        logger.warn({ ...fields, error }, 'refund notice attempt failed; will retry');
        const details: DeliveryFailureDetails = { endpointFailingForMs: health.failingForMs ?? 0 };
        throw ApplicationFailure.create({
          type: Failures.RefundNoticeFailed,
          message: error ?? 'refund notice failed',
          details: [details],
        });
      }
      logger.info(fields, 'refund notified');
      return { notifiedAt: row.notifiedAt!.toISOString(), attempts: row.notifyAttempts };
    },
  };
}
