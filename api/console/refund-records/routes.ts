// After-sales records (CONTRACT.md 8.4): the list and the export of one app's refunds. Each
// handler checks visibility and permission (middlewares), parses, then calls one application
// function; the file writing is ../export-files.ts'.
import type { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { parseQuery } from '../../http/body';
import { principalOf } from '../auth';
import { appOf, can, visibleApp } from '../middlewares';
import { exportAppRefunds, listAppRefunds } from '../../../application/console/refund-records';
import { RefundExportQuery, RefundListQuery } from './validators';
import { sendRefundExport } from './export-files';

const day = (d: Date) => d.toISOString().slice(0, 10);

export function refundRecordRoutes(router: Router, deps: ApiDeps): void {
  const d = { db: deps.db };

  router.get('/apps/:appId/refunds', visibleApp(deps), can('refunds.view'), async (req, res) => {
    const page = await listAppRefunds(d, principalOf(res), appOf(res), parseQuery(req, RefundListQuery));
    res.json({ errCode: 0, ...page });
  });

  router.get('/apps/:appId/refunds/export', visibleApp(deps), can('refunds.view'), async (req, res) => {
    const { format, ...query } = parseQuery(req, RefundExportQuery);
    const app = appOf(res);
    const exp = exportAppRefunds(d, principalOf(res), app, query);
    await sendRefundExport(res, format, exp, { fileName: `refunds-${app.appId}-${day(exp.from)}-${day(exp.to)}`, logger: deps.logger });
  });
}
