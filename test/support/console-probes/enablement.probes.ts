// Payment enablement (CONTRACT.md 7.3): asking, and the platform's decision. Each attempt gets an
// app of its own, so the allowed role finds a state where the call succeeds.
import { consoleCall, type Answer, type ConsoleWorld } from '../console';
import type { Vpay } from '../vpay';
import type { Probe } from './index';

let seq = 0;

const ok = (a: Answer, what: string): any => {
  if (a.status >= 300) throw new Error(`${what}: HTTP ${a.status} ${JSON.stringify(a.json)}`);
  return a.json;
};

/** A fresh app of the world's team, made by the super admin. */
export async function freshTeamApp(vpay: Vpay, world: ConsoleWorld): Promise<string> {
  return ok(await consoleCall(vpay, vpay.adminToken, 'POST', `/teams/${world.teamId}/apps`, { name: `probe game ${++seq}` }), 'app').appId;
}

export const probes: Probe[] = [
  {
    capability: 'payment.request',
    request: async (vpay, world) => ({
      method: 'POST',
      path: `/apps/${await freshTeamApp(vpay, world)}/payment-requests`,
      body: { message: 'please enable payment' },
    }),
  },
  {
    capability: 'payment.review',
    request: async (vpay, world) => {
      const appId = await freshTeamApp(vpay, world);
      // Only the team's mp_admin may ask (7.2), so the request is made with its token.
      const pending = ok(
        await consoleCall(vpay, world.tokens.mp_admin, 'POST', `/apps/${appId}/payment-requests`, { message: 'please' }),
        'payment request',
      );
      return { method: 'POST', path: `/payment-requests/${pending.requestId}/approve`, body: {} };
    },
  },
];
