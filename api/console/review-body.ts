// The body of a platform decision (approve, reject, revoke): `{"reason"?}`. A decision without a
// reason may also come with no body at all, which reads as `{}`.
import type { Request } from 'express';
import { z } from 'zod';
import { parseBody, rawBody } from '../http/body';
import { isStorableText } from '../../lib/domain/schemas';

/** A reviewer's reason: up to 500 characters of well-formed text. */
export const Reason = z.string().trim().max(500).refine(isStorableText, 'must be well-formed text without NUL characters');

export const DecisionBody = z.object({ reason: Reason.optional() });

/** Parses `schema`, reading an empty body as `{}`. */
export function parseDecisionBody<S extends z.ZodTypeAny>(req: Request, schema: S): z.infer<S> {
  if (rawBody(req).length === 0) {
    const r = schema.safeParse({});
    if (r.success) return r.data;
  }
  return parseBody(req, schema);
}

/** An empty reason is no reason. */
export const reasonOf = (b: { reason?: string }): string | null => (b.reason ? b.reason : null);
