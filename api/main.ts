// `npm run api`: the HTTP API alone, for deployments that scale it apart from the workers.
// DATABASE_URL and TEMPORAL_ADDRESS name services that are already running.
import { loadConfig } from '../lib/platform/config';
import { createLogger } from '../lib/platform/logger';
import { createMetrics } from '../lib/platform/metrics';
import { prepareDatabase } from '../lib/db/db';
import { startApi } from './start';
import { describeTemporalConnection, temporalConnectionOptions } from '../lib/platform/temporal-connection';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { process: 'api' });
  if (!config.databaseUrl) throw new Error('DATABASE_URL must be set for `npm run api` (`npm start` embeds one)');
  // The certificate files are read before the migrations run: a missing one stops the start first.
  const temporal = temporalConnectionOptions(config);
  await prepareDatabase(config.databaseUrl);
  const api = await startApi({ config, databaseUrl: config.databaseUrl, logger, metrics: createMetrics() }, { temporal });
  logger.info(
    { url: api.url, temporal: config.temporalAddress, temporalConnection: describeTemporalConnection(config) },
    'vpay API listening',
  );
  const stop = () => {
    api.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'vpay API did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
