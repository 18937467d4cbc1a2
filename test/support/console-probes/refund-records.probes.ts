// Probes of the after-sales records (CONTRACT.md 8.4) for the permission matrix: the list and the
// export, with the capability they need (every role has it: none is answered 403).
import type { Probe } from './index';

export const probes: Probe[] = [
  { capability: 'refunds.view', request: (_vpay, w) => ({ method: 'GET', path: `/apps/${w.appId}/refunds` }) },
  { capability: 'refunds.view', request: (_vpay, w) => ({ method: 'GET', path: `/apps/${w.appId}/refunds/export?format=csv` }) },
];
