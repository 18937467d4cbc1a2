// Payment enablement (CONTRACT.md 7.3). A request's route checks, in 7.2's order: the token, the
// request's visibility (one of an app the caller cannot see is as unknown: 404/40405), the role's
// permission, then the body.
import type { RequestHandler, Router } from 'express';
import type { ApiDeps } from '../../deps';
import { parseBody, parseQuery } from '../../http/body';
import { principalOf } from '../auth';
import { appOf, can, visibleApp } from '../middlewares';
import { DecisionBody, parseDecisionBody, reasonOf } from '../review-body';
import { PaymentRequestBody, PaymentRequestsQuery } from './validators';
import {
  getVisiblePaymentRequest,
  listPaymentRequests,
  requestPaymentEnablement,
  reviewPaymentRequest,
} from '../../../application/console/enablement';

export function enablementRoutes(router: Router, apiDeps: ApiDeps): void {
  const deps = { db: apiDeps.db };

  /** Answers 404/40405 unless the :requestId exists and its app is visible to the caller. */
  const visibleRequest: RequestHandler = async (req, res, next) => {
    await getVisiblePaymentRequest(deps, principalOf(res), String(req.params.requestId));
    next();
  };

  router.post('/apps/:appId/payment-requests', visibleApp(apiDeps), can('payment.request'), async (req, res) => {
    const { message } = parseBody(req, PaymentRequestBody);
    const request = await requestPaymentEnablement(deps, principalOf(res), appOf(res), message);
    res.status(201).json({ errCode: 0, ...request });
  });

  // Not a row of 7.2: whoever sees an app sees its requests (the list is cut to those apps).
  router.get('/payment-requests', async (req, res) => {
    const page = await listPaymentRequests(deps, principalOf(res), parseQuery(req, PaymentRequestsQuery));
    res.json({ errCode: 0, requests: page.items, nextCursor: page.nextCursor });
  });

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/payment-requests/:requestId/${decision}`, visibleRequest, can('payment.review'), async (req, res) => {
      const body = parseDecisionBody(req, DecisionBody);
      const request = await reviewPaymentRequest(deps, principalOf(res), String(req.params.requestId), decision, reasonOf(body));
      res.json({ errCode: 0, ...request });
    });
  }
}
