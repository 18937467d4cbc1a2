// Order records in the console (CONTRACT.md 7.7): the lists (one app's, or across the apps the
// caller sees), an order with its delivery attempts and its link in the Temporal Web UI, the
// export's rows, and the redelivery of an order's notification. The routes (api/console/orders)
// have already checked the app's visibility and the role's permission.
import type { Client } from '@temporalio/client';
import type { Db } from '../../lib/db/db';
import type { Config } from '../../lib/platform/config';
import type { App } from '../../lib/db/repos/apps';
import { getApp } from '../../lib/db/repos/apps';
import { recordAudit } from '../../lib/db/repos/audit-log';
import { decodeCursor, encodeCursor } from '../../lib/db/paging';
import { orderView, type OrderRow } from '../../lib/db/repos/orders';
import { listOrderRefunds, refundView, type RefundView } from '../../lib/db/repos/refunds';
import {
  getAppOrder,
  listDeliveryAttempts,
  listOrderRecords,
  streamOrderRecords,
  type OrderFilter,
  type OrderKey,
  type OrderScope,
} from '../../lib/db/repos/order-records';
import { resolveDateRange } from '../../lib/domain/date-range';
import type { OrderStatus } from '../../lib/domain/order';
import { isPlatformRole } from '../../lib/domain/console/permissions';
import { canSeeApp, type Principal } from '../../lib/domain/console/principal';
import { isPurchaseGone, purchaseWorkflowUrl, retryDeliveryNow, startRedelivery } from '../purchase-client';
import { ConsoleRefused } from './refusals';

export interface OrderRecordsDeps {
  db: Db;
  client: Client;
  config: Pick<
    Config,
    'taskQueue' | 'workflowAnswerTimeoutMs' | 'temporalUiUrl' | 'temporalNamespace' | 'deliveryTaskQueue' | 'separateDeliveryQueue'
  >;
}

/** A list's or an export's query, as the route parsed it (dates still as given). */
export interface OrderQuery {
  from?: string;
  to?: string;
  status?: OrderStatus;
  env?: 0 | 1;
  orderId?: string;
  outTradeNo?: string;
  openId?: string;
  productId?: string;
}

/** An order as the console shows it: section 5's fields plus what refunds took back. */
export const consoleOrderView = (o: OrderRow) => orderView(o);
export type ConsoleOrder = ReturnType<typeof consoleOrderView>;

export interface OrderPage {
  orders: ConsoleOrder[];
  nextCursor: string | null;
  from: string;
  to: string;
}

/**
 * A list's cursor: the last row's place, and the range it was cut from, so that following
 * `nextCursor` alone pages through the same range (`to` would otherwise default to a later now).
 */
interface ListCursor {
  after: OrderKey;
  from?: string;
  to?: string;
}

function readCursor(cursor: string | undefined): ListCursor | undefined {
  if (cursor === undefined) return undefined;
  const [createdAt, orderId, from, to] = decodeCursor(cursor) ?? [];
  const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;
  if (!isText(createdAt) || Number.isNaN(Date.parse(createdAt)) || !isText(orderId) || !isText(from) || !isText(to)) {
    throw new ConsoleRefused('invalid', 'cursor is not one this API gave');
  }
  return { after: { createdAt, orderId }, from, to };
}

/** The range (given, else the cursor's, else the defaults) and the filters of a query. */
function filterOf(q: OrderQuery, cursor?: ListCursor): OrderFilter {
  const range = resolveDateRange({ from: q.from ?? cursor?.from, to: q.to ?? cursor?.to }, new Date());
  if ('refused' in range) throw new ConsoleRefused('badDateRange', range.refused);
  return { ...range, status: q.status, env: q.env, orderId: q.orderId, outTradeNo: q.outTradeNo, openId: q.openId, productId: q.productId };
}

