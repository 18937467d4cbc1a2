// The console audience's codes (CONTRACT.md 7.8), answered as {errCode, errMsg}.
import { ApiError, CommonCodes } from '../http/api-error';
import type { ConsoleRefusal, ConsoleRefused } from '../../application/console/refusals';
import type { RefundRefused } from '../../application/refusals';

export const ConsoleCodes = {
  ...CommonCodes,
  badDateRange: 40003,
  unauthorized: 40100,
  forbidden: 40302,
  appNotFound: 40403,
  notFound: 40405,
  wrongState: 40906,
  productIdExists: 40907,
  /** A refund asked in the console (CONTRACT.md 8.2): checks and codes as in 8.1. */
  refundConflict: 40904,
  orderNotPaid: 40905,
  amountNotRefundable: 42203,
} as const;

const STATUS: Record<ConsoleRefusal, [number, number]> = {
  invalid: [400, ConsoleCodes.malformed],
  badDateRange: [400, ConsoleCodes.badDateRange],
  forbidden: [403, ConsoleCodes.forbidden],
  appNotFound: [404, ConsoleCodes.appNotFound],
  notFound: [404, ConsoleCodes.notFound],
  wrongState: [409, ConsoleCodes.wrongState],
  productIdExists: [409, ConsoleCodes.productIdExists],
};

export const toConsoleError = (r: ConsoleRefused): ApiError => {
  const [status, code] = STATUS[r.reason];
  return new ApiError(status, code, r.message, r.details);
};

export const consoleErrors = {
  unauthorized: () => new ApiError(401, ConsoleCodes.unauthorized, 'missing, unknown or revoked console token'),
  forbidden: (capability: string) => new ApiError(403, ConsoleCodes.forbidden, `your role may not ${capability}`),
  appNotFound: () => new ApiError(404, ConsoleCodes.appNotFound, 'unknown app'),
};

/**
 * The console's answers to a refused refund (CONTRACT.md 8.2, "checks and codes as in 8.1"). The
 * console names neither transaction nor currency (the order's own are used), so those two refusals
 * cannot happen; they answer as the amount would.
 */
export function toConsoleRefundError({ reason }: RefundRefused): ApiError {
  switch (reason) {
    case 'unknownOrder':
    case 'unknownRefund':
      return new ApiError(404, ConsoleCodes.notFound, 'unknown order');
    case 'refundConflict':
      return new ApiError(409, ConsoleCodes.refundConflict, 'outRefundNo was already used with other fields');
    case 'orderNotPaid':
      return new ApiError(409, ConsoleCodes.orderNotPaid, 'the order is not paid');
    default:
      return new ApiError(422, ConsoleCodes.amountNotRefundable, 'refundAmount is not positive or exceeds what is left to refund');
  }
}
