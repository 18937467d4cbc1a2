// Probes of the items' capabilities (CONTRACT.md 7.6). A probe that needs an item in some state
// makes it first as the team's mp_admin (who may add, release and remove) or the super admin
// (who reviews), so each role's attempt meets the same state.
import type { Probe } from './index';
import { consoleCall, type ConsoleWorld } from '../console';
import type { Vpay } from '../vpay';

let seq = 0;

/** A new DRAFT item of the world's app; `release` sends it to review. */
async function itemOf(vpay: Vpay, world: ConsoleWorld, o: { release?: boolean } = {}): Promise<string> {
  const productId = `probe_${Date.now()}_${++seq}`;
  const items = `/apps/${world.appId}/items`;
  const created = await consoleCall(vpay, world.tokens.mp_admin, 'POST', items, {
    productId,
    name: 'probe',
    price: 100,
    currencyType: 'USD',
  });
  if (created.status !== 201) throw new Error(`probe item: HTTP ${created.status} ${JSON.stringify(created.json)}`);
  if (o.release) {
    const released = await consoleCall(vpay, world.tokens.mp_admin, 'POST', `${items}/release`, { productIds: [productId] });
    if (released.status !== 200) throw new Error(`probe release: HTTP ${released.status} ${JSON.stringify(released.json)}`);
  }
  return productId;
}

export const probes: Probe[] = [
  { capability: 'items.view', request: (_v, w) => ({ method: 'GET', path: `/apps/${w.appId}/items` }) },
  { capability: 'items.view', request: () => ({ method: 'GET', path: '/reviews' }) },
  { capability: 'items.template', request: () => ({ method: 'GET', path: '/item-template?format=csv' }) },
  {
    capability: 'items.edit',
    request: (_v, w) => ({
      method: 'POST',
      path: `/apps/${w.appId}/items`,
      body: { productId: `probe_new_${Date.now()}_${++seq}`, name: 'n', price: 1, currencyType: 'USD' },
    }),
  },
  {
    capability: 'items.edit',
    request: async (v, w) => ({ method: 'PATCH', path: `/apps/${w.appId}/items/${await itemOf(v, w)}`, body: { price: 200 } }),
  },
  // The permission is checked before the body is even read (and its type, 415 here, judged).
  {
    capability: 'items.edit',
    request: (_v, w) => ({ method: 'POST', path: `/apps/${w.appId}/items/import`, body: 'productId,name,price,currencyType\n' }),
  },
  {
    capability: 'items.release',
    request: async (v, w) => ({ method: 'POST', path: `/apps/${w.appId}/items/release`, body: { productIds: [await itemOf(v, w)] } }),
  },
  {
    capability: 'items.review',
    request: async (v, w) => ({
      method: 'POST',
      path: `/apps/${w.appId}/items/${await itemOf(v, w, { release: true })}/review`,
      body: { decision: 'reject', reason: 'probe' },
    }),
  },
  { capability: 'items.remove', request: async (v, w) => ({ method: 'DELETE', path: `/apps/${w.appId}/items/${await itemOf(v, w)}` }) },
];
