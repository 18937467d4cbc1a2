// Probes of the dashboard (docs/CONSOLE.md, *Dashboard*) for the permission matrix: both routes
// read the app's orders, so they need `orders.view`.
import type { Probe } from './index';

export const probes: Probe[] = [
  { capability: 'orders.view', request: (_vpay, w) => ({ method: 'GET', path: `/apps/${w.appId}/dashboard/days` }) },
  { capability: 'orders.view', request: (_vpay, w) => ({ method: 'GET', path: `/apps/${w.appId}/dashboard/now` }) },
];
