// The Express app: raw bodies capped at 64 KiB, the routes, and one error writer so that every
// failure leaves as the contract's error body with a clear status, never a bare 500 page.
import express, { type ErrorRequestHandler } from 'express';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { ApiDeps } from './deps';
import { ApiError, ErrCodes } from './http/errors';
import { paymentsRouter } from './minigame/payments';
import { paymentCallbackRouter } from './superapp/payment-callback';
import { orderQueryRouter } from './minigame/order-query';
import { adminRouter } from './admin/routes';
import { sandboxRouter } from './sandbox/routes';
import { healthRouter } from './health';

export const MAX_BODY = '64kb';

export function createExpressApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Signatures are over the exact bytes received, so keep them raw; routes parse the JSON.
  app.use(express.raw({ type: () => true, limit: MAX_BODY }));

  app.use(healthRouter(deps));
  app.use(paymentsRouter(deps));
  app.use(paymentCallbackRouter(deps));
  app.use(orderQueryRouter(deps));
  app.use(adminRouter(deps));
  if (deps.config.sandboxEnabled) app.use(sandboxRouter(deps));

  app.use((req, _res, next) => next(new ApiError(404, ErrCodes.routeNotFound, `no route ${req.method} ${req.path}`)));
  app.use(errorWriter(deps));
  return app;
}

/** Maps an error to the contract's status and code; unexpected ones are logged, not leaked. */
function classify(err: any): ApiError {
  if (err instanceof ApiError) return err;
  if (err?.type === 'entity.too.large') return new ApiError(413, ErrCodes.bodyTooLarge, 'request body is over 64 KiB');
  if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
    return new ApiError(415, ErrCodes.unsupportedEncoding, 'unsupported content encoding');
  }
  if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
    return new ApiError(err.status, ErrCodes.malformed, 'malformed request');
  }
  if (['22021', '22P05', '22008', '22007', '22P02', '54000'].includes(err?.code)) {
    // PostgreSQL refused a value the schemas let through (a safety net: they should not).
    return new ApiError(400, ErrCodes.malformed, 'a value in the request cannot be stored');
  }
  if (isDatabaseDown(err)) return new ApiError(503, ErrCodes.databaseUnavailable, 'the database is unavailable; retry later');
  if (err instanceof ServiceError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || err?.name === 'TransportError') {
    return new ApiError(503, ErrCodes.temporalUnavailable, 'the workflow service is unavailable; retry later');
  }
  return new ApiError(500, ErrCodes.internal, 'internal error');
}

function isDatabaseDown(err: any): boolean {
  return (
    err?.name === 'KnexTimeoutError' ||
    ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', '57P01', '57P03', '08006', '08001'].includes(err?.code) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(err?.message ?? '')
  );
}

function errorWriter({ logger }: ApiDeps): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = classify(err);
    if (e.httpStatus >= 500) logger.error({ err, path: req.path }, 'request failed');
    if (res.headersSent) return;
    // The superapp's routes speak returnCode/returnMessage (CONTRACT.md 0).
    if (req.path.startsWith('/v1/superapp/') || req.path.startsWith('/sandbox/minigame/')) {
      res.status(e.httpStatus).json({ returnCode: e.errCode, returnMessage: e.message });
    } else {
      res.status(e.httpStatus).json({ errCode: e.errCode, errMsg: e.message });
    }
  };
}
