// What the API's routes are built from; passed down once from the process that runs them.
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/config';
import type { Db } from '../lib/db';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import type { PostJson } from '../lib/superapp-client';

export interface ApiDeps {
  db: Db;
  client: Client;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** Outbound HTTP, used by the sandbox superapp to send its payment callbacks. */
  post: PostJson;
}
