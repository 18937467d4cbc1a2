// A refund asked in the console (CONTRACT.md 8.2): the order of the app, then the refund as a game
// backend's would run (../refunds.ts), with the audit log entry (`order.refund`) written by its claim.
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db/db';
import type { Config } from '../../lib/platform/config';
import type { App } from '../../lib/db/repos/apps';
import { getAppOrder } from '../../lib/db/repos/order-records';
import { getRefundByOutRefundNo, type RefundRow } from '../../lib/db/repos/refunds';
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

/** How long a console refund without outRefundNo is taken for a repeat of the same one (see implicitOutRefundNo). */
export const IMPLICIT_REFUND_WINDOW_MS = 60_000;

/**
 * The outRefundNo of a console refund asked without one: derived from the order, the user, the
 * amount, the reason and the minute (IMPLICIT_REFUND_WINDOW_MS) it was asked in, so that a double
 * click, or a retry after a 503, is the same refund (answered from its row, or attached to its
 * running workflow) instead of a second one. `window` 0 is the current window, -1 the previous.
 * `con_` + 40 hex digits: outTradeNo's alphabet, never one a client can mean (clients' are theirs).
 */
export function implicitOutRefundNo(
  k: { orderId: string; userId: string; refundAmount: number; reason: string },
  nowMs: number,
  window: 0 | -1 = 0,
): string {
  const bucket = Math.floor(nowMs / IMPLICIT_REFUND_WINDOW_MS) + window;
  const h = createHash('sha256')
    .update(JSON.stringify([k.orderId, k.userId, k.refundAmount, k.reason, bucket]))
    .digest('hex');
  return `con_${h.slice(0, 40)}`;
}

/**
 * Refunds (part of) an order of the app: answered once the superapp has answered, or PENDING after
 * WORKFLOW_ANSWER_TIMEOUT_MS; RefundRefused as for a game backend (8.1's checks). Without an
 * outRefundNo the same user asking the same amount with the same reason for the same order within
 * about a minute (this window or the previous one) gets the same refund (implicitOutRefundNo).
 */
export async function refundOrder(deps: OrderRefundDeps, p: Principal, app: App, orderId: string, body: ConsoleRefund): Promise<RefundRow> {
  if (!canSeeApp(p, app)) throw new ConsoleRefused('appNotFound', 'unknown app');
  const order = await getAppOrder(deps.db, app.appId, orderId);
  if (!order) throw new RefundRefused('unknownOrder');
  let outRefundNo = body.outRefundNo;
  if (outRefundNo === undefined) {
    const key = { orderId: order.orderId, userId: p.userId, refundAmount: body.refundAmount, reason: body.reason };
    const now = Date.now();
    // A repeat just after the minute turned meets the refund of the previous window.
    const previous = implicitOutRefundNo(key, now, -1);
    outRefundNo = (await getRefundByOutRefundNo(deps.db, app.appId, previous)) ? previous : implicitOutRefundNo(key, now);
  }
  const { refund } = await askRefund({ db: deps.db, refunds: createRefundClient(deps.client, deps.config) }, order, {
    source: 'console',
    outRefundNo,
    refundId: newRefundId(),
    refundAmount: body.refundAmount,
    reason: body.reason,
    // The audit entry is written with the refund, in its claim's transaction (never with a secret
    // in it): a refund recorded after this call ran out of time has it too, and a repeat none.
    audit: { userId: p.userId, role: p.role, teamId: app.teamId ?? p.teamId },
  });
  return refund;
}
