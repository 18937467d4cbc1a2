// Activities that write the order row, the Postgres projection of the purchase workflow's state.
import { ApplicationFailure } from '@temporalio/activity';
import { orderFields } from '../lib/platform/logger';
import { insertNewOrder, projectOrder, type OrderProjection } from '../lib/db/repos/orders';
import { Failures, type OrderDraft } from '../workflows/definitions';
import type { ActivityDeps } from './deps';

export function createProjectionActivities({ db, logger }: ActivityDeps) {
  return {
    /** Writes the CREATED row; the unique (appId, outTradeNo) is the lasting idempotency guard. */
    async saveNewOrder(order: OrderDraft): Promise<void> {
      const owner = await insertNewOrder(db, order);
      if (owner !== order.orderId) {
        throw ApplicationFailure.create({
          type: Failures.OutTradeNoConflict,
          message: `outTradeNo already belongs to order ${owner}`,
          nonRetryable: true,
        });
      }
      logger.info({ ...orderFields(order), status: 'CREATED' }, 'order created');
    },

    async projectOrder(p: OrderProjection): Promise<void> {
      await projectOrder(db, p);
    },
  };
}
