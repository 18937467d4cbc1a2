// vpay's own processes on the local cluster: N workers (worker/main.ts) and M APIs (api/main.ts),
// each a process of its own as a deployment runs them, so one can be killed (SIGKILL) and started
// again. They run from source (node with tsx as a loader, not the tsx CLI, whose wrapper process
// would take the signal while the service lived on).
import path from 'node:path';
import { startManagedProcess, type ManagedProcess } from '../dev/managed-process';
import { isAlive } from '../dev/leftover-process';
import { sleep } from '../dev/managed-process';

const ROOT = path.resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 180_000; // a worker bundles the workflows at start: a while on 2 cores
const STOP_TIMEOUT_MS = 30_000; // a worker drains its activities first

export type VpayRole = 'worker' | 'api';

export interface VpayProcess {
  name: string;
  role: VpayRole;
  /** The API's base URL, or the worker's metrics URL. */
  url: string;
  pid(): number;
  kill(): Promise<void>;
  /** Starts it again, with `env` over the first start's (e.g. another VPAY_BUILD); resolves once ready. */
  restart(env?: NodeJS.ProcessEnv): Promise<void>;
  stop(): Promise<void>;
}

export interface VpayProcessOptions {
  name: string;
  role: VpayRole;
  /** The whole environment of the process (the caller builds it: nothing is inherited). */
  env: NodeJS.ProcessEnv;
  /** The API's port (its PORT), or the worker's WORKER_METRICS_PORT: where readiness is probed. */
  port: number;
  onLog?: (name: string, line: string) => void;
}

export async function startVpayProcess(o: VpayProcessOptions): Promise<VpayProcess> {
  let current: ManagedProcess | undefined;
  let env = o.env;
  const start = async () => {
    // An API is ready once /healthz answers 200; a worker once its metrics endpoint answers at
    // all (worker/main.ts serves it after both Workers run; 401 without the metrics token).
    current = await startManagedProcess({
      name: o.name,
      command: process.execPath,
      args: ['--import', 'tsx', o.role === 'worker' ? 'worker/main.ts' : 'api/main.ts'],
      cwd: ROOT,
      env,
      onLog: (line) => o.onLog?.(o.name, line),
      stopSignal: 'SIGTERM',
      stopTimeoutMs: STOP_TIMEOUT_MS,
      ready: {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 250,
        where: `127.0.0.1:${o.port}`,
        probe: async () => {
          const r = await fetch(`http://127.0.0.1:${o.port}/${o.role === 'api' ? 'healthz' : 'metrics'}`);
          if (o.role === 'api' && r.status !== 200) throw new Error(`/healthz answered ${r.status}`);
        },
      },
    });
  };
  await start();
  return {
    name: o.name,
    role: o.role,
    url: o.role === 'api' ? `http://127.0.0.1:${o.port}` : `http://127.0.0.1:${o.port}/metrics`,
    pid: () => current!.pid,
    async kill() {
      const pid = current!.pid;
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(50);
      await current!.stop();
    },
    async restart(more?: NodeJS.ProcessEnv) {
      env = { ...env, ...(more ?? {}) };
      await start();
    },
    stop: async () => current?.stop(),
  };
}