async function pageOf(db: Db, scope: OrderScope, q: OrderQuery & { limit: number; cursor?: string }): Promise<OrderPage> {
  const cursor = readCursor(q.cursor);
  const f = filterOf(q, cursor);
  const rows = await listOrderRecords(db, scope, f, { limit: q.limit + 1, after: cursor?.after });
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  const [from, to] = [f.from.toISOString(), f.to.toISOString()];
  return {
    orders: items.map(consoleOrderView),
    nextCursor: rows.length > q.limit ? encodeCursor([last.key.createdAt, last.key.orderId, from, to]) : null,
    from,
    to,
  };
}

const refuseUnlessVisible = (p: Principal, app: App): void => {
  if (!canSeeApp(p, app)) throw new ConsoleRefused('appNotFound', 'unknown app');
};

/** One app's orders, newest first. */
export async function listAppOrders(
  { db }: Pick<OrderRecordsDeps, 'db'>,
  p: Principal,
  app: App,
  q: OrderQuery & { limit: number; cursor?: string },
): Promise<OrderPage> {
  refuseUnlessVisible(p, app);
  return pageOf(db, { appId: app.appId }, q);
}

/**
 * Orders across the apps the caller sees (GET /v1/console/orders): every app's for the platform
 * roles, the own team's apps' for team roles (as GET /v1/console/apps lists them); `appId` narrows
 * it to one app, 404/40403 when the caller cannot see that app.
 */
export async function listOrdersAcrossApps(
  { db }: Pick<OrderRecordsDeps, 'db'>,
  p: Principal,
  q: OrderQuery & { appId?: string; limit: number; cursor?: string },
): Promise<OrderPage> {
  let scope: OrderScope;
  if (q.appId !== undefined) {
    const app = await getApp(db, q.appId);
    if (!app) throw new ConsoleRefused('appNotFound', 'unknown app');
    refuseUnlessVisible(p, app);
    scope = { appId: app.appId };
  } else if (isPlatformRole(p.role)) {
    scope = 'all';
  } else if (p.teamId !== null) {
    scope = { teamId: p.teamId };
  } else {
    // A team role always has a team; should one not, it sees no app's orders.
    const range = filterOf(q, readCursor(q.cursor));
    return { orders: [], nextCursor: null, from: range.from.toISOString(), to: range.to.toISOString() };
  }
  return pageOf(db, scope, q);
}

export interface OrderDetail {
  order: ConsoleOrder;
  deliveryAttempts: Array<{
    attempt: number;
    at: string;
    url: string;
    ok: boolean;
    httpStatus: number | null;
    error: string | null;
    durationMs: number;
  }>;
  /** The order's refunds (CONTRACT.md 8.2's shape), oldest first. */
  refunds: RefundView[];
  workflowUrl: string | null;
}

async function appOrder(db: Db, app: App, orderId: string): Promise<OrderRow> {
  const order = await getAppOrder(db, app.appId, orderId);
  if (!order) throw new ConsoleRefused('notFound', 'unknown order');
  return order;
}

/** An order of the app with its delivery attempts and its purchase in the Web UI; 404/40405 if none. */
export async function getOrderDetail(
  { db, config }: Pick<OrderRecordsDeps, 'db' | 'config'>,
  p: Principal,
  app: App,
  orderId: string,
): Promise<OrderDetail> {
  refuseUnlessVisible(p, app);
  const order = await appOrder(db, app, orderId);
  const [attempts, refunds] = await Promise.all([listDeliveryAttempts(db, order.orderId), listOrderRefunds(db, order.orderId)]);
  return {
    order: consoleOrderView(order),
    deliveryAttempts: attempts.map((a) => ({ ...a, at: a.at.toISOString() })),
    refunds: refunds.map(refundView),
    workflowUrl: purchaseWorkflowUrl(config, order),
  };
}

/**
 * Exports running at once in this process; more wait for a turn. Each holds one database
 * connection (its cursor) for as long as its client takes to read it: a few slow downloads must
 * not take the pool the purchases need.
 */
