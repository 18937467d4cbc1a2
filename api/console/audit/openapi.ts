// The audit log (CONTRACT.md 7.8) as the OpenAPI document describes it: the query is the schema
// ./routes.ts parses with.
import { z } from 'zod';
import { isoTime, nextCursor, ok } from '../../openapi/route-doc';
import { appNotFound, consoleGroup, needs } from '../openapi-support';
import { AuditLogQuery } from './validators';

const AuditEntry = z.looseObject({
  at: isoTime,
  userId: z.string(),
  role: z.string(),
  action: z.string(),
  appId: z.string().nullable(),
  target: z.string().nullable(),
  summary: z.string().meta({ description: 'never a secret' }),
});

export const auditRoutes = consoleGroup('Console: audit log', 'CONTRACT.md 7.8: every console change that succeeds.', [
  {
    method: 'get',
    path: '/audit-log',
    summary: 'The audit log, newest first',
    description: 'Platform roles: every entry; mp_admin: the entries of its team.',
    query: AuditLogQuery,
    success: { status: 200, description: 'a page of entries', schema: ok({ entries: z.array(AuditEntry), nextCursor }) },
    errors: [needs('audit.view'), appNotFound],
  },
]);
