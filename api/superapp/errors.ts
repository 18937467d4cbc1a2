// The superapp audience's codes (CONTRACT.md 3.2), answered as {returnCode, returnMessage}.
import { ApiError, CommonCodes } from '../http/api-error';
import type { PaymentRefused } from '../../application/refusals';

export const SuperappCodes = {
  ...CommonCodes,
  badSignature: 40101,
  unknownOrder: 40401,
  orderClosed: 40902,
  alreadyPaid: 40903,
  paymentMismatch: 42201,
} as const;

export const superappErrors = {
  malformed: (msg: string) => new ApiError(400, SuperappCodes.malformed, msg),
  badSignature: () => new ApiError(401, SuperappCodes.badSignature, 'bad signature or stale timestamp'),
  unknownOrder: () => new ApiError(404, SuperappCodes.unknownOrder, 'unknown order'),
  orderClosed: () => new ApiError(409, SuperappCodes.orderClosed, 'the order is CLOSED; refund the payment'),
  alreadyPaid: () => new ApiError(409, SuperappCodes.alreadyPaid, 'the order was already paid by another transaction; refund this payment'),
  paymentMismatch: () => new ApiError(422, SuperappCodes.paymentMismatch, 'paidAmount or currencyType differs from the order'),
};

/** The superapp's answer to a refused payment callback (application/record-payment.ts). */
export const toSuperappError = ({ reason }: PaymentRefused): ApiError => superappErrors[reason]();
