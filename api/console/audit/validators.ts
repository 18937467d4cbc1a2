// Query of the audit log's listing (CONTRACT.md 7.8).
import { z } from 'zod';
import { PagingQuery } from '../validators';

export const AuditLogQuery = PagingQuery.extend({
  appId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be an id this API gave')
    .optional(),
});
