// The audit log (CONTRACT.md 7.8). The appId is a query parameter, read after the permission check
// like any parameter; one the caller cannot see answers 404/40403.
import type { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { parseQuery } from '../../http/body';
import { principalOf } from '../auth';
import { can } from '../middlewares';
import { AuditLogQuery } from './validators';
import { listAuditLog } from '../../../application/console/audit';

export function auditRoutes(router: Router, { db }: ApiDeps): void {
  const deps = { db };

  router.get('/audit-log', can('audit.view'), async (req, res) => {
    const page = await listAuditLog(deps, principalOf(res), parseQuery(req, AuditLogQuery));
    res.json({ errCode: 0, entries: page.items, nextCursor: page.nextCursor });
  });
}
