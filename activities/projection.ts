// Activities that write the order row, the Postgres projection of the purchase workflow's state.
import { ApplicationFailure } from '@temporalio/activity';
import { orderFields } from '../lib/platform/logger';
import { insertNewOrder, projectOrder, type OrderProjection, type ProjectedOrder } from '../lib/db/repos/orders';
import type { OrderStatus } from '../lib/domain/order';
import { Failures, type OrderDraft } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

export function createProjectionActivities({ db, logger }: ActivityDeps) {
  return {
    /**
     * Writes the CREATED row; the unique (appId, outTradeNo) is the lasting idempotency guard.
     * Returns the prepayId the order's row already holds: one there means a run of the payment
     * request's steps lost after its PREPAID row (docs/ARCHITECTURE.md), whose prepayId the mini
     * game may hold, so the workflow answers it rather than asking the superapp again.
     */
    async saveNewOrder(order: OrderDraft): Promise<{ prepayId: string | null }> {
      const { owner, prepayId } = await insertNewOrder(db, order);
      if (owner !== order.orderId) {
        throw ApplicationFailure.create({
          type: Failures.OutTradeNoConflict,
          message: `outTradeNo already belongs to order ${owner}`,
          nonRetryable: true,
        });
      }
      if (prepayId !== null) {
        logger.info({ ...orderFields(order), prepayId }, 'order row already holds a prepayId from a lost run; reused');
        return { prepayId };
      }
      logger.info({ ...orderFields(order), status: 'CREATED' }, 'order created');
      return { prepayId: null };
    },

    /**
     * Writes the transition; returns what the row holds after it (undefined status: no row). A
     * PREPAID write keeps a prepayId already stored (a stalled older run's, written after this
     * run's saveNewOrder read the row), a PAID write a payment already stored (one a lost local
     * attempt wrote), and a CLOSED write leaves a paid row paid: the workflow then adopts the row's.
     */
    async projectOrder(
      p: OrderProjection,
    ): Promise<{ prepayId: string | null; status?: OrderStatus; payment?: ProjectedOrder['payment'] }> {
      const written = await projectOrder(db, p);
      if (!written) return { prepayId: null };
      return { prepayId: written.prepayId, status: written.status, payment: written.payment };
    },
  };
}
