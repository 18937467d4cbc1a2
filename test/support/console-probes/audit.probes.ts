// The audit log (CONTRACT.md 7.8).
import type { Probe } from './index';

export const probes: Probe[] = [
  {
    capability: 'audit.view',
    request: (_vpay, world) => ({ method: 'GET', path: `/audit-log?appId=${world.appId}&limit=5` }),
  },
];
