// Starts the HTTP API from a validated config: its database pool, its Temporal client (and the
// namespace's search attributes), the Express app, and the server. `npm run api` runs one;
// `npm start`, the tests and the benchmark start it in-process with the worker.
import http from 'node:http';
import type express from 'express';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createDb, type Db } from '../lib/db/db';
import { safePostJson, destroySafePostAgents } from '../lib/outbound/safe-post';
import { ensureSearchAttributes } from '../lib/platform/temporal-setup';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../lib/platform/temporal-connection';
import type { ServiceContext } from '../lib/platform/service-context';
import { SEARCH_ATTRIBUTE_NAMES } from '../workflows/definitions';
import { createExpressApp, errorShapeOfPath } from './create-app';
import { clientErrorAnswerer } from './http/client-error';

export interface ApiOptions {
  /** Interface to listen on (default all; tests and the benchmark use 127.0.0.1). */
  host?: string;
  /** knex pool max (default 10). */
  poolSize?: number;
  /** Built (certificate files read) by the caller already; otherwise built here from the config. */
  temporal?: TemporalConnectionOptions;
}

export interface RunningApi {
  url: string;
  port: number;
  db: Db;
  client: Client;
  /** The Express app, for tests that look at what it serves (test/integration/openapi.test.ts). */
  app: express.Express;
  stop(): Promise<void>;
}

export async function startApi({ config, databaseUrl, logger, metrics }: ServiceContext, o: ApiOptions = {}): Promise<RunningApi> {
  // First: a certificate file that cannot be read stops the start before anything is opened.
  const temporalOptions = o.temporal ?? temporalConnectionOptions(config);
  const db = createDb(databaseUrl, o.poolSize ?? 10, logger);
  const connection = await Connection.connect(temporalOptions);
  await ensureSearchAttributes(connection, config.temporalNamespace, SEARCH_ATTRIBUTE_NAMES);
  const client = new Client({ connection, namespace: config.temporalNamespace });
  const app = createExpressApp({ db, client, config, logger, metrics, post: safePostJson });
  const server = http.createServer(app);
  // What Node's parser refuses (a head over 16 KiB, a malformed request line) gets a JSON error too.
  server.on('clientError', clientErrorAnswerer(errorShapeOfPath(config)));
  // Callbacks and payment requests may wait on a workflow for a while; keep sockets alive.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, o.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    db,
    client,
    app,
    async stop() {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      await db.destroy();
      destroySafePostAgents();
    },
  };
}
