// Probes of the delivery configuration and keys (CONTRACT.md 7.4), one per route: viewing, saving,
// a new key, and the test push (which needs a saved URL first: made by the team's mp_admin).
import type { Probe } from '.';
import { consoleCall } from '../console';

export const probes: Probe[] = [
  { capability: 'delivery.view', request: (_vpay, w) => ({ method: 'GET', path: `/apps/${w.appId}/delivery-config` }) },
  {
    capability: 'delivery.configure',
    request: (vpay, w) => ({
      method: 'PUT',
      path: `/apps/${w.appId}/delivery-config`,
      body: { url: vpay.developer.deliveryUrlFor(w.appId) },
    }),
  },
  { capability: 'delivery.configure', request: (_vpay, w) => ({ method: 'POST', path: `/apps/${w.appId}/keys` }) },
  {
    capability: 'delivery.configure',
    async request(vpay, w) {
      const saved = await consoleCall(vpay, w.tokens.mp_admin, 'PUT', `/apps/${w.appId}/delivery-config`, {
        url: vpay.developer.deliveryUrlFor(w.appId),
      });
      if (saved.status !== 200) throw new Error(`saving the delivery URL: HTTP ${saved.status} ${JSON.stringify(saved.json)}`);
      return { method: 'POST', path: `/apps/${w.appId}/delivery-config/test`, body: { env: 0 } };
    },
  },
];
