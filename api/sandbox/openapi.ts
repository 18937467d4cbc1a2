// The built-in sandbox superapp's routes (mounted only with SANDBOX=true) as the OpenAPI document
// describes them: the prepay body is the schema the simulator parses with.
import { z } from 'zod';
import { codeOf, err, int, isoTime, ok, type RouteGroup } from '../openapi/route-doc';
import { SandboxCodes as C } from './errors';
import { PrepayBody, RefundCallBody } from './superapp-simulator';
import { SandboxRefundBody } from './router';

const returnOk = (shape: z.ZodRawShape = {}) => z.looseObject({ returnCode: codeOf(0), returnMessage: z.string(), ...shape });

/** The callback the sandbox sent (CONTRACT.md 3.2). */
const callback = z.looseObject({
  orderId: z.string(),
  transactionId: z.string(),
  paidAmount: int,
  currencyType: z.string(),
  paidAt: isoTime,
});
const callbackReply = z.looseObject({}).meta({ description: "vpay's answer to the callback" });

const badSignature = err(401, C.badSignature, "bad signature or stale timestamp (vpay's calls are signed as in CONTRACT.md 3)");

/** What vpay calls, answered as a superapp backend answers: {returnCode, returnMessage}. */
export const sandboxSuperappRoutes: RouteGroup = {
  prefix: '/sandbox/minigame',
  tag: 'Sandbox superapp',
  description:
    'Only with SANDBOX=true (npm start sets it when SUPERAPP_BASE_URL is unset): the built-in superapp that vpay calls ' +
    '(CONTRACT.md 3.1 and 3.3), signed and checked as a real superapp would.',
  shape: 'returnCode',
  codes: C,
  security: [['superappTimestamp', 'superappSignature']],
  commonErrors: [err(500, C.internal, 'unexpected (logged, never with details)')],
  routes: [
    {
      method: 'post',
      path: '/prepay-orders',
      summary: 'Create a prepay order (what vpay calls, 3.1)',
      body: { schema: PrepayBody },
      success: {
        status: 200,
        description: 'the prepay order',
        schema: returnOk({ prepayId: z.string().meta({ description: 'sbxprepay_<orderId>' }) }),
      },
      errors: [badSignature],
    },
    {
      method: 'post',
      path: '/payment-confirmations',
      summary: 'Confirm a payment (what vpay calls, 3.3)',
      success: { status: 200, description: 'taken', schema: returnOk() },
      errors: [badSignature],
    },
    {
      method: 'post',
      path: '/refunds',
      summary: 'Refund a payment (what vpay calls, 8.2)',
      body: { schema: RefundCallBody },
      success: { status: 200, description: 'refunded', schema: returnOk() },
      errors: [badSignature],
    },
  ],
};

/** What an operator calls, with the admin token: pays an order as its user would. */
export const sandboxOrderRoutes: RouteGroup = {
  prefix: '/sandbox/orders',
  tag: 'Sandbox superapp',
  shape: 'errCode',
  codes: C,
  security: [['adminToken']],
  commonErrors: [
    err(401, C.unauthorized, 'missing or wrong admin token'),
    err(500, C.internal, 'unexpected (logged, never with details)'),
    err(503, C.databaseUnavailable, 'PostgreSQL unreachable; retry later'),
  ],
  routes: [
    {
      method: 'post',
      path: '/{orderId}/pay',
      summary: 'Pay an order in full',
      description: "Sends vpay the signed payment callback over HTTP, as the superapp would after its user paid; answers vpay's reply.",
      params: z.object({ orderId: z.string() }),
      success: {
        status: 200,
        description: 'vpay accepted the callback',
        schema: ok({ callback, callbackReply }),
      },
      errors: [
        err(404, C.orderNotFound, 'unknown order'),
        err(502, C.callbackRefused, 'vpay refused the callback (its reply is in callbackReply)', { callback, callbackReply }),
      ],
    },
    {
      method: 'post',
      path: '/{orderId}/refund',
      summary: "Play a player's refund made in the superapp",
      description:
        "Sends vpay the signed refund (CONTRACT.md 8.1) over HTTP, as the superapp would after refunding its user; answers vpay's reply.",
      params: z.object({ orderId: z.string() }),
      body: { schema: SandboxRefundBody },
      success: {
        status: 200,
        description: 'vpay recorded the refund',
        schema: ok({ refund: z.looseObject({}), refundReply: callbackReply }),
      },
      errors: [
        err(400, C.malformed, 'body malformed'),
        err(404, C.orderNotFound, 'unknown order'),
        err(502, C.callbackRefused, 'vpay refused the refund (its reply is in refundReply)', {
          refund: z.looseObject({}),
          refundReply: callbackReply,
        }),
      ],
    },
  ],
};
