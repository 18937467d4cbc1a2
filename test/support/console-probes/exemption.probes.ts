// The review exemption (CONTRACT.md 7.5): viewing, asking, and the platform's decision. Each
// attempt that changes state gets an app of its own.
import { consoleCall } from '../console';
import { freshTeamApp } from './enablement.probes';
import type { Probe } from './index';

export const probes: Probe[] = [
  {
    capability: 'exemption.view',
    request: (_vpay, world) => ({ method: 'GET', path: `/apps/${world.appId}/review-exemption` }),
  },
  {
    capability: 'exemption.request',
    request: async (vpay, world) => ({
      method: 'POST',
      path: `/apps/${await freshTeamApp(vpay, world)}/review-exemption`,
      body: { message: 'our items follow the rules' },
    }),
  },
  {
    capability: 'exemption.review',
    request: async (vpay, world) => {
      const appId = await freshTeamApp(vpay, world);
      const filed = await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${appId}/review-exemption`, { message: 'please' });
      if (filed.status !== 201) throw new Error(`exemption request: HTTP ${filed.status} ${JSON.stringify(filed.json)}`);
      return { method: 'POST', path: `/apps/${appId}/review-exemption/approve`, body: {} };
    },
  },
];
