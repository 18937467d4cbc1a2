// An error a handler throws to answer with a contract status and code. Each audience
// (mini game, superapp, admin, sandbox; the console later) names its codes in its own table
// (`errors.ts` beside its routes), because one number can mean different things to two
// audiences (40401: "item not found" to a mini game, "unknown order" to a superapp).
export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    /** Extra fields of the error body (e.g. an import's bad cells), after errCode and errMsg. */
    readonly details?: Record<string, unknown>,
    /** Response headers sent with the error (e.g. Retry-After on a 503). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** Codes every route may answer (CONTRACT.md 0); each audience's table includes them. */
export const CommonCodes = {
  malformed: 40001,
  routeNotFound: 40404,
  requestTimeout: 40801,
  bodyTooLarge: 41301,
  unsupportedEncoding: 41501,
  headTooLarge: 43101,
  internal: 50001,
  databaseUnavailable: 50301,
  temporalUnavailable: 50302,
} as const;

export const badRequest = (msg: string) => new ApiError(400, CommonCodes.malformed, msg);
