// The superapp audience's routes as the OpenAPI document describes them (api/openapi/route-doc.ts):
// the callback's schema is the one payment-callback.ts parses with.
import { z } from 'zod';
import { PaymentCallbackSchema, SuperappRefundSchema } from '../../lib/domain/schemas';
import { codeOf, err, type RouteGroup } from '../openapi/route-doc';
import { SuperappCodes as C } from './errors';

export const superappRoutes: RouteGroup = {
  prefix: '/v1/superapp',
  tag: 'Superapp',
  description:
    "What the superapp's backend calls (CONTRACT.md 3), signed with SUPERAPP_SECRET: X-Vpay-Timestamp within 300 s of " +
    'our clock and X-Vpay-Signature = hex(HMAC(SUPERAPP_SECRET, timestamp + "." + rawBody)). Answers are ' +
    '{returnCode, returnMessage}.',
  shape: 'returnCode',
  codes: C,
  security: [['superappTimestamp', 'superappSignature']],
  commonErrors: [
    err(500, C.internal, 'unexpected (logged, never with details)'),
    err(503, C.databaseUnavailable, 'PostgreSQL unreachable; retry later'),
    err(503, C.temporalUnavailable, 'Temporal unreachable or too slow to answer; retry later'),
  ],
  routes: [
    {
      method: 'post',
      path: '/payment-callback',
      summary: 'An order was paid',
      description:
        'Answered returnCode 0 once the payment is durably recorded; the same answer for every duplicate ' +
        '(same orderId and transactionId). Delivery happens once regardless.',
      body: { schema: PaymentCallbackSchema },
      success: {
        status: 200,
        description: 'the payment is recorded',
        schema: z.looseObject({ returnCode: codeOf(0), returnMessage: z.literal('OK') }),
      },
      errors: [
        err(401, C.badSignature, 'bad signature or stale timestamp'),
        err(404, C.unknownOrder, 'unknown order'),
        err(409, C.orderClosed, 'the order was already CLOSED (the superapp must refund)'),
        err(409, C.alreadyPaid, 'already paid by another transactionId (the superapp must refund this one)'),
        err(422, C.paymentMismatch, 'paidAmount or currency differs from the order'),
      ],
    },
    {
      method: 'post',
      path: '/refunds',
      summary: 'A payment was refunded (CONTRACT.md 8.1)',
      description:
        'Answered returnCode 0 once the refund is durably recorded; the same answer for every duplicate (same refundId and ' +
        'fields). vpay then notifies the game backend (8.3).',
      body: { schema: SuperappRefundSchema },
      success: {
        status: 200,
        description: 'the refund is recorded',
        schema: z.looseObject({ returnCode: codeOf(0), returnMessage: z.literal('OK') }),
      },
      errors: [
        err(400, C.malformed, 'body malformed'),
        err(401, C.badSignature, 'bad signature or stale timestamp'),
        err(404, C.unknownOrder, 'unknown order'),
        err(409, C.refundConflict, 'refundId already used with other fields'),
        err(409, C.orderNotPaid, 'the order is not paid'),
        err(409, C.transactionMismatch, "transactionId is not the order's payment"),
        err(422, C.currencyMismatch, "currencyType differs from the order's"),
        err(422, C.amountNotRefundable, 'refundAmount not positive or more than is left to refund'),
      ],
    },
  ],
};
