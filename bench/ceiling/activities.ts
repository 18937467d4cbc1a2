// The ceiling workflow's activities: the purchase's activity names and signatures, doing no I/O.
// deliverOrder tells the in-process driver that the purchase is complete (a function call).
import type { CloseReason, OrderDraft, OrderStatus } from '../../workflows/definitions';

/** What the purchase hands projectOrder (OrderProjection of lib/db/repos/orders.ts), mirrored. */
interface OrderProjection {
  orderId: string;
  status: OrderStatus;
  prepayId?: string | null;
  transactionId?: string;
  paidAmount?: number;
  paidAt?: string;
  closeReason?: CloseReason;
}

export function createCeilingActivities(onDelivered: (orderId: string) => void) {
  return {
    async saveNewOrder(_order: OrderDraft): Promise<void> {},
    async projectOrder(_p: OrderProjection): Promise<void> {},
    async requestPrepay(order: OrderDraft): Promise<{ prepayId: string }> {
      return { prepayId: `pp_${order.orderId}` };
    },
    async confirmPayment(_c: { orderId: string; transactionId: string }): Promise<void> {},
    async deliverOrder({ orderId }: { orderId: string }): Promise<{ deliveredAt: string; attempts: number }> {
      onDelivered(orderId);
      return { deliveredAt: new Date().toISOString(), attempts: 1 };
    },
  };
}

export type CeilingActivities = ReturnType<typeof createCeilingActivities>;
