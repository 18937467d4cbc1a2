import { refundNoticeBody, refundNoticeIdFor } from '../../lib/outbound/refund-notice';
import { deliveryIdFor } from '../../lib/outbound/delivery-notice';
import { hmacHex, payEventSigOf } from '../../lib/domain/signatures';
import type { App } from '../../lib/db/repos/apps';
import type { OrderRow } from '../../lib/db/repos/orders';
import type { RefundRow } from '../../lib/db/repos/refunds';

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
  productId: 'p1',
  buyQuantity: 2,
  totalAmount: 1000,
  paidAmount: 1000,
  attach: null,
} as OrderRow;
const refund = {
  refundId: 'rfd_1',
  source: 'game',
  appId: 'app1',
  orderId: 'ord1',
  outTradeNo: 'T1',
  outRefundNo: 'R1',
  openId: 'u1',
  transactionId: 'txn1',
  refundAmount: 300,
  currencyType: 'USD',
  reason: 'bug',
  status: 'SUCCEEDED',
  env: 1,
  refundedAt: new Date('2026-11-21T10:00:00.000Z'),
} as RefundRow;

describe('the refund notice (CONTRACT.md 8.3)', () => {
  it('is shaped like the delivery notice, with its own Event, signed over Event & Payload', () => {
    const body = JSON.parse(refundNoticeBody(app, order, refund));
    expect(Object.keys(body)).toEqual(['EventType', 'Event', 'Payload', 'PayEventSig']);
    expect(body.EventType).toBe('event');
    expect(body.Event).toBe('minigame_game_pay_refund_notify');
    // The fixed formula, spelled out: hex(HMAC(appKey, Event + "&" + Payload)).
    expect(body.PayEventSig).toBe(hmacHex('k1', `minigame_game_pay_refund_notify&${body.Payload}`));
    expect(body.PayEventSig).toBe(payEventSigOf('k1', body.Payload, 'minigame_game_pay_refund_notify'));
    expect(body.PayEventSig).not.toBe(payEventSigOf('k1', body.Payload));
  });
  it('carries exactly the Payload fields 8.3 lists', () => {
    const payload = JSON.parse(JSON.parse(refundNoticeBody(app, order, refund)).Payload);
    expect(payload).toEqual({
      OpenId: 'u1',
      OutTradeNo: 'T1',
      OrderId: 'ord1',
      TransactionId: 'txn1',
      RefundId: 'rfd_1',
      OutRefundNo: 'R1',
      RefundAmount: 300,
      RefundedAt: '2026-11-21T10:00:00.000Z',
      Reason: 'bug',
      Env: 1,
      GoodsInfo: { ProductId: 'p1', Quantity: 2, OrigPrice: 1000, ActualPrice: 1000, Attach: '' },
    });
  });
  it('says OutRefundNo "" for a refund the superapp made', () => {
    const payload = JSON.parse(JSON.parse(refundNoticeBody(app, order, { ...refund, source: 'superapp', outRefundNo: null })).Payload);
    expect(payload.OutRefundNo).toBe('');
  });
  it("has an X-Vpay-Delivery-Id stable per refund and never an order's", () => {
    expect(refundNoticeIdFor('rfd_1')).toBe(refundNoticeIdFor('rfd_1'));
    expect(refundNoticeIdFor('rfd_1')).not.toBe(refundNoticeIdFor('rfd_2'));
    expect(refundNoticeIdFor('ord1')).not.toBe(deliveryIdFor('ord1'));
  });
});
