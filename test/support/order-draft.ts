// An order as the API drafts it for a payment request (application/request-payment.ts), for tests
// that write order rows themselves: 1 × gem_10 at 300 USD, its trade number fresh.
import { randomUUID } from 'node:crypto';
import type { OrderDraft } from '../../workflows/definitions';

export function orderDraft(appId: string, env: 0 | 1 = 0): OrderDraft {
  const outTradeNo = `T-${randomUUID()}`;
  return {
    orderId: `ord_${randomUUID()}`,
    appId,
    openId: 'user1',
    outTradeNo,
    productId: 'gem_10',
    buyQuantity: 1,
    goodsPrice: 300,
    totalAmount: 300,
    currencyType: 'USD',
    platform: null,
    env,
    attach: null,
    signData: JSON.stringify({ outTradeNo }),
    paySig: 'pay-sig',
    signature: 'sig',
    createdAt: new Date().toISOString(),
  };
}
