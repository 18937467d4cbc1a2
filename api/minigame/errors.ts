// The mini game audience's error codes (CONTRACT.md 2 and 5), answered as {errCode, errMsg}.
import { ApiError, CommonCodes } from '../http/api-error';
import type { PurchaseRefused, RefundRefused } from '../../application/refusals';

export const MinigameCodes = {
  ...CommonCodes,
  badSignature: 40101,
  badUserSignature: 40102,
  paymentDisabled: 40301,
  itemNotFound: 40401,
  orderNotFound: 40402,
  outTradeNoConflict: 40901,
  priceMismatch: 42201,
  currencyMismatch: 42202,
  prepayFailed: 50201,
  busy: 50303,
  refundNotFound: 40406,
  refundConflict: 40904,
  orderNotPaid: 40905,
  transactionMismatch: 40903,
  amountNotRefundable: 42203,
} as const;

/**
 * Seconds a refused payment request is told to wait (Retry-After): at capacity a request waits
 * about a quarter of a second, so a slot frees well within one; longer would leave capacity idle.
 */
export const BUSY_RETRY_AFTER_SEC = 1;

export const minigameErrors = {
  malformed: (msg: string) => new ApiError(400, MinigameCodes.malformed, msg),
  badPaySig: () => new ApiError(401, MinigameCodes.badSignature, 'paySig is wrong or the app is unknown'),
  badQuerySig: () => new ApiError(401, MinigameCodes.badSignature, 'Pay-Sig is wrong or the app is unknown'),
  badUserSignature: () => new ApiError(401, MinigameCodes.badUserSignature, 'signature is wrong, or the user has no session key'),
  paymentDisabled: () => new ApiError(403, MinigameCodes.paymentDisabled, 'payment is not enabled for this app'),
  noDeliveryUrl: (env: 0 | 1) =>
    new ApiError(
      403,
      MinigameCodes.paymentDisabled,
      env === 1
        ? 'the app has no delivery test URL, where sandbox (env 1) items are delivered'
        : 'the app has no delivery URL, where its (env 0) items are delivered',
    ),
  notificationsOff: () => new ApiError(403, MinigameCodes.paymentDisabled, "the app's delivery notifications are turned off"),
  itemNotFound: () => new ApiError(404, MinigameCodes.itemNotFound, 'the item is not registered or not released'),
  orderNotFound: () => new ApiError(404, MinigameCodes.orderNotFound, 'no such order for this app'),
  outTradeNoConflict: () =>
    new ApiError(409, MinigameCodes.outTradeNoConflict, 'outTradeNo was already used with a different signData or by another player'),
  priceMismatch: (given: number, registered: number) =>
    new ApiError(422, MinigameCodes.priceMismatch, `goodsPrice ${given} differs from the registered price ${registered}`),
  currencyMismatch: (given: string, registered: string) =>
    new ApiError(422, MinigameCodes.currencyMismatch, `currencyType ${given} differs from the item's ${registered}`),
  prepayFailed: () =>
    new ApiError(502, MinigameCodes.prepayFailed, 'the superapp rejected or could not create the prepay order; the order is CLOSED'),
  busy: () =>
    new ApiError(503, MinigameCodes.busy, 'vpay is busy: too many payment requests waiting; retry later', undefined, {
      'Retry-After': String(BUSY_RETRY_AFTER_SEC),
    }),
};

/** The mini game's answer to a refused payment request (application/request-payment.ts). */
export function toMinigameError({ refusal: r }: PurchaseRefused): ApiError {
  switch (r.reason) {
    case 'paymentDisabled':
      return minigameErrors.paymentDisabled();
    case 'noDeliveryUrl':
      return minigameErrors.noDeliveryUrl(r.env);
    case 'notificationsOff':
      return minigameErrors.notificationsOff();
    case 'itemNotFound':
      return minigameErrors.itemNotFound();
    case 'outTradeNoConflict':
      return minigameErrors.outTradeNoConflict();
    case 'priceMismatch':
      return minigameErrors.priceMismatch(r.given, r.registered);
    case 'currencyMismatch':
      return minigameErrors.currencyMismatch(r.given, r.registered);
    case 'prepayFailed':
      // One fixed message whatever happened: the superapp's reason names its internal address
      // (`POST http://… failed: connect ECONNREFUSED 10.…`) or its own words, which are not the
      // player's business. The reason stays in the log (payments.ts) and the workflow's state.
      return minigameErrors.prepayFailed();
    case 'busy':
      return minigameErrors.busy();
  }
}

/** The mini game's answers to a refused refund or refund query (CONTRACT.md 8.2). */
const refundErrors: Record<RefundRefused['reason'], () => ApiError> = {
  unknownOrder: minigameErrors.orderNotFound,
  unknownRefund: () => new ApiError(404, MinigameCodes.refundNotFound, 'no such refund for this app'),
  refundConflict: () => new ApiError(409, MinigameCodes.refundConflict, 'outRefundNo was already used with other fields'),
  orderNotPaid: () => new ApiError(409, MinigameCodes.orderNotPaid, 'the order is not paid'),
  transactionMismatch: () => new ApiError(409, MinigameCodes.transactionMismatch, "the refund's transaction is not the order's payment"),
  currencyMismatch: () => new ApiError(422, MinigameCodes.currencyMismatch, "the refund's currency differs from the order's"),
  amountNotRefundable: () =>
    new ApiError(422, MinigameCodes.amountNotRefundable, 'refundAmount is not positive or exceeds what is left to refund'),
};

export const toMinigameRefundError = ({ reason }: RefundRefused): ApiError => refundErrors[reason]();
