// vpay's own processes on the local cluster: N workers (worker/main.ts) and M APIs (api/main.ts),
// each a process of its own as a deployment runs them, so one can be killed (SIGKILL) and started
// again. They run from source (node with tsx as a loader, not the tsx CLI, whose wrapper process
// would take the signal while the service lived on).
import path from 'node:path';
import { startSupervised, type SupervisedProcess } from './supervised-process';

const ROOT = path.resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 180_000; // a worker bundles the workflows at start: a while on 2 cores
const STOP_TIMEOUT_MS = 30_000; // a worker drains its activities first

export type VpayRole = 'worker' | 'api';

export interface VpayProcess extends SupervisedProcess {
  role: VpayRole;
  /** The API's base URL, or the worker's metrics URL. */
  url: string;
}

export interface VpayProcessOptions {
  name: string;
  role: VpayRole;
  /** Where its pid file goes. */
  dataDir: string;
  /** The whole environment of the process (the caller builds it: nothing is inherited). */
  env: NodeJS.ProcessEnv;
  /** The API's port (its PORT), or the worker's WORKER_METRICS_PORT: where readiness is probed. */
  port: number;
  onLog?: (name: string, line: string) => void;
}

export async function startVpayProcess(o: VpayProcessOptions): Promise<VpayProcess> {
  const entry = o.role === 'worker' ? 'worker/main.ts' : 'api/main.ts';
  const base = `http://127.0.0.1:${o.port}`;
  const p = await startSupervised({
    name: o.name,
    dataDir: o.dataDir,
    command: process.execPath,
    args: ['--import', 'tsx', entry],
    identifiedBy: entry,
    cwd: ROOT,
    env: o.env,
    port: o.port,
    // An API is ready once /healthz answers 200; a worker once its metrics endpoint answers at
    // all (worker/main.ts serves it after both Workers run; 401 with a metrics token).
    probe: async () => {
      const r = await fetch(`${base}/${o.role === 'api' ? 'healthz' : 'metrics'}`);
      if (o.role === 'api' && r.status !== 200) throw new Error(`/healthz answered ${r.status}`);
    },
    readyTimeoutMs: READY_TIMEOUT_MS,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    onLog: (line) => o.onLog?.(o.name, line),
  });
  return Object.assign(p, { role: o.role, url: o.role === 'api' ? base : `${base}/metrics` });
}
