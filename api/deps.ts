// What the API's routes are built from; passed down once from the process that runs them.
import type { Client } from '@temporalio/client';
import type { Config } from '../lib/platform/config';
import type { Db } from '../lib/db/db';
import type { Logger } from '../lib/platform/logger';
import type { Metrics } from '../lib/platform/metrics';
import type { PostJson } from '../lib/outbound/superapp-client';

export interface ApiDeps {
  db: Db;
  client: Client;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** Outbound HTTP, used by the sandbox superapp to send its payment callbacks. */
  post: PostJson;
  /** Where the built web console is (default dist/console-ui; api/console-ui/router.ts). */
  consoleUiDir?: string;
}
