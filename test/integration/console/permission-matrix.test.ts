// Every capability of CONTRACT.md 7.2 x every role, generated from the one table in code
// (lib/domain/console/permissions.ts) and the probes of test/support/console-probes: an allowed
// role is never answered 403, a refused one always 403/40302. Also: the probes cover the table.
import { PERMISSIONS, ROLES, CAPABILITIES, may } from '../../../lib/domain/console/permissions';
import { allProbes } from '../../support/console-probes';
import { consoleCall, consoleWorld, type ConsoleWorld } from '../../support/console';
import { startVpay, type Vpay } from '../../support/vpay';

const probes = allProbes();
let vpay: Vpay;
let world: ConsoleWorld;

beforeAll(async () => {
  vpay = await startVpay();
  world = await consoleWorld(vpay);
});
afterAll(async () => {
  await vpay?.stop();
});

it("the table is the seed's: six roles, and a probe for every capability that has a route", () => {
  expect(ROLES).toHaveLength(6);
  const probed = new Set(probes.map((p) => p.capability));
  for (const c of probed) expect(CAPABILITIES).toContain(c);
  const missing = CAPABILITIES.filter((c) => !probed.has(c));
  expect(missing).toEqual([]);
});

const cases = probes.flatMap((probe) => ROLES.map((role) => ({ probe, role, allowed: may(role, probe.capability) })));

it.each(cases.map((c) => [c.probe.capability, c.role, c.allowed ? 'allowed' : 'refused', c] as const))(
  '%s as %s: %s',
  async (_cap, role, _verdict, c) => {
    const r = await c.probe.request(vpay, world);
    const a = await consoleCall(vpay, world.tokens[role], r.method, r.path, r.body);
    if (c.allowed) {
      expect(a.status).not.toBe(403);
      expect(a.status).toBeLessThan(500);
    } else {
      expect({ status: a.status, errCode: a.json?.errCode }).toEqual({ status: 403, errCode: 40302 });
    }
  },
);

it('PERMISSIONS is well formed', () => {
  for (const roles of Object.values(PERMISSIONS)) for (const r of roles) expect(ROLES).toContain(r);
});
