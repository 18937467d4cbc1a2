// The order records (CONTRACT.md 7.7) as the OpenAPI document describes them: the queries are the
// schemas ./routes.ts parses with.
import { z } from 'zod';
import { err, int, isoTime, nextCursor, ok } from '../../openapi/route-doc';
import { ConsoleCodes as C } from '../errors';
import { appNotFound, consoleGroup, needs } from '../openapi-support';
import { AppPath } from '../validators';
import { CrossAppOrderListQuery, OrderExportQuery, OrderListQuery } from './validators';
import { RefundViewDoc } from '../../minigame/openapi';

const OrderPath = AppPath.extend({ orderId: z.string().min(1).max(64) });
const orderNotFound = err(404, C.notFound, 'unknown order, or an order of another app');
const badRange = err(400, C.badDateRange, 'from/to invalid, reversed, or reaching past what is kept');

/** Section 5's order fields, plus what the console adds. */
const Order = z.looseObject({
  orderId: z.string(),
  appId: z.string(),
  openId: z.string(),
  outTradeNo: z.string(),
  productId: z.string(),
  buyQuantity: int,
  goodsPrice: int,
  totalAmount: int,
  currencyType: z.string(),
  env: int,
  status: z.string(),
  prepayId: z.string().nullable(),
  transactionId: z.string().nullable(),
  createdAt: isoTime,
  paidAt: isoTime.nullable(),
  deliveredAt: isoTime.nullable(),
  deliveryAttempts: int,
  refundedAmount: int,
});

const OrderPage = ok({ orders: z.array(Order), nextCursor, from: isoTime, to: isoTime });

const Attempt = z.looseObject({
  attempt: int,
  at: isoTime,
  url: z.string(),
  ok: z.boolean(),
  httpStatus: int.nullable(),
  error: z.string().nullable(),
  durationMs: int.nullable(),
});

const exportContent = {
  'text/csv': { schema: { type: 'string' as const, description: 'one row per order, with a header row (UTF-8)' } },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    schema: {
      type: 'string' as const,
      contentMediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      description: 'one row per order, with a header row',
    },
  },
};

export const orderRoutes = consoleGroup(
  'Console: order records',
  'CONTRACT.md 7.7. Lists bound createdAt by from/to (to defaults to now, from to 7 days before it), newest first.',
  [
    {
      method: 'get',
      path: '/orders',
      summary: 'Orders across apps',
      description: "Platform roles: every app's; team roles: their team's apps'. `appId` narrows it to one app.",
      query: CrossAppOrderListQuery,
      success: { status: 200, description: 'a page of orders and the effective range', schema: OrderPage },
      errors: [needs('orders.view'), appNotFound, badRange],
    },
    {
      method: 'get',
      path: '/apps/{appId}/orders',
      summary: "An app's orders",
      params: AppPath,
      query: OrderListQuery,
      success: { status: 200, description: 'a page of orders and the effective range', schema: OrderPage },
      errors: [appNotFound, needs('orders.view'), badRange],
    },
    {
      method: 'get',
      path: '/apps/{appId}/orders/export',
      summary: "Export an app's orders",
      description: 'The list filters; streamed from a database cursor, in bounded memory, whatever the number of orders.',
      params: AppPath,
      query: OrderExportQuery,
      success: { status: 200, description: 'the file, as an attachment', content: exportContent },
      errors: [appNotFound, needs('orders.view'), badRange],
    },
    {
      method: 'get',
      path: '/apps/{appId}/orders/{orderId}',
      summary: 'An order with its delivery attempts',
      params: OrderPath,
      success: {
        status: 200,
        description: 'the order, every delivery attempt, its refunds and the link to its purchase in the Temporal Web UI',
        schema: ok({
          order: Order,
          deliveryAttempts: z.array(Attempt),
          refunds: z.array(RefundViewDoc),
          workflowUrl: z.string().nullable(),
        }),
      },
      errors: [appNotFound, needs('orders.view'), orderNotFound],
    },
    {
      method: 'post',
      path: '/apps/{appId}/orders/{orderId}/redeliver',
      summary: 'Deliver an order now, or once more',
      description:
        'PAID: its delivery is tried now. DELIVERED: its notification is sent once more (the same X-Vpay-Delivery-Id, the next X-Vpay-Attempt).',
      params: OrderPath,
      success: { status: 202, description: 'accepted', schema: ok() },
      errors: [appNotFound, needs('orders.redeliver'), orderNotFound, err(409, C.wrongState, 'the order is neither PAID nor DELIVERED')],
    },
  ],
);