export const MAX_CONCURRENT_EXPORTS = 3;
let exportsRunning = 0;
const exportTurns: Array<() => void> = [];

/** Waits for a turn among the process's exports (order and after-sales records alike); answers its release. */
export async function exportTurn(): Promise<() => void> {
  if (exportsRunning >= MAX_CONCURRENT_EXPORTS) await new Promise<void>((resolve) => exportTurns.push(resolve));
  else exportsRunning++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // The turn passes straight to the next waiter, so the count stays as it is.
    const next = exportTurns.shift();
    if (next) next();
    else exportsRunning--;
  };
}

export interface OrderExport {
  from: Date;
  to: Date;
  /** The orders, newest first, a batch at a time; see streamOrderRecords. */
  batches: AsyncGenerator<ConsoleOrder[]>;
}

/**
 * One app's orders for an export, streamed: the range and filters of the list (checked before
 * anything is sent), then the rows a batch at a time. The caller iterates `batches` to the end
 * or breaks out of it, which closes the database cursor.
 */
export function exportAppOrders({ db }: Pick<OrderRecordsDeps, 'db'>, p: Principal, app: App, q: OrderQuery): OrderExport {
  refuseUnlessVisible(p, app);
  const f = filterOf(q);
  async function* batches(): AsyncGenerator<ConsoleOrder[]> {
    const release = await exportTurn();
    try {
      for await (const rows of streamOrderRecords(db, app.appId, f)) yield rows.map(consoleOrderView);
    } finally {
      release();
    }
  }
  return { from: f.from, to: f.to, batches: batches() };
}

/**
 * Redelivers an order's notification (CONTRACT.md 7.7): a PAID order, still waiting for its
 * delivery, is tried now (its purchase's retryDeliveryNow signal cuts the backoff short); a
 * DELIVERED order's notification is sent once more by a redeliver workflow, with the same
 * X-Vpay-Delivery-Id and the next X-Vpay-Attempt. Any other status is 409/40906. Recorded in the
 * audit log in the same transaction, committed only once Temporal has taken the request.
 */
export async function redeliverOrder({ db, client, config }: OrderRecordsDeps, p: Principal, app: App, orderId: string): Promise<void> {
  refuseUnlessVisible(p, app);
  const order = await appOrder(db, app, orderId);
  const keys = { appId: order.appId, outTradeNo: order.outTradeNo };
  if (order.status !== 'PAID' && order.status !== 'DELIVERED') {
    throw new ConsoleRefused('wrongState', `the order is ${order.status}: only a PAID or DELIVERED order's notification can be sent again`);
  }
  await db.transaction(async (trx) => {
    await recordAudit(trx, p, {
      action: 'order.redeliver',
      appId: app.appId,
      teamId: app.teamId,
      target: order.orderId,
      summary:
        order.status === 'PAID'
          ? `delivery of order ${order.orderId} (PAID, ${order.deliveryAttempts} attempts so far) tried now`
          : `notification of order ${order.orderId} (DELIVERED) sent once more`,
    });
    if (order.status === 'DELIVERED') {
      await startRedelivery(client, config, { ...keys, orderId: order.orderId, attemptsSeen: order.deliveryAttempts });
      return;
    }
    try {
      await retryDeliveryNow(client, config, keys);
    } catch (err) {
      if (!isPurchaseGone(err)) throw err;
      // Delivered (and its purchase finished) since the row was read: what was asked is done.
      if ((await getAppOrder(db, app.appId, order.orderId))?.status === 'DELIVERED') return;
      // PAID in the row, yet no purchase runs to deliver it: a lost workflow, which
      // reconciliation (npm run reconcile) reports; nothing here can deliver it.
      throw new ConsoleRefused('wrongState', 'the order is PAID but its purchase workflow no longer runs (see reconciliation)');
    }
  });
}
