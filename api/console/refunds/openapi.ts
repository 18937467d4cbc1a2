// A refund asked in the console (CONTRACT.md 8.2) as the OpenAPI document describes it: the body is
// the schema ./routes.ts parses with.
import { z } from 'zod';
import { err, ok } from '../../openapi/route-doc';
import { ConsoleCodes as C } from '../errors';
import { appNotFound, consoleGroup, needs } from '../openapi-support';
import { AppPath } from '../validators';
import { RefundViewDoc } from '../../minigame/openapi';
import { ConsoleRefundBody } from './validators';

export const refundRoutes = consoleGroup('Console: refunds', 'CONTRACT.md 8.2: refund (part of) an order through vpay.', [
  {
    method: 'post',
    path: '/apps/{appId}/orders/{orderId}/refunds',
    summary: 'Refund (part of) an order',
    description:
      'vpay asks the superapp and answers once it has answered (SUCCEEDED or FAILED), or with status PENDING after ' +
      'WORKFLOW_ANSWER_TIMEOUT_MS. With outRefundNo, idempotent per (appId, outRefundNo); without, vpay derives one from the ' +
      'order, user, amount, reason and minute, so a double click or a retry within about a minute is the same refund. ' +
      'In the audit log as order.refund.',
    params: AppPath.extend({ orderId: z.string().min(1).max(64) }),
    body: { schema: ConsoleRefundBody },
    success: { status: 200, description: 'the refund', schema: ok({ refund: RefundViewDoc }) },
    errors: [
      appNotFound,
      needs('refunds.create'),
      err(400, C.malformed, 'body malformed'),
      err(404, C.notFound, 'unknown order, or an order of another app'),
      err(409, C.refundConflict, 'outRefundNo already used with other fields'),
      err(409, C.orderNotPaid, 'the order is not paid'),
      err(422, C.amountNotRefundable, 'refundAmount not positive or more than is left to refund'),
    ],
  },
]);
