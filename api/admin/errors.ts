// The platform admin audience's codes (CONTRACT.md 6), answered as {errCode, errMsg}.
import { ApiError, CommonCodes } from '../http/api-error';

export const AdminCodes = {
  ...CommonCodes,
  unauthorized: 40100,
  appNotFound: 40403,
} as const;

export const adminErrors = {
  malformed: (msg: string) => new ApiError(400, AdminCodes.malformed, msg),
  unauthorized: () => new ApiError(401, AdminCodes.unauthorized, 'missing or wrong admin token'),
  appNotFound: () => new ApiError(404, AdminCodes.appNotFound, 'unknown app'),
};
