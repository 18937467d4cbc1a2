// Probes of the console's refund (CONTRACT.md 8.2, "refund an order" in 7.2) for the permission
// matrix. An order that does not exist is enough: the role's permission is checked before the body
// is read and the order looked for (an allowed role gets 404/40405, a refused one 403/40302).
import type { Probe } from './index';

export const probes: Probe[] = [
  {
    capability: 'refunds.create',
    request: (_vpay, w) => ({
      method: 'POST',
      path: `/apps/${w.appId}/orders/ordnosuchorder/refunds`,
      body: { refundAmount: 1, reason: 'probe' },
    }),
  },
];
