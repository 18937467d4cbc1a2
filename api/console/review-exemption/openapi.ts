// The review exemption (CONTRACT.md 7.5) as the OpenAPI document describes it: the bodies are the
// schemas ./routes.ts parses with.
import { z } from 'zod';
import { EXEMPTION_STATUSES } from '../../../lib/db/repos/review-exemptions';
import { err, int, isoTime, ok, type RouteDoc } from '../../openapi/route-doc';
import { ConsoleCodes as C } from '../errors';
import { appNotFound, consoleGroup, needs } from '../openapi-support';
import { DecisionBody } from '../review-body';
import { AppPath } from '../validators';
import { ExemptionRequestBody, RevokeBody } from './validators';

/** application/console/review-exemption.ts ReviewExemptionView. */
const ExemptionView = {
  status: z.enum(EXEMPTION_STATUSES),
  message: z.string().nullable(),
  reason: z.string().nullable(),
  updatedAt: isoTime.nullable(),
};

const path = '/apps/{appId}/review-exemption';

const decisions = (['approve', 'reject'] as const).map((decision): RouteDoc => ({
  method: 'post',
  path: `${path}/${decision}`,
  summary: decision === 'approve' ? 'Approve the review exemption' : 'Reject the review exemption',
  params: AppPath,
  body: { schema: DecisionBody, optional: true },
  success: { status: 200, description: 'the exemption, decided', schema: ok(ExemptionView) },
  errors: [appNotFound, needs('exemption.review'), err(409, C.wrongState, 'the exemption is not PENDING')],
}));

export const reviewExemptionRoutes = consoleGroup(
  'Console: review exemption',
  'CONTRACT.md 7.5. With an APPROVED exemption, item releases go live without review.',
  [
    {
      method: 'get',
      path,
      summary: "The app's review exemption",
      params: AppPath,
      success: { status: 200, description: 'the exemption (NONE before any request)', schema: ok(ExemptionView) },
      errors: [appNotFound, needs('exemption.view')],
    },
    {
      method: 'post',
      path,
      summary: 'Ask for a review exemption',
      params: AppPath,
      body: { schema: ExemptionRequestBody },
      success: { status: 201, description: 'the exemption, PENDING', schema: ok(ExemptionView) },
      errors: [appNotFound, needs('exemption.request'), err(409, C.wrongState, 'one is pending or approved')],
    },
    ...decisions,
    {
      method: 'post',
      path: `${path}/revoke`,
      summary: 'Revoke an approved exemption',
      description: 'With removeItems true, every live item of the app is REMOVED (no longer purchasable).',
      params: AppPath,
      body: { schema: RevokeBody },
      success: {
        status: 200,
        description: 'the exemption, REVOKED',
        schema: ok({ ...ExemptionView, removedItems: int.meta({ description: 'how many live items were removed' }) }),
      },
      errors: [appNotFound, needs('exemption.review'), err(409, C.wrongState, 'the exemption is not APPROVED')],
    },
  ],
);
