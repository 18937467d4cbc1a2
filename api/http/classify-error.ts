// Maps anything a handler or middleware threw to the contract's status and code: an ApiError as
// it is; body-parser, PostgreSQL and Temporal failures to the codes every route may answer
// (CONTRACT.md 0); anything else to 500/50001, logged by the writer and never shown.
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { isDatabaseUnavailable } from '../../lib/db/unavailable';
import { ApiError, CommonCodes } from './api-error';

export function classifyError(err: any): ApiError {
  if (err instanceof ApiError) return err;
  if (err?.type === 'entity.too.large') return new ApiError(413, CommonCodes.bodyTooLarge, 'request body is over 64 KiB');
  if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
    return new ApiError(415, CommonCodes.unsupportedEncoding, 'unsupported content encoding');
  }
  if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
    return new ApiError(err.status, CommonCodes.malformed, 'malformed request');
  }
  if (['22021', '22P05', '22008', '22007', '22P02', '54000'].includes(err?.code)) {
    // PostgreSQL refused a value the schemas let through (a safety net: they should not).
    return new ApiError(400, CommonCodes.malformed, 'a value in the request cannot be stored');
  }
  if (isDatabaseUnavailable(err)) return new ApiError(503, CommonCodes.databaseUnavailable, 'the database is unavailable; retry later');
  if (err instanceof ServiceError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || err?.name === 'TransportError') {
    return new ApiError(503, CommonCodes.temporalUnavailable, 'the workflow service is unavailable; retry later');
  }
  return new ApiError(500, CommonCodes.internal, 'internal error');
}
