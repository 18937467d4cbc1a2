// Activities that call the superapp backend: the prepay order and the payment confirmation.
import { ApplicationFailure } from '@temporalio/activity';
import { orderFields } from '../lib/platform/logger';
import { postToSuperapp, returnCodeIsZero } from '../lib/outbound/superapp-client';
import { isStorableText, toStorableText } from '../lib/domain/schemas';
import { Failures, type OrderDraft } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

/** The mini game waits on the prepay: a superapp slower than this counts as down. */
const PREPAY_TIMEOUT_MS = 5_000;
/** orders.prepay_id is varchar(128). */
const PREPAY_ID_MAX = 128;

/**
 * A prepayId vpay can store and hand to the mini game exactly as the superapp gave it. Anything
 * else is refused rather than repaired: a repaired identifier would name another order.
 */
const isUsablePrepayId = (id: unknown): id is string =>
  typeof id === 'string' && id.length >= 1 && id.length <= PREPAY_ID_MAX && isStorableText(id);

export function createSuperappActivities({ config, post, logger }: ActivityDeps) {
  return {
    /**
     * CONTRACT.md 3.1. A rejection is final; network errors and 5xx are retried (briefly).
     * It never touches PostgreSQL: its retries are few, and a database blip must not close the
     * order. A prepayId already in the row (a lost run's) is found by saveNewOrder, whose retries
     * are unbounded, and the workflow then does not call this step (docs/API.md).
     */
    async requestPrepay(order: OrderDraft): Promise<{ prepayId: string }> {
      const fields = orderFields(order);
      let reply;
      try {
        reply = await postToSuperapp(
          config,
          post,
          '/minigame/prepay-orders',
          {
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
          },
          PREPAY_TIMEOUT_MS,
        );
      } catch (err) {
        logger.warn({ ...fields, error: (err as Error).message }, 'prepay request failed; will retry');
        throw err;
      }
      const json = reply.json as Record<string, unknown> | undefined;
      if (reply.status >= 500) {
        throw ApplicationFailure.create({ type: Failures.SuperappUnavailable, message: `superapp answered HTTP ${reply.status}` });
      }
      const accepted = reply.status === 200 && returnCodeIsZero(json);
      if (accepted && isUsablePrepayId(json?.prepayId)) {
        logger.info({ ...fields, prepayId: json.prepayId }, 'prepay order created');
        return { prepayId: json.prepayId };
      }
      // The superapp's words go into the workflow's history and the mini game's errMsg: only as
      // well-formed text without NUL, and bounded.
      const why = accepted
        ? `superapp answered returnCode 0 without a usable prepayId (1 to ${PREPAY_ID_MAX} characters of well-formed text without NUL)`
        : `superapp rejected the prepay order: HTTP ${reply.status}, returnCode ${toStorableText(String(JSON.stringify(json?.returnCode)), 64)}${
            typeof json?.returnMessage === 'string' ? ` (${toStorableText(json.returnMessage, 200)})` : ''
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
  };
}
