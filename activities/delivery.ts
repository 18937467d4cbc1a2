// The delivery activity: one signed notification to the game developer's backend per attempt.
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { orderFields } from '../lib/platform/logger';
import { getApp, getOrderWithApp } from '../lib/db/repos/apps';
import {
  beginDeliveryAttempt,
  beginRedeliveryAttempt,
  finishDeliveryAttempt,
  recordRedeliveryAttempt,
  type OrderRow,
} from '../lib/db/repos/orders';
import { deliveryIdFor, deliveryNoticeBody, deliveryUrlFor } from '../lib/outbound/delivery-notice';
import { EndpointShare, endpointOf, endpointShareLimit } from '../lib/outbound/endpoint-share';
import { Failures, type DeliveryFailureDetails } from '../workflows/definitions';
import type { RedeliveryResult } from '../workflows/definitions';
import type { App } from '../lib/db/repos/apps';
import { createDeliveryRecovery, type DeliveryRecovery } from './delivery-recovery';
import { recordedUrl, sendDeveloperNotice, type SentNotice } from './developer-notice';
import { loggedTries, recordSentNotice } from './record-sent-notice';
import type { ActivityDeps } from './deps';

const givesNothingBack = (): void => undefined;

/**
 * An attempt that took this long to reach its POST heartbeats first. With the POST's 10 s
 * deadline that leaves 15 s of the 30 s heartbeat timeout (activityOptions.delivery) unused.
 */
export const HEARTBEAT_BEFORE_POST_AFTER_MS = 5_000;

/**
 * What the workflow gets of a failed attempt. Only a refusal for a busy endpoint (and a timeout,
 * which never passes through here) is the server's to retry (activityOptions.delivery); every other
 * failure reaches the workflow, which paces the next attempt with its own backoff as it always has:
 * one that came after the POST (its record refused, or given up) must not notify again within
 * seconds. So any failure but those two is marked non-retryable. A cancellation stays one; at a
 * worker's shutdown the SDK's core reports it as a WorkerShutdown failure, which the policy lists.
 */
function forTheWorkflow(err: unknown): unknown {
  if (err instanceof CancelledFailure) return err;
  // DeliveryFailed is in the policy's nonRetryableErrorTypes; OrderMissing is non-retryable already.
  if (
    err instanceof ApplicationFailure &&
    (err.nonRetryable || err.type === Failures.EndpointBusy || err.type === Failures.DeliveryFailed)
  ) {
    return err;
  }
  return ApplicationFailure.fromError(err, { nonRetryable: true });
}

/**
 * Whether this attempt was scheduled with the retry policy that retries a refusal. One scheduled
 * before it (maximumAttempts 1: still pending at an upgrade, or scheduled by an older worker during
 * a rolling one) takes no place, as before: a refusal would reach its workflow as a failed attempt.
 */
const retriedByTheServer = (): boolean => Context.current().info.retryPolicy?.maximumAttempts !== 1;

/**
 * `recovery` is shared by the deliveries and the refund notices of one worker (activities/index.ts):
 * they go to the same endpoints, so what one learns of an endpoint's health the other uses.
 * `share` is the worker's: one per process, as its delivery slots and its sockets are.
 */
