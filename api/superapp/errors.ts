// The superapp audience's codes (CONTRACT.md 3.2), answered as {returnCode, returnMessage}.
import { ApiError, CommonCodes } from '../http/api-error';
import type { PaymentRefused, RefundRefused } from '../../application/refusals';

export const SuperappCodes = {
  ...CommonCodes,
  badSignature: 40101,
  unknownOrder: 40401,
  orderClosed: 40902,
  alreadyPaid: 40903,
  paymentMismatch: 42201,
  refundConflict: 40904,
  orderNotPaid: 40905,
  transactionMismatch: 40903,
  currencyMismatch: 42202,
  amountNotRefundable: 42203,
} as const;

export const superappErrors = {
  malformed: (msg: string) => new ApiError(400, SuperappCodes.malformed, msg),
  badSignature: () => new ApiError(401, SuperappCodes.badSignature, 'bad signature or stale timestamp'),
  unknownOrder: () => new ApiError(404, SuperappCodes.unknownOrder, 'unknown order'),
  orderClosed: () => new ApiError(409, SuperappCodes.orderClosed, 'the order is CLOSED; refund the payment'),
  alreadyPaid: () => new ApiError(409, SuperappCodes.alreadyPaid, 'the order was already paid by another transaction; refund this payment'),
  paymentMismatch: () => new ApiError(422, SuperappCodes.paymentMismatch, 'paidAmount or currencyType differs from the order'),
};

/** The superapp's answers to a refused refund (CONTRACT.md 8.1), by the application's refusal. */
const refundErrors: Record<RefundRefused['reason'], () => ApiError> = {
  unknownOrder: superappErrors.unknownOrder,
  unknownRefund: superappErrors.unknownOrder, // never asked of this audience (no refund query here)
  refundConflict: () => new ApiError(409, SuperappCodes.refundConflict, 'refundId was already used with other fields'),
  orderNotPaid: () => new ApiError(409, SuperappCodes.orderNotPaid, 'the order is not paid'),
  transactionMismatch: () => new ApiError(409, SuperappCodes.transactionMismatch, "transactionId is not the order's payment"),
  currencyMismatch: () => new ApiError(422, SuperappCodes.currencyMismatch, "currencyType differs from the order's"),
  amountNotRefundable: () =>
    new ApiError(422, SuperappCodes.amountNotRefundable, 'refundAmount is not positive or exceeds what is left to refund'),
};

export const toSuperappRefundError = ({ reason }: RefundRefused): ApiError => refundErrors[reason]();

/** The superapp's answer to a refused payment callback (application/record-payment.ts). */
export const toSuperappError = ({ reason }: PaymentRefused): ApiError => superappErrors[reason]();
