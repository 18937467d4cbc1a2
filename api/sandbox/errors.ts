// The built-in sandbox superapp's codes. Its /minigame routes answer vpay as a superapp would
// ({returnCode, returnMessage}); /orders/{orderId}/pay answers an operator ({errCode, errMsg}).
import { ApiError, CommonCodes } from '../http/api-error';

export const SandboxCodes = {
  ...CommonCodes,
  unauthorized: 40100,
  badSignature: 40101,
  orderNotFound: 40402,
  callbackRefused: 50201,
} as const;

export const sandboxErrors = {
  malformed: (msg: string) => new ApiError(400, SandboxCodes.malformed, msg),
  badSignature: () => new ApiError(401, SandboxCodes.badSignature, 'bad signature or stale timestamp'),
  orderNotFound: () => new ApiError(404, SandboxCodes.orderNotFound, 'unknown order'),
};
