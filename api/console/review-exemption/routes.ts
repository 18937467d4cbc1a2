// The review exemption of an app (CONTRACT.md 7.5). Each route: the app's visibility (404/40403),
// the role's permission (403/40302), the body, one application call.
import type { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { parseBody } from '../../http/body';
import { principalOf } from '../auth';
import { appOf, can, visibleApp } from '../middlewares';
import { DecisionBody, parseDecisionBody, reasonOf } from '../review-body';
import { ExemptionRequestBody, RevokeBody } from './validators';
import {
  getReviewExemption,
  requestReviewExemption,
  reviewReviewExemption,
  revokeReviewExemption,
} from '../../../application/console/review-exemption';

export function reviewExemptionRoutes(router: Router, apiDeps: ApiDeps): void {
  const deps = { db: apiDeps.db };
  const path = '/apps/:appId/review-exemption';

  router.get(path, visibleApp(apiDeps), can('exemption.view'), async (_req, res) => {
    res.json({ errCode: 0, ...(await getReviewExemption(deps, appOf(res).appId)) });
  });

  router.post(path, visibleApp(apiDeps), can('exemption.request'), async (req, res) => {
    const { message } = parseBody(req, ExemptionRequestBody);
    res.status(201).json({ errCode: 0, ...(await requestReviewExemption(deps, principalOf(res), appOf(res), message)) });
  });

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`${path}/${decision}`, visibleApp(apiDeps), can('exemption.review'), async (req, res) => {
      const body = parseDecisionBody(req, DecisionBody);
      res.json({ errCode: 0, ...(await reviewReviewExemption(deps, principalOf(res), appOf(res), decision, reasonOf(body))) });
    });
  }

  router.post(`${path}/revoke`, visibleApp(apiDeps), can('exemption.review'), async (req, res) => {
    const body = parseBody(req, RevokeBody);
    const revoked = await revokeReviewExemption(deps, principalOf(res), appOf(res), {
      reason: reasonOf(body),
      removeItems: body.removeItems,
    });
    res.json({ errCode: 0, ...revoked });
  });
}