export function createDeliveryActivities(
  { db, config, post, logger, metrics, wakePurchase, wakeRefund }: ActivityDeps,
  recovery: DeliveryRecovery = createDeliveryRecovery({ db, wake: wakePurchase, wakeRefund, logger, metrics }),
  share: EndpointShare = new EndpointShare(endpointShareLimit(config)),
) {
  /**
   * A place in the order's endpoint's share, taken before the attempt is counted: when every place
   * is taken, the attempt fails with EndpointBusy having counted and sent nothing, and its slot is
   * free at once (the activity's retry policy tries it again, activityOptions.delivery). An order
   * that needs no place (gone, delivered, refunded, no URL) gets one that holds nothing: the
   * attempt answers it without sending. Gives back the app read for it, which the attempt reuses.
   */
  const takePlace = async (orderId: string): Promise<{ giveBack: () => void; app?: App }> => {
    if (!retriedByTheServer()) return { giveBack: givesNothingBack };
    const found = await getOrderWithApp(db, orderId);
    if (!found || found.order.status === 'DELIVERED' || found.order.status === 'REFUNDED') return { giveBack: givesNothingBack };
    const { order, app } = found;
    const url = app && deliveryUrlFor(app, order);
    if (!url) return { giveBack: givesNothingBack, app };
    const endpoint = endpointOf(url);
    const giveBack = share.tryTake(endpoint, orderId);
    if (giveBack) return { giveBack, app };
    metrics.deliveryEndpointBusy.inc();
    // Neither the URL nor the origin: this message is the pending activity's last failure, which
    // the Web UI shows.
    throw ApplicationFailure.create({
      type: Failures.EndpointBusy,
      message: `the developer's endpoint already has ${share.limit} delivery attempts in flight on this worker; tried again when a place should be free`,
      nextRetryDelay: share.retryDelayMs(endpoint, orderId),
    });
  };

  /** The order's notification (CONTRACT.md 4), once, as attempt `attempt`; never throws. */
  const sendNotice = (app: App, order: OrderRow, attempt: number): Promise<SentNotice> =>
    sendDeveloperNotice(post, config.deliveryAllowPrivate, {
      app,
      env: order.env,
      body: (keyed) => deliveryNoticeBody(keyed, order),
      deliveryId: deliveryIdFor(order.orderId),
      attempt,
      noun: 'notification',
    });

  /** The attempt itself, once it holds its place (deliverOrder). */
  const attemptDelivery = async (
    orderId: string,
    startedAt: number,
    readForPlace: App | undefined,
  ): Promise<{ deliveredAt: string; attempts: number; refunded?: boolean }> => {
    const order = await beginDeliveryAttempt(db, orderId);
    if (!order) throw ApplicationFailure.create({ type: Failures.OrderMissing, message: `no order ${orderId}`, nonRetryable: true });
    if (order.status === 'REFUNDED') {
      logger.info(orderFields(order), 'delivery not attempted: the order is refunded');
      return { deliveredAt: order.deliveredAt?.toISOString() ?? '', attempts: order.deliveryAttempts, refunded: true };
    }
    if (order.status === 'DELIVERED' && order.deliveredAt) {
      return { deliveredAt: order.deliveredAt.toISOString(), attempts: order.deliveryAttempts };
    }
    // The app as it was read for the place, a moment ago: a rotated key signs from the next
    // attempt on (CONTRACT.md 7.4). notifyEnabled is deliberately not consulted: turning
    // notifications off refuses new payments, but an order already paid is owed its item
    // (docs/ARCHITECTURE.md, *Turning notifications off*).
    const app = readForPlace ?? (await getApp(db, order.appId));
    if (!app) throw ApplicationFailure.create({ type: Failures.OrderMissing, message: `no app ${order.appId}`, nonRetryable: true });
    const attempt = order.deliveryAttempts;
    const fields = { ...orderFields(order), attempt };
    // The server's heartbeat timeout counts from the attempt's start; the POST takes at most 10 s
    // (its deadline covers the wait for a socket). Only reads slow enough to leave less than that
    // could get this attempt retried, and sent again, while its POST is still under way: then the
    // timeout counts from here. Not on every attempt: a heartbeat is a round trip to the server
    // and a write there, per delivery.
    if (Date.now() - startedAt >= HEARTBEAT_BEFORE_POST_AFTER_MS) Context.current().heartbeat();
    const sent = await sendNotice(app, order, attempt);
    const { ok, error } = sent;
    const row = await recordSentNotice(() => finishDeliveryAttempt(db, { orderId, attempt, ...sent, url: recordedUrl(sent.url) }), {
      startedAt,
      ...loggedTries(logger, { ...fields, ok }, 'the delivery attempt', 'the next attempt notifies again'),
    });
    metrics.deliveryAttempts.inc({ outcome: ok ? 'delivered' : 'failed' });
    // The outcome is already recorded: bookkeeping for the endpoint's health must not undo it.
    const health = await recovery
      .onAttempt({ appId: order.appId, env: order.env }, { ok, attempt })
      .catch((err: Error): { failingForMs?: number } => {
        logger.warn({ ...fields, error: err.message }, "could not record the delivery endpoint's health");
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
    if (row.status === 'REFUNDED') {
      // Begun before a full refund and acknowledged after it: the delivery is recorded, but the
      // order stays REFUNDED (finishDeliveryAttempt), and the purchase ends REFUNDED with it.
      logger.info(fields, 'order delivered, but it was refunded in full meanwhile');
      return { deliveredAt: row.deliveredAt!.toISOString(), attempts: row.deliveryAttempts, refunded: true };
    }
    logger.info(fields, 'order delivered');
    return { deliveredAt: row.deliveredAt!.toISOString(), attempts: row.deliveryAttempts };
  };

  return {
    /**
     * One delivery attempt (CONTRACT.md 4). Every attempt is counted before it is sent and
     * recorded after; a success marks the row DELIVERED in the same transaction, and an attempt
     * that finds the row DELIVERED (the previous one succeeded but its worker died before
     * reporting) sends nothing. The record of a sent attempt is retried while the database
     * refuses it (activities/record-sent-notice.ts): the attempt must not fail, and be repeated,
     * once the developer has answered. One that finds it REFUNDED (refunded in full, CONTRACT.md 8.3)
     * starts no attempt and answers `refunded`: the purchase stops. One begun before a full refund
     * that succeeds after it answers `refunded` too (with its deliveredAt): the row stays REFUNDED,
     * and so does the purchase. An attempt first takes a place in its endpoint's share of the
     * worker's delivery slots (takePlace): with none free it fails with EndpointBusy, uncounted.
     */
    async deliverOrder({ orderId }: { orderId: string }): Promise<{ deliveredAt: string; attempts: number; refunded?: boolean }> {
      const startedAt = Date.now();
      try {
        const place = await takePlace(orderId);
        try {
          return await attemptDelivery(orderId, startedAt, place.app);
        } finally {
          place.giveBack();
        }
      } catch (err) {
        throw forTheWorkflow(err);
      }
    },

    /**
     * Sends a DELIVERED order's notification once more (CONTRACT.md 7.7, the redeliver workflow):
     * the same X-Vpay-Delivery-Id, the next X-Vpay-Attempt, counted before it is sent and
     * recorded among the order's attempts after. Whatever the developer answers is the outcome:
     * a failed redelivery is recorded, not retried (the order was delivered; someone asked for
     * one more try). Only a failure to reach the database throws, and is retried; once sent, its
     * record is retried first (activities/record-sent-notice.ts).
     */
    async redeliverOrder({ orderId }: { orderId: string }): Promise<RedeliveryResult> {
      const startedAt = Date.now();
      const order = await beginRedeliveryAttempt(db, orderId);
      if (!order) return { sent: false, reason: 'the order is not DELIVERED' };
      const app = await getApp(db, order.appId);
      if (!app) throw ApplicationFailure.create({ type: Failures.OrderMissing, message: `no app ${order.appId}`, nonRetryable: true });
      const attempt = order.deliveryAttempts;
      const sent = await sendNotice(app, order, attempt);
      const fields = { ...orderFields(order), attempt, ok: sent.ok, httpStatus: sent.httpStatus, error: sent.error };
      await recordSentNotice(() => recordRedeliveryAttempt(db, { orderId, attempt, ...sent, url: recordedUrl(sent.url) }), {
        startedAt,
        ...loggedTries(logger, fields, 'the redelivery', 'a retry sends it again'),
      });
      metrics.deliveryAttempts.inc({ outcome: sent.ok ? 'redelivered' : 'redelivery_failed' });
      logger.info(fields, sent.ok ? 'order redelivered' : 'redelivery not acknowledged');
      return { sent: true, attempt, ok: sent.ok, httpStatus: sent.httpStatus, error: sent.error };
    },
  };
}
