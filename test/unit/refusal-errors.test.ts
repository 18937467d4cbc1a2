// Each audience's answer to the application's refusals: the contract's status, code and message.
import { PaymentRefused, PurchaseRefused, type PaymentRefusal, type PurchaseRefusal } from '../../application/refusals';
import { toMinigameError } from '../../api/minigame/errors';
import { toSuperappError } from '../../api/superapp/errors';

const answer = (e: { httpStatus: number; code: number; message: string }) => [e.httpStatus, e.code, e.message];

describe('toMinigameError', () => {
  it.each<[PurchaseRefusal, number, number, string]>([
    [{ reason: 'paymentDisabled' }, 403, 40301, 'payment is not enabled for this app'],
    [{ reason: 'noDeliveryUrl', env: 0 }, 403, 40301, 'the app has no delivery URL, where its (env 0) items are delivered'],
    [{ reason: 'noDeliveryUrl', env: 1 }, 403, 40301, 'the app has no delivery test URL, where sandbox (env 1) items are delivered'],
    [{ reason: 'notificationsOff' }, 403, 40301, "the app's delivery notifications are turned off"],
    [{ reason: 'itemNotFound' }, 404, 40401, 'the item is not registered or not released'],
    [{ reason: 'outTradeNoConflict' }, 409, 40901, 'outTradeNo was already used with a different signData or by another player'],
    [{ reason: 'priceMismatch', given: 100, registered: 99 }, 422, 42201, 'goodsPrice 100 differs from the registered price 99'],
    [{ reason: 'currencyMismatch', given: 'USD', registered: 'CNY' }, 422, 42202, "currencyType USD differs from the item's CNY"],
    // The superapp's words and address stay in the log and the workflow: the client gets a fixed message.
    [
      { reason: 'prepayFailed', superappError: 'POST http://superapp.internal:8080 failed: connect ECONNREFUSED 10.0.0.5:8080' },
      502,
      50201,
      'the superapp rejected or could not create the prepay order; the order is CLOSED',
    ],
    [{ reason: 'prepayFailed' }, 502, 50201, 'the superapp rejected or could not create the prepay order; the order is CLOSED'],
    [{ reason: 'busy' }, 503, 50303, 'vpay is busy: too many payment requests waiting; retry later'],
  ])('%j answers %i/%i', (refusal, status, code, message) => {
    expect(answer(toMinigameError(new PurchaseRefused(refusal)))).toEqual([status, code, message]);
  });
});

describe('toSuperappError', () => {
  it.each<[PaymentRefusal, number, number]>([
    ['unknownOrder', 404, 40401],
    ['orderClosed', 409, 40902],
    ['alreadyPaid', 409, 40903],
    ['paymentMismatch', 422, 42201],
  ])('%s answers %i/%i', (reason, status, code) => {
    const e = toSuperappError(new PaymentRefused(reason));
    expect([e.httpStatus, e.code]).toEqual([status, code]);
    expect(e.message).not.toBe('');
  });

  it('keeps the messages the superapp has always been given', () => {
    expect(toSuperappError(new PaymentRefused('orderClosed')).message).toBe('the order is CLOSED; refund the payment');
    expect(toSuperappError(new PaymentRefused('paymentMismatch')).message).toBe('paidAmount or currencyType differs from the order');
  });
});
