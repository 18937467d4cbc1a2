// Order records (CONTRACT.md 7.7): lists, an order's detail, the export, the redelivery. Each
// handler checks visibility and permission (middlewares), parses, then calls one application
// function; the export's file writing is in export-files.ts.
import type { Router } from 'express';
import type { ApiDeps } from '../../deps';
import { parseQuery } from '../../http/body';
import { principalOf } from '../auth';
import { appOf, can, visibleApp } from '../middlewares';
import { isStorableText } from '../../../lib/domain/schemas';
import { ConsoleRefused } from '../../../application/console/refusals';
import { exportAppOrders, getOrderDetail, listAppOrders, listOrdersAcrossApps, redeliverOrder } from '../../../application/console/orders';
import { CrossAppOrderListQuery, OrderExportQuery, OrderListQuery } from './validators';
import { sendOrderExport } from './export-files';

/** The :orderId of the path; text that cannot be an order's ID names no order (404/40405). */
const orderIdOf = (value: unknown): string => {
  const id = String(value ?? '');
  if (id.length === 0 || id.length > 64 || !isStorableText(id)) throw new ConsoleRefused('notFound', 'unknown order');
  return id;
};

const day = (d: Date) => d.toISOString().slice(0, 10);

export function orderRoutes(router: Router, deps: ApiDeps): void {
  const d = { db: deps.db, client: deps.client, config: deps.config };

  router.get('/orders', can('orders.view'), async (req, res) => {
    const page = await listOrdersAcrossApps(d, principalOf(res), parseQuery(req, CrossAppOrderListQuery));
    res.json({ errCode: 0, ...page });
  });

  router.get('/apps/:appId/orders', visibleApp(deps), can('orders.view'), async (req, res) => {
    const page = await listAppOrders(d, principalOf(res), appOf(res), parseQuery(req, OrderListQuery));
    res.json({ errCode: 0, ...page });
  });

  // Before /orders/:orderId, which would take "export" for an orderId.
  router.get('/apps/:appId/orders/export', visibleApp(deps), can('orders.view'), async (req, res) => {
    const { format, ...query } = parseQuery(req, OrderExportQuery);
    const app = appOf(res);
    const exp = exportAppOrders(d, principalOf(res), app, query);
    await sendOrderExport(res, format, exp, { fileName: `orders-${app.appId}-${day(exp.from)}-${day(exp.to)}`, logger: deps.logger });
  });

  router.get('/apps/:appId/orders/:orderId', visibleApp(deps), can('orders.view'), async (req, res) => {
    const detail = await getOrderDetail(d, principalOf(res), appOf(res), orderIdOf(req.params.orderId));
    res.json({ errCode: 0, ...detail });
  });

  router.post('/apps/:appId/orders/:orderId/redeliver', visibleApp(deps), can('orders.redeliver'), async (req, res) => {
    await redeliverOrder(d, principalOf(res), appOf(res), orderIdOf(req.params.orderId));
    res.status(202).json({ errCode: 0 });
  });
}
