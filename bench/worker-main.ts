// vpay's worker as a process of its own, for the crash scenario: what `npm run worker`
// (worker/main.ts) runs, with the workflow bundle the benchmark built once (VPAY_BENCH_WORKFLOW_BUNDLE,
// a file), as a production worker takes `npm run build`'s: a restart then costs what it costs in
// production, not a webpack run. Logs JSON lines to stdout; SIGKILL is what the scenario sends.
import { loadConfig } from '../lib/platform/config';
import { createLogger } from '../lib/platform/logger';
import { createMetrics } from '../lib/platform/metrics';
import { startWorker } from '../worker/start';

async function main() {
  const codePath = process.env.VPAY_BENCH_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('VPAY_BENCH_WORKFLOW_BUNDLE must name the workflow bundle file');
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL must be set');
  const logger = createLogger(config.logLevel, { process: 'worker' });
  // The bench's instance migrated the database before it started this process.
  const running = await startWorker(
    { config, databaseUrl: config.databaseUrl, logger, metrics: createMetrics(false) },
    { workflowBundle: { codePath } },
  );
  logger.info({ taskQueue: config.taskQueue, temporal: config.temporalAddress }, 'vpay worker running');
  process.once('SIGTERM', () => void running.stop());
  await running.done;
  process.exit(0);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
