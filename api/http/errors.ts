// The contract's error bodies: {errCode, errMsg} for mini game, developer and admin routes;
// {returnCode, returnMessage} for the routes the superapp calls. Handlers throw these and one
// middleware writes them, so no error can leave as a bare 500 page.
export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (msg: string) => new ApiError(400, 40001, msg);

export const ErrCodes = {
  malformed: 40001,
  unauthorizedAdmin: 40100,
  badSignature: 40101,
  badUserSignature: 40102,
  paymentDisabled: 40301,
  itemNotFound: 40401,
  orderNotFound: 40402,
  appNotFound: 40403,
  routeNotFound: 40404,
  outTradeNoConflict: 40901,
  orderClosed: 40902,
  alreadyPaid: 40903,
  priceMismatch: 42201,
  currencyMismatch: 42202,
  bodyTooLarge: 41301,
  unsupportedEncoding: 41501,
  internal: 50001,
  prepayFailed: 50201,
  databaseUnavailable: 50301,
  temporalUnavailable: 50302,
} as const;
