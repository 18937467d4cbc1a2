// The mini game audience's routes as the OpenAPI document describes them (api/openapi/route-doc.ts):
// the request schemas are the ones payments.ts and order-query.ts parse with.
import { z } from 'zod';
import { ORDER_STATUSES } from '../../lib/domain/order';
import { GameRefundSchema, OrderQuerySchema, PaymentRequestSchema, RefundQuerySchema } from '../../lib/domain/schemas';
import { REFUND_SOURCES, REFUND_STATUSES } from '../../lib/domain/refund';
import { err, int, isoTime, ok, type RouteGroup } from '../openapi/route-doc';
import { MinigameCodes as C } from './errors';

const nullableTime = isoTime.nullable();

/** An order as the order query answers it (lib/db/repos/orders.ts orderView). */
export const OrderView = z
  .looseObject({
    orderId: z.string(),
    appId: z.string(),
    openId: z.string(),
    outTradeNo: z.string(),
    productId: z.string(),
    buyQuantity: int,
    goodsPrice: int.meta({ description: 'minor units' }),
    totalAmount: int.meta({ description: 'goodsPrice * buyQuantity' }),
    currencyType: z.string(),
    platform: z.string().nullable(),
    env: z.literal([0, 1]),
    attach: z.string().nullable(),
    status: z.enum(ORDER_STATUSES),
    closeReason: z.enum(['payment_timeout', 'prepay_rejected', 'workflow_lost']).nullable(),
    prepayId: z.string().nullable(),
    transactionId: z.string().nullable(),
    paidAmount: int.nullable(),
    createdAt: isoTime,
    paidAt: nullableTime,
    deliveredAt: nullableTime,
    closedAt: nullableTime,
    deliveryAttempts: int.meta({ description: 'every attempt made, the successful one included' }),
    refundedAmount: int.meta({ description: 'what succeeded refunds gave back (CONTRACT.md 8.3)' }),
  })
  .meta({ id: 'Order' });

/** A refund as CONTRACT.md 8.2 shows it (lib/db/repos/refunds.ts refundView): the refund routes of every audience. */
export const RefundViewDoc = z.looseObject({
  refundId: z.string(),
  outRefundNo: z.string().nullable(),
  source: z.enum(REFUND_SOURCES),
  orderId: z.string(),
  appId: z.string(),
  outTradeNo: z.string(),
  openId: z.string(),
  refundAmount: int,
  currencyType: z.string(),
  reason: z.string(),
  status: z.enum(REFUND_STATUSES),
  failReason: z.string().nullable(),
  createdAt: isoTime,
  refundedAt: nullableTime,
  notifiedAt: nullableTime,
  notifyAttempts: int,
});

const refundPaySig = (path: string) => `Pay-Sig: hex(HMAC(appKey, "${path}&" + rawBody)), over the exact body bytes.`;

export const minigameRoutes: RouteGroup = {
  prefix: '/v1/minigame',
  tag: 'Mini game',
  description: 'What the mini game and its backend call (CONTRACT.md 2 and 5), authenticated by signatures with the app key.',
  shape: 'errCode',
  codes: C,
  security: [],
  commonErrors: [
    err(500, C.internal, 'unexpected (logged, never with details)'),
    err(503, C.databaseUnavailable, 'PostgreSQL unreachable; retry later'),
    err(503, C.temporalUnavailable, 'Temporal unreachable or too slow to answer; retry later'),
  ],
  routes: [
    {
      method: 'post',
      path: '/payments',
      summary: 'Request a payment for an item',
      description:
        "Creates the order and the superapp's prepay order. The same appId+outTradeNo with the identical signData " +
        'again answers the same order (no second order or prepay). Signatures are over the exact characters of signData.',
      body: { schema: PaymentRequestSchema },
      success: {
        status: 200,
        description: 'the superapp created the prepay order',
        schema: ok({ orderId: z.string(), outTradeNo: z.string(), status: z.enum(ORDER_STATUSES), prepayId: z.string() }),
      },
      errors: [
        err(400, C.malformed, 'body or signData malformed (signData: see the SignData schema)'),
        err(401, C.badSignature, 'paySig wrong (or the app unknown)'),
        err(401, C.badUserSignature, 'signature wrong, or no session key for the user'),
        err(403, C.paymentDisabled, 'payment not enabled for the app, no delivery URL for the env, or notifications off'),
        err(404, C.itemNotFound, 'item not registered or not released'),
        err(409, C.outTradeNoConflict, 'outTradeNo reused with a different signData (or by another player)'),
        err(422, C.priceMismatch, 'goodsPrice differs from the registered price'),
        err(422, C.currencyMismatch, "currencyType differs from the item's currency"),
        err(502, C.prepayFailed, 'superapp rejected or could not create the prepay order (the order is CLOSED)'),
        err(
          503,
          C.busy,
          'vpay is busy: PAYMENT_REQUESTS_MAX_IN_FLIGHT requests already wait; nothing was started or stored, retry after Retry-After seconds',
          undefined,
          { 'Retry-After': int.optional().meta({ description: 'with 50303: seconds to wait before retrying (1)' }) },
        ),
      ],
    },
    {
      method: 'post',
      path: '/orders/query',
      summary: 'Read an order',
      description:
        'Pay-Sig: hex(HMAC(appKey, "/v1/minigame/orders/query&" + rawBody)); with X-Vpay-Timestamp, ' +
        'hex(HMAC(appKey, "/v1/minigame/orders/query&" + timestamp + "&" + rawBody)), refused 300 s from our clock (docs/API.md).',
      security: [['paySig']],
      headers: z.object({
        'X-Vpay-Timestamp': z
          .string()
          .optional()
          .meta({ description: 'unix seconds; optional: when given, Pay-Sig covers it too (docs/API.md)' }),
      }),
      body: { schema: OrderQuerySchema },
      success: { status: 200, description: 'the order', schema: ok({ order: OrderView }) },
      errors: [
        err(401, C.badSignature, 'Pay-Sig wrong, stale timestamp, or the app unknown'),
        err(404, C.orderNotFound, 'no such order for this app'),
      ],
    },
    {
      method: 'post',
      path: '/refunds',
      summary: 'Ask for a refund of (part of) an order',
      description:
        `${refundPaySig('/v1/minigame/refunds')} Idempotent per (appId, outRefundNo): the same body again answers the same refund. ` +
        'Answered once the superapp has answered (SUCCEEDED or FAILED), or with status PENDING after WORKFLOW_ANSWER_TIMEOUT_MS.',
      security: [['paySig']],
      body: { schema: GameRefundSchema },
      success: { status: 200, description: 'the refund', schema: ok({ refund: RefundViewDoc }) },
      errors: [
        err(400, C.malformed, 'body malformed'),
        err(401, C.badSignature, 'Pay-Sig wrong, or the app unknown'),
        err(404, C.orderNotFound, 'no such order for this app'),
        err(409, C.refundConflict, 'outRefundNo already used with other fields'),
        err(409, C.orderNotPaid, 'the order is not paid'),
        err(422, C.amountNotRefundable, 'refundAmount not positive or more than is left to refund'),
      ],
    },
    {
      method: 'post',
      path: '/refunds/query',
      summary: 'Read a refund',
      description: refundPaySig('/v1/minigame/refunds/query'),
      security: [['paySig']],
      body: { schema: RefundQuerySchema },
      success: { status: 200, description: 'the refund', schema: ok({ refund: RefundViewDoc }) },
      errors: [err(401, C.badSignature, 'Pay-Sig wrong, or the app unknown'), err(404, C.refundNotFound, 'no such refund for this app')],
    },
  ],
};
