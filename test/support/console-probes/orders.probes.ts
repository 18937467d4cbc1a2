// Probes of the order records (CONTRACT.md 7.7) for the permission matrix: each route with the
// capability it needs. An order that does not exist is enough: the role's permission is checked
// before the order is looked for (an allowed role gets 404/40405, a refused one 403/40302).
import type { Probe } from './index';

export const probes: Probe[] = [
  { capability: 'orders.view', request: (_vpay, w) => ({ method: 'GET', path: `/apps/${w.appId}/orders` }) },
  { capability: 'orders.view', request: () => ({ method: 'GET', path: '/orders' }) },
  { capability: 'orders.view', request: (_vpay, w) => ({ method: 'GET', path: `/apps/${w.appId}/orders/ordnosuchorder` }) },
  { capability: 'orders.view', request: (_vpay, w) => ({ method: 'GET', path: `/apps/${w.appId}/orders/export?format=csv` }) },
  { capability: 'orders.redeliver', request: (_vpay, w) => ({ method: 'POST', path: `/apps/${w.appId}/orders/ordnosuchorder/redeliver` }) },
];
