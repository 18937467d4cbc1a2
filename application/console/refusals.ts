// Why a console request was refused, in domain terms; api/console/errors.ts maps each to its code
// (CONTRACT.md 7.8's table).
export type ConsoleRefusal =
  /** 400/40001: a value the schema could not judge alone (e.g. a role without its team). */
  | 'invalid'
  /** 400/40003: a date range that is invalid or reaches past what is kept. */
  | 'badDateRange'
  /** 403/40302: the role lacks the permission, or an mp_admin acts on another team. */
  | 'forbidden'
  /** 404/40403: the app is unknown or not visible to the caller. */
  | 'appNotFound'
  /** 404/40405: an item, order, refund, user, team or request is unknown. */
  | 'notFound'
  /** 409/40906: not allowed in the current state. */
  | 'wrongState'
  /** 409/40907: the productId exists already. */
  | 'productIdExists';

export class ConsoleRefused extends Error {
  constructor(
    readonly reason: ConsoleRefusal,
    message: string,
    /** Extra fields for the error body (e.g. an import's bad cells). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ConsoleRefused';
  }
}
