// `npm run worker` as its own process, configured like a test's API (started with worker: false),
// for the faults that kill a worker (SIGKILL) and start another.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Vpay } from './vpay';

const root = path.resolve(__dirname, '../..');

export function spawnWorker(vpay: Vpay, env: Record<string, string> = {}): ChildProcess {
  const c = vpay.config;
  // node itself with tsx as a loader, not the tsx CLI: the CLI would run the worker as its child,
  // and SIGKILL would then hit the wrapper while the worker lived on.
  return spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: vpay.databaseUrl,
      TEMPORAL_ADDRESS: c.temporalAddress,
      TEMPORAL_TASK_QUEUE: c.taskQueue,
      SUPERAPP_BASE_URL: c.superappBaseUrl,
      SUPERAPP_SECRET: c.superappSecret,
      ADMIN_TOKEN: c.adminToken,
      DELIVERY_ALLOW_PRIVATE: 'true',
      DELIVERY_RETRY_INITIAL_MS: String(c.deliveryRetryInitialMs),
      DELIVERY_RETRY_MAX_MS: String(c.deliveryRetryMaxMs),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Resolves once the worker process logs that it polls its task queue. */
export function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      if (seen.includes('vpay worker running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
}

export const exited = (child: ChildProcess): Promise<void> =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
