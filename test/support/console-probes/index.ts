// The permission matrix's probes: for each capability of CONTRACT.md 7.2, one request that
// exercises it. Each resource keeps its probes in a file of this folder (one per route group),
// exporting `probes: Probe[]`; test/integration/console/permission-matrix.test.ts runs every probe
// as every role and checks the answer against PERMISSIONS, so the test follows the table.
import fs from 'node:fs';
import path from 'node:path';
import type { Capability } from '../../../lib/domain/console/permissions';
import type { ConsoleWorld } from '../console';
import type { Vpay } from '../vpay';

export interface ProbeRequest {
  method: string;
  /** Below /v1/console. */
  path: string;
  body?: unknown;
}

export interface Probe {
  capability: Capability;
  /** Builds a fresh request (it may set up state first: each role's attempt gets its own). */
  request(vpay: Vpay, world: ConsoleWorld): Promise<ProbeRequest> | ProbeRequest;
}

/** Every probe of every file in this folder. */
export function allProbes(): Probe[] {
  return (
    fs
      .readdirSync(__dirname)
      .filter((f) => f.endsWith('.probes.ts'))
      .sort()
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the folder is the list
      .flatMap((f) => (require(path.join(__dirname, f)) as { probes: Probe[] }).probes)
  );
}
