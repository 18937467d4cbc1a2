// `npm run reconcile` as an operator runs it: tools/ops/reconcile-cli.ts in a process of its own,
// pointed at a test's vpay (its database, Temporal address, namespace and task queue).
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Vpay } from './vpay';

const root = path.resolve(__dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args`; `env` adds to or overrides the variables that point it at `vpay`. */
export function runReconcileCli(
  vpay: Pick<Vpay, 'databaseUrl' | 'config'>,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/ops/reconcile-cli.ts', ...args], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: vpay.databaseUrl,
        TEMPORAL_ADDRESS: vpay.config.temporalAddress,
        TEMPORAL_NAMESPACE: vpay.config.temporalNamespace,
        TEMPORAL_TASK_QUEUE: vpay.config.taskQueue,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
