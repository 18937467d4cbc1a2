// `npm run worker`: one Temporal worker running purchases. Run as many as the load needs.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../lib/platform/config';
import { createLogger } from '../lib/platform/logger';
import { createMetrics } from '../lib/platform/metrics';
import { prepareDatabase } from '../lib/db/db';
import { startWorker } from './start';
import { startMetricsServer } from './metrics-server';
import { describeTemporalConnection, temporalConnectionOptions } from '../lib/platform/temporal-connection';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { process: 'worker' });
  if (!config.databaseUrl) throw new Error('DATABASE_URL must be set for `npm run worker` (`npm start` embeds one)');
  // The certificate files are read before the migrations run: a missing one stops the start first.
  const temporal = temporalConnectionOptions(config);
  await prepareDatabase(config.databaseUrl);
  const metrics = createMetrics();
  const workflowBundle = chosenWorkflowBundle(config.workerWorkflowBundle) ?? prebuiltWorkflowBundle();
  const running = await startWorker({ config, databaseUrl: config.databaseUrl, logger, metrics }, { workflowBundle, temporal });
  if (config.workerMetricsPort) {
    const host = config.workerMetricsHost;
    await startMetricsServer({ metrics, port: config.workerMetricsPort, host, token: config.metricsToken });
    const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');
    if (!loopback && !config.metricsToken) {
      logger.warn(
        { host, port: config.workerMetricsPort },
        'worker /metrics is reachable beyond this machine without a token; set METRICS_TOKEN',
      );
    }
  }
  logger.info(
    {
      taskQueue: config.taskQueue,
      deliveryTaskQueue: running.deliveryWorker.options.taskQueue,
      temporal: config.temporalAddress,
      temporalConnection: describeTemporalConnection(config),
      workflowBundle: workflowBundle?.codePath ?? 'bundled at start',
    },
    'vpay worker running',
  );
  process.once('SIGINT', () => void running.stop());
  process.once('SIGTERM', () => void running.stop());
  await running.done;
  process.exit(0);
}

/** WORKER_WORKFLOW_BUNDLE's file; a missing one stops the start rather than running other code. */
function chosenWorkflowBundle(file: string | undefined): { codePath: string } | undefined {
  if (file === undefined) return undefined;
  const codePath = path.resolve(file);
  if (!fs.existsSync(codePath)) throw new Error(`WORKER_WORKFLOW_BUNDLE: no file at ${codePath}`);
  return { codePath };
}

/**
 * The workflow bundle `npm run build` writes next to the compiled code (dist/workflow-bundle.js,
 * see tools/build/build.js), so a production worker does not run webpack at every start. Run from
 * source (tsx, the tests) there is none, and the worker bundles workflows/ itself.
 */
function prebuiltWorkflowBundle(): { codePath: string } | undefined {
  const codePath = path.join(__dirname, '..', 'workflow-bundle.js');
  return fs.existsSync(codePath) ? { codePath } : undefined;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
