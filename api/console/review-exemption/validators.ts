// Request schemas of the review exemption (CONTRACT.md 7.5).
import { z } from 'zod';
import { RequestMessage } from '../enablement/validators';
import { DecisionBody } from '../review-body';

export const ExemptionRequestBody = z.object({ message: RequestMessage });

/** removeItems is required: taking every live item off sale is never a default. */
export const RevokeBody = DecisionBody.extend({ removeItems: z.boolean() });
