// A mini game's authenticated payment request (CONTRACT.md 2): answers an identical replay from
// its order, checks the app, item, price and currency, and starts the purchase (or attaches to
// it) until its prepay order exists. The checks run in the order docs/API.md fixes, after the
// caller's signature checks.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { App } from '../lib/db/repos/apps';
import { getOrderAndItem } from '../lib/db/repos/items';
import { sellableVersion } from '../lib/domain/items';
import { getOrderByTradeNo, type OrderRow } from '../lib/db/repos/orders';
import type { PaymentRequest, SignData } from '../lib/domain/schemas';
import { AdmissionRefused } from '../lib/platform/admission-gate';
import { newOrderId } from '../lib/domain/order-id';
import { Failures, type OrderDraft, type PaymentRequestResult } from '../workflows/definitions';
import type { ApplicationDeps } from './deps';
import { updateRefusal } from './purchase-client';
import { PurchaseRefused } from './refusals';

export interface PaymentRequestInput {
  /** The app, already authenticated by paySig (and the user by their signature). */
  app: App;
  request: PaymentRequest;
  /** request.signData, parsed. */
  signData: SignData;
}

/** Answers the payment request, or throws PurchaseRefused (or what PostgreSQL or Temporal threw). */
export async function requestPayment(
  deps: ApplicationDeps,
  { app, request, signData: sd }: PaymentRequestInput,
): Promise<PaymentRequestResult> {
  // The order and the item in one read: the checks below take them in docs/API.md's order.
  const { order: existing, item: stored } = await getOrderAndItem(deps.db, app.appId, sd.outTradeNo, sd.productId);
  // An identical replay answers as the first request did, whatever changed since.
  if (existing && isSameRequest(existing, request) && existing.status !== 'CREATED') return answerFromRow(existing);

  if (!app.paymentEnabled) throw new PurchaseRefused({ reason: 'paymentDisabled' });
  // A purchase whose item could not be notified is refused before the player pays (7.4): the URL
  // of its env first (a sandbox order never falls back to the live URL), then the switch.
  if (!(sd.env === 1 ? app.deliveryTestUrl : app.deliveryUrl)) throw new PurchaseRefused({ reason: 'noDeliveryUrl', env: sd.env });
  if (!app.notifyEnabled) throw new PurchaseRefused({ reason: 'notificationsOff' });
  // Players buy the live version (CONTRACT.md 7.6): a draft being edited or reviewed changes nothing here.
  const item = stored && sellableVersion(stored);
  if (!item) throw new PurchaseRefused({ reason: 'itemNotFound' });
  if (existing && !isSameRequest(existing, request)) throw new PurchaseRefused({ reason: 'outTradeNoConflict' });
  if (sd.goodsPrice !== item.price) {
    throw new PurchaseRefused({ reason: 'priceMismatch', given: sd.goodsPrice, registered: item.price });
  }
  if (sd.currencyType !== item.currencyType) {
    throw new PurchaseRefused({ reason: 'currencyMismatch', given: sd.currencyType, registered: item.currencyType });
  }
  // A CREATED row is a purchase still starting: its orderId is kept.
  return startOrAttach(deps, orderDraft(existing?.orderId ?? newOrderId(), app, request, sd));
}

function orderDraft(orderId: string, app: App, request: PaymentRequest, sd: SignData): OrderDraft {
  return {
    orderId,
    appId: app.appId,
    openId: request.openId,
    outTradeNo: sd.outTradeNo,
    productId: sd.productId,
    buyQuantity: sd.buyQuantity,
    goodsPrice: sd.goodsPrice,
    totalAmount: sd.goodsPrice * sd.buyQuantity,
    currencyType: sd.currencyType,
    platform: sd.platform ?? null,
    env: sd.env,
    attach: sd.attach ?? null,
    signData: request.signData,
    paySig: request.paySig,
    signature: request.signature,
    createdAt: new Date().toISOString(),
  };
}

/**
 * A repeat of the order's own request: the same signData from the same player. signData names no
 * player, so another logged-in player holding someone's signData and paySig would otherwise get
 * their order (and its prepayId) back, or, asking first, own it and its delivery.
 */
function isSameRequest(o: Pick<OrderRow, 'signData' | 'openId'>, r: { signData: string; openId: string }): boolean {
  return o.signData === r.signData && o.openId === r.openId;
}

/** The lasting order row's answer to an identical request: the same as the first one got. */
function answerFromRow(o: OrderRow): PaymentRequestResult {
  if (o.status === 'CLOSED' && o.closeReason === 'prepay_rejected') throw new PurchaseRefused({ reason: 'prepayFailed' });
  return { orderId: o.orderId, outTradeNo: o.outTradeNo, status: o.status, prepayId: o.prepayId };
}

async function startOrAttach({ db, purchases, paymentAdmission }: ApplicationDeps, draft: OrderDraft): Promise<PaymentRequestResult> {
  try {
    // Only the Temporal call is gated: an identical replay answered from its row above costs no
    // wait and is never refused. A refused request started nothing (the workflow writes the row).
    return await paymentAdmission.run(() => purchases.requestPayment(draft));
  } catch (err) {
    if (err instanceof AdmissionRefused) throw new PurchaseRefused({ reason: 'busy' });
    const refusal = updateRefusal(err);
    if (refusal?.type === Failures.OutTradeNoConflict) throw new PurchaseRefused({ reason: 'outTradeNoConflict' });
    if (refusal?.type === Failures.PrepayRejected) throw new PurchaseRefused({ reason: 'prepayFailed', superappError: refusal.message });
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      // The purchase finished between our row check and the start: its row has the answer.
      const row = await getOrderByTradeNo(db, draft.appId, draft.outTradeNo);
      if (row) {
        if (!isSameRequest(row, draft)) throw new PurchaseRefused({ reason: 'outTradeNoConflict' });
        return answerFromRow(row);
      }
    }
    throw err;
  }
}
