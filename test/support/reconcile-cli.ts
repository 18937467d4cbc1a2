// `npm run reconcile` as an operator runs it: tools/ops/reconcile-cli.ts in a process of its own,
// pointed at a test's vpay (its database, Temporal address, namespace and task queue).
import path from 'node:path';
import type { Vpay } from './vpay';
import { runScript, type ScriptResult } from './run-script';

const root = path.resolve(__dirname, '../..');

export type CliResult = ScriptResult;

/** Runs the CLI with `args`; `env` adds to or overrides the variables that point it at `vpay`. */
export function runReconcileCli(
  vpay: Pick<Vpay, 'databaseUrl' | 'config'>,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runScript('tools/ops/reconcile-cli.ts', {
    args,
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: vpay.databaseUrl,
      TEMPORAL_ADDRESS: vpay.config.temporalAddress,
      TEMPORAL_NAMESPACE: vpay.config.temporalNamespace,
      TEMPORAL_TASK_QUEUE: vpay.config.taskQueue,
      ...env,
    },
  });
}
