// `npm start`: the whole vpay stack on one machine, on embedded defaults. Starts (unless given
// DATABASE_URL / TEMPORAL_ADDRESS) a persistent PostgreSQL and a Temporal dev server with its
// Web UI, both under .data/, then the API and a worker in this process. Ctrl-C stops it all;
// the next `npm start` continues every purchase in flight, also after a hard kill.
import path from 'node:path';
import { loadConfig } from '../../lib/platform/config';
import { localStackEnv } from './local-stack-env';
import { createLogger } from '../../lib/platform/logger';
import { createMetrics } from '../../lib/platform/metrics';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-pg';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';
import { prepareDatabase } from '../../lib/db/db';
import { startApi } from '../../api/start';
import { startWorker } from '../../worker/start';
import { installTemporalLogging } from '../../lib/platform/temporal-logging';
import { withoutCredentials } from '../../lib/outbound/address-guard';
import { describeTemporalConnection, temporalConnectionOptions } from '../../lib/platform/temporal-connection';
import { ensureConsoleUi } from '../build/console-ui-build';

const PG_PORT = Number(process.env.VPAY_PG_PORT ?? 54329);
const TEMPORAL_GRPC_PORT = 7233;
const TEMPORAL_UI_PORT = 8233;

async function main() {
  // The local stack uses the sandbox superapp and delivers to developer servers on this machine
  // unless told otherwise.
  const config = loadConfig(localStackEnv(process.env));
  // The dev server `npm start` runs speaks plaintext: TLS settings are for an external Temporal.
  if (config.temporalTls && !process.env.TEMPORAL_ADDRESS) {
    process.stderr.write(
      'vpay: TEMPORAL_TLS* and TEMPORAL_API_KEY are for an external Temporal: set TEMPORAL_ADDRESS too, or unset them\n',
    );
    process.exit(1);
  }
  // The certificate files, read once for both connections, before anything starts.
  const temporalOptions = temporalConnectionOptions(config);
  const logger = createLogger(config.logLevel, { process: 'vpay' });
  installTemporalLogging(logger);
  const dataDir = path.resolve(config.dataDir);
  const stops: Array<() => Promise<void>> = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping vpay');
    for (const stop of stops.reverse()) await stop().catch((err) => logger.error({ err }, 'stop failed'));
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    // The web console, built when missing or older than its sources; without it /console says how.
    try {
      ensureConsoleUi();
    } catch (err) {
      logger.warn({ err }, 'the web console could not be built: /console answers 503 until `node tools/build/console-ui.js` succeeds');
    }
    let databaseUrl = config.databaseUrl;
    let pg: EmbeddedPostgres | undefined;
    if (!databaseUrl) {
      pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: PG_PORT });
      stops.push(() => pg!.stop());
      // Run as root from a directory the postgres OS user cannot enter, its files went elsewhere.
      for (const notice of pg.notices) logger.warn(notice);
      databaseUrl = pg.url;
    }
    let temporal: TemporalDevServer | undefined;
    if (!process.env.TEMPORAL_ADDRESS) {
      temporal = await startTemporalDevServer({
        dbFile: path.join(dataDir, 'temporal', 'temporal.db'),
        grpcPort: TEMPORAL_GRPC_PORT,
        uiPort: TEMPORAL_UI_PORT,
      });
      stops.push(() => temporal!.stop());
    }
    await prepareDatabase(databaseUrl);
    const metrics = createMetrics();
    const common = { config, databaseUrl, logger, metrics };
    const worker = await startWorker(common, { temporal: temporalOptions });
    stops.push(() => worker.stop());
    const api = await startApi(common, { temporal: temporalOptions });
    stops.push(() => api.stop());
    worker.done.catch((err) => {
      logger.fatal({ err }, 'worker stopped');
      void shutdown(1);
    });

    const lines = [
      '',
      'vpay is running',
      `  API:              http://127.0.0.1:${api.port}`,
      `  Web console:      http://127.0.0.1:${api.port}/console (sign in with the admin token below)`,
      `  Temporal Web UI:  ${temporal?.uiUrl ?? `(external Temporal at ${config.temporalAddress})`}`,
      `  Temporal gRPC:    ${config.temporalAddress} (${describeTemporalConnection(config)})`,
      `  PostgreSQL:       ${pg ? `embedded, data in ${describePgData(pg, path.join(dataDir, 'pg'))}` : 'DATABASE_URL'}`,
      // The operator's superapp URL may carry credentials: never printed.
      `  Superapp:         ${config.sandboxEnabled ? `built-in sandbox (${config.superappBaseUrl})` : withoutCredentials(config.superappBaseUrl)}`,
      `  Metrics:          ${
        config.metricsToken
          ? `http://127.0.0.1:${api.port}/metrics (Authorization: Bearer $METRICS_TOKEN)`
          : 'off (set METRICS_TOKEN to a secret of 16+ characters to serve /metrics)'
      }`,
      `  Admin token:      ${config.generatedSecrets.adminToken ? config.adminToken : '(from ADMIN_TOKEN)'}`,
      `  Superapp secret:  ${config.generatedSecrets.superappSecret ? config.superappSecret : '(from SUPERAPP_SECRET)'}`,
      '',
      'Try a whole purchase:  npm run demo        Stop: Ctrl-C',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (err) {
    logger.fatal({ err }, 'vpay failed to start');
    await shutdown(1);
  }
}

/** Where the cluster is; when not where it was asked for (see embedded-pg.ts), both. */
function describePgData(pg: EmbeddedPostgres, requested: string): string {
  return pg.dataDir === requested ? requested : `${pg.dataDir} (${requested} links there)`;
}

void main();
