import { deliveryNoticeBody, deliveryUrlFor, isDeliveryAcknowledged, sampleNotice } from '../../lib/outbound/delivery-notice';
import { payEventSigOf } from '../../lib/domain/signatures';
import type { App } from '../../lib/db/repos/apps';
import type { OrderRow } from '../../lib/db/repos/orders';

const app: App & { appKey: string } = {
  appId: 'app1',
  name: 'g',
  appKey: 'k1',
  deliveryUrl: 'https://dev.example/live',
  deliveryTestUrl: 'https://dev.example/test',
  paymentEnabled: true,
  teamId: null,
  notifyEnabled: true,
};
const order = {
  orderId: 'ord1',
  appId: 'app1',
  openId: 'u1',
  outTradeNo: 'T1',
  productId: 'p1',
  buyQuantity: 2,
  goodsPrice: 500,
  totalAmount: 1000,
  currencyType: 'USD',
  env: 0,
  attach: 'a',
  transactionId: 'txn1',
  paidAmount: 1000,
  paidAt: new Date('2026-11-21T10:00:00.000Z'),
} as OrderRow;

describe('the delivery notification', () => {
  it('is shaped like the SAS push, signed over Event & Payload', () => {
    const body = JSON.parse(deliveryNoticeBody(app, order));
    expect(body.EventType).toBe('event');
    expect(body.Event).toBe('minigame_game_pay_goods_deliver_notify');
    expect(body.PayEventSig).toBe(payEventSigOf('k1', body.Payload));
    expect(JSON.parse(body.Payload)).toEqual({
      OpenId: 'u1',
      OutTradeNo: 'T1',
      OrderId: 'ord1',
      TransactionId: 'txn1',
      Env: 0,
      PaidAt: '2026-11-21T10:00:00.000Z',
      GoodsInfo: { ProductId: 'p1', Quantity: 2, OrigPrice: 1000, ActualPrice: 1000, Attach: 'a' },
    });
  });

  it("the console's test push is the same shape, signed with the given key, for an order id beginning test_", () => {
    const { orderId, body } = sampleNotice('k2', 0, new Date('2026-11-21T10:00:00.000Z'));
    const parsed = JSON.parse(body);
    expect(orderId).toMatch(/^test_[0-9a-f]{16}$/);
    expect(parsed).toMatchObject({ EventType: 'event', Event: 'minigame_game_pay_goods_deliver_notify' });
    expect(parsed.PayEventSig).toBe(payEventSigOf('k2', parsed.Payload));
    expect(JSON.parse(parsed.Payload)).toMatchObject({ OrderId: orderId, OutTradeNo: orderId, Env: 0, PaidAt: '2026-11-21T10:00:00.000Z' });
    expect(Object.keys(JSON.parse(parsed.Payload)).sort()).toEqual(
      Object.keys(JSON.parse(JSON.parse(deliveryNoticeBody(app, order)).Payload)).sort(),
    );
  });

  it('goes to the test URL for env 1 and never falls back to the live URL', () => {
    expect(deliveryUrlFor(app, order)).toBe('https://dev.example/live');
    expect(deliveryUrlFor(app, { ...order, env: 1 })).toBe('https://dev.example/test');
    expect(deliveryUrlFor({ ...app, deliveryTestUrl: null }, { ...order, env: 1 })).toBeNull();
  });

  it.each([
    [200, { returnCode: 0 }, true],
    [200, { returnCode: '0' }, true],
    [204, { ErrCode: 0 }, true],
    [299, { returnCode: 0, returnMessage: 'OK' }, true],
    [200, { returnCode: 1 }, false],
    [200, { ErrCode: '1' }, false],
    [200, {}, false],
    [200, undefined, false],
    [200, 'OK', false],
    [302, { returnCode: 0 }, false],
    [500, { returnCode: 0 }, false],
  ])('HTTP %s with %j acknowledges: %s', (status, json, expected) => {
    expect(isDeliveryAcknowledged(status, json)).toBe(expected);
  });
});
