// The refund notice vpay POSTs to the game backend (CONTRACT.md 8.3): the delivery notice's shape,
// URL choice by env, signing and success rule (./delivery-notice.ts), with its own Event and Payload.
import type { App } from '../db/repos/apps';
import type { OrderRow } from '../db/repos/orders';
import type { RefundRow } from '../db/repos/refunds';
import { REFUND_EVENT } from '../domain/signatures';
import { signedNotice } from './delivery-notice';

/** The notice's body: Payload exactly as 8.3 lists it, GoodsInfo as the order's delivery has it. */
export function refundNoticeBody(app: App & { appKey: string }, o: OrderRow, r: RefundRow): string {
  return signedNotice(
    app.appKey,
    {
      OpenId: r.openId,
      OutTradeNo: r.outTradeNo,
      OrderId: r.orderId,
      TransactionId: r.transactionId,
      RefundId: r.refundId,
      // "" when the superapp made the refund (8.3).
      OutRefundNo: r.outRefundNo ?? '',
      RefundAmount: r.refundAmount,
      RefundedAt: r.refundedAt ? r.refundedAt.toISOString() : null,
      Reason: r.reason,
      Env: r.env,
      GoodsInfo: {
        ProductId: o.productId,
        Quantity: o.buyQuantity,
        OrigPrice: o.totalAmount,
        ActualPrice: o.paidAmount ?? o.totalAmount,
        Attach: o.attach ?? '',
      },
    },
    REFUND_EVENT,
  );
}

/** The same on every attempt for one refund, and never an order's (`dlv_…`). */
export const refundNoticeIdFor = (refundId: string): string => `rfn_${refundId}`;
