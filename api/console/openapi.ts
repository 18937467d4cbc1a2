// The console's routes for the OpenAPI document: one group per resource, each described in its
// own folder beside its routes (as router.ts registers them).
import type { RouteGroup } from '../openapi/route-doc';
import { identityRoutes } from './identities/openapi';
import { enablementRoutes } from './enablement/openapi';
import { reviewExemptionRoutes } from './review-exemption/openapi';
import { auditRoutes } from './audit/openapi';
import { deliveryRoutes } from './delivery/openapi';
import { itemRoutes } from './items/openapi';
import { orderRoutes } from './orders/openapi';
import { refundRoutes } from './refunds/openapi';
import { refundRecordRoutes } from './refund-records/openapi';
import { dashboardRoutes } from './dashboard/openapi';

// A resource added to router.ts adds its <resource>/openapi.ts here; until then
// test/integration/openapi.test.ts fails, naming its routes.
export const consoleRouteGroups: RouteGroup[] = [
  identityRoutes,
  enablementRoutes,
  reviewExemptionRoutes,
  auditRoutes,
  deliveryRoutes,
  itemRoutes,
  orderRoutes,
  refundRoutes,
  refundRecordRoutes,
  dashboardRoutes,
];
