// The console dashboard (docs/CONSOLE.md, *Dashboard*): one app's numbers per day and what waits
// now. Each handler checks visibility and permission (middlewares; `orders.view`, every role that
// sees the app's orders), parses, then calls one application function.
import type { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { parseQuery } from '../../http/body';
import { principalOf } from '../auth';
import { appOf, can, visibleApp } from '../middlewares';
import { dashboardDays, dashboardNow } from '../../../application/console/dashboard';
import { DashboardDaysQuery, DashboardNowQuery } from './validators';

export function dashboardRoutes(router: Router, deps: ApiDeps): void {
  const d = { db: deps.db, config: deps.config };

  router.get('/apps/:appId/dashboard/days', visibleApp(deps), can('orders.view'), async (req, res) => {
    const days = await dashboardDays(d, principalOf(res), appOf(res), parseQuery(req, DashboardDaysQuery));
    res.json({ errCode: 0, ...days });
  });

  router.get('/apps/:appId/dashboard/now', visibleApp(deps), can('orders.view'), async (req, res) => {
    const now = await dashboardNow(d, principalOf(res), appOf(res), parseQuery(req, DashboardNowQuery));
    res.json({ errCode: 0, ...now });
  });
}
