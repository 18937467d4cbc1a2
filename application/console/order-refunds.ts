// A refund asked in the console (CONTRACT.md 8.2): the order of the app, then the refund as a game
// backend's would run (../refunds.ts), and the audit log entry (`order.refund`) once it is recorded.
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db/db';
import type { Config } from '../../lib/platform/config';
import type { App } from '../../lib/db/repos/apps';
import { recordAudit } from '../../lib/db/repos/audit-log';
import { getAppOrder } from '../../lib/db/repos/order-records';
import type { RefundRow } from '../../lib/db/repos/refunds';
import type { ConsoleRefund } from '../../lib/domain/schemas';
import { canSeeApp, type Principal } from '../../lib/domain/console/principal';
import { askRefund, newRefundId } from '../refunds';
import { createRefundClient, type RefundClientConfig } from '../refund-client';
import { RefundRefused } from '../refusals';
import { ConsoleRefused } from './refusals';

export interface OrderRefundDeps {
  db: Db;
  client: Client;
  config: RefundClientConfig & Pick<Config, 'taskQueue'>;
}

/**
 * Refunds (part of) an order of the app: answered once the superapp has answered, or PENDING after
 * WORKFLOW_ANSWER_TIMEOUT_MS; RefundRefused as for a game backend (8.1's checks). Without an
 * outRefundNo the refund's own refundId stands in for it, so each such request is a new refund.
 */
export async function refundOrder(deps: OrderRefundDeps, p: Principal, app: App, orderId: string, body: ConsoleRefund): Promise<RefundRow> {
  if (!canSeeApp(p, app)) throw new ConsoleRefused('appNotFound', 'unknown app');
  const order = await getAppOrder(deps.db, app.appId, orderId);
  if (!order) throw new RefundRefused('unknownOrder');
  const refundId = newRefundId();
  const { refund, duplicate } = await askRefund({ db: deps.db, refunds: createRefundClient(deps.client, deps.config) }, order, {
    source: 'console',
    outRefundNo: body.outRefundNo ?? refundId,
    refundId,
    refundAmount: body.refundAmount,
    reason: body.reason,
  });
  if (!duplicate) {
    // After the refund is recorded (its workflow owns it from then on), never with a secret in it.
    await recordAudit(deps.db, p, {
      action: 'order.refund',
      appId: app.appId,
      teamId: app.teamId,
      target: order.orderId,
      summary: `refund ${refund.refundId} (outRefundNo ${refund.outRefundNo}) of ${refund.refundAmount} ${refund.currencyType} for order ${order.orderId}: ${refund.status}`,
    });
  }
  return refund;
}
