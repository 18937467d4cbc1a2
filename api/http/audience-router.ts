// A router for one audience of the API, mounted under its own prefix: it keeps bodies raw
// (signatures are over the exact bytes received; routes parse the JSON), answers unknown routes
// under its prefix with 404/40404, and writes every error in its audience's body shape:
// `{errCode, errMsg}`, or `{returnCode, returnMessage}` for what the superapp calls
// (CONTRACT.md 0). The shape is chosen here, by the router, never by looking at the URL.
import express, { Router, type ErrorRequestHandler } from 'express';
import type { Logger } from '../../lib/platform/logger';
import { ApiError, CommonCodes } from './api-error';
import { classifyError } from './classify-error';

export const MAX_BODY = '64kb';

export type ErrorShape = 'errCode' | 'returnCode';

export interface AudienceOptions {
  shape: ErrorShape;
  logger: Logger;
  /** Turns the application's refusals of this audience into its ApiErrors before they are written. */
  mapError?: (err: unknown) => unknown;
  /**
   * Requests whose route reads the body itself, with its own limit (the console's item import
   * takes files up to 5 MiB): the audience's 64 KiB parser leaves them alone.
   */
  ownBody?: (req: express.Request) => boolean;
}

/** Writes `e` in the given shape (also for handlers that answer an error without throwing). */
export function sendError(res: express.Response, shape: ErrorShape, e: ApiError): void {
  if (e.headers) res.set(e.headers);
  if (shape === 'returnCode') res.status(e.httpStatus).json({ returnCode: e.code, returnMessage: e.message });
  else res.status(e.httpStatus).json({ errCode: e.code, errMsg: e.message, ...e.details });
}

export function errorWriter({ shape, logger }: AudienceOptions): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = classifyError(err);
    if (e.httpStatus >= 500) logger.error({ err, path: req.originalUrl.split('?')[0] }, 'request failed');
    if (res.headersSent) return;
    sendError(res, shape, e);
  };
}

/** The raw-body parser every audience uses, capped at 64 KiB (but for the requests `skip` names). */
export const rawBodyParser = (skip?: (req: express.Request) => boolean) =>
  express.raw({ type: skip ? (req) => !skip(req as express.Request) : () => true, limit: MAX_BODY });

/** Builds an audience's router: raw bodies, `routes`, then its 404 and its error writer. */
export function audienceRouter(o: AudienceOptions, routes: (router: Router) => void): Router {
  const router = Router();
  router.use(rawBodyParser(o.ownBody));
  routes(router);
  router.use((req, _res, next) =>
    next(new ApiError(404, CommonCodes.routeNotFound, `no route ${req.method} ${req.originalUrl.split('?')[0]}`)),
  );
  const { mapError } = o;
  if (mapError) router.use(((err, _req, _res, next) => next(mapError(err))) as ErrorRequestHandler);
  router.use(errorWriter(o));
  return router;
}
