// Refund calls of the tests (CONTRACT.md 8): a game backend's signed refund and refund query
// (8.2), and the superapp's refund body (8.1) for an order paid by paidOrder.
import { call, type TestApp } from './minigame';
import type { Vpay } from './vpay';
import { pathSigOf } from '../../lib/domain/signatures';

let seq = 0;
export const newRefundNo = (): string => `R${Date.now()}_${++seq}`;

/** A game backend's signed refund call (8.2). */
export function gameRefund(vpay: Vpay, t: TestApp, body: Record<string, unknown>, appKey = t.appKey) {
  const raw = JSON.stringify({ appId: t.appId, ...body });
  return call(vpay, 'POST', '/v1/minigame/refunds', raw, { 'pay-sig': pathSigOf(appKey, '/v1/minigame/refunds', raw) });
}

/** A game backend's signed refund query (8.2). */
export function queryRefund(vpay: Vpay, t: TestApp, outRefundNo: string, appKey = t.appKey) {
  const raw = JSON.stringify({ appId: t.appId, outRefundNo });
  return call(vpay, 'POST', '/v1/minigame/refunds/query', raw, { 'pay-sig': pathSigOf(appKey, '/v1/minigame/refunds/query', raw) });
}

/** The superapp's refund body (8.1) for an order paid by paidOrder (transactionId txn_<orderId>). */
export const superappRefundBody = (orderId: string, amount: number, over: Record<string, unknown> = {}) => ({
  refundId: `sarf_${Date.now()}_${++seq}`,
  orderId,
  transactionId: `txn_${orderId}`,
  refundAmount: amount,
  currencyType: 'USD',
  reason: 'player asked',
  refundedAt: new Date().toISOString(),
  ...over,
});
