// Payment enablement (CONTRACT.md 7.3) as the OpenAPI document describes it: the bodies and
// queries are the schemas ./routes.ts parses with.
import { z } from 'zod';
import { PAYMENT_REQUEST_STATUSES } from '../../../lib/db/repos/payment-requests';
import { err, isoTime, nextCursor, ok, type RouteDoc } from '../../openapi/route-doc';
import { ConsoleCodes as C } from '../errors';
import { appNotFound, consoleGroup, needs } from '../openapi-support';
import { DecisionBody } from '../review-body';
import { AppPath } from '../validators';
import { PaymentRequestBody, PaymentRequestsQuery } from './validators';

/** A payment request (application/console/enablement.ts PaymentRequestView). */
const PaymentRequestView = {
  requestId: z.string(),
  appId: z.string(),
  appName: z.string(),
  status: z.enum(PAYMENT_REQUEST_STATUSES),
  message: z.string(),
  reason: z.string().nullable(),
  requestedBy: z.string(),
  reviewedBy: z.string().nullable(),
  createdAt: isoTime,
  reviewedAt: isoTime.nullable(),
};

const decisions = (['approve', 'reject'] as const).map((decision): RouteDoc => ({
  method: 'post',
  path: `/payment-requests/{requestId}/${decision}`,
  summary: decision === 'approve' ? "Approve a payment request: the app's paymentEnabled turns on" : 'Reject a payment request',
  params: z.object({ requestId: z.string() }),
  body: { schema: DecisionBody, optional: true },
  success: { status: 200, description: 'the request, decided', schema: ok(PaymentRequestView) },
  errors: [
    needs('payment.review'),
    err(404, C.notFound, 'unknown request, or one of an app the caller cannot see'),
    err(409, C.wrongState, 'the request is not PENDING'),
  ],
}));

export const enablementRoutes = consoleGroup('Console: payment enablement', 'CONTRACT.md 7.3.', [
  {
    method: 'post',
    path: '/apps/{appId}/payment-requests',
    summary: 'Ask for payment to be enabled on an app',
    params: AppPath,
    body: { schema: PaymentRequestBody },
    success: { status: 201, description: 'the request, PENDING', schema: ok(PaymentRequestView) },
    errors: [appNotFound, needs('payment.request'), err(409, C.wrongState, 'one is pending, or payment is already enabled')],
  },
  {
    method: 'get',
    path: '/payment-requests',
    summary: 'Payment requests',
    description: "The platform roles see every app's, team roles their team's; newest first.",
    query: PaymentRequestsQuery,
    success: {
      status: 200,
      description: 'a page of requests',
      schema: ok({ requests: z.array(z.looseObject(PaymentRequestView)), nextCursor }),
    },
    errors: [],
  },
  ...decisions,
]);
