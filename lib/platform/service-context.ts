// What every vpay process hands to the services it starts (api/start.ts, worker/start.ts).
import type { Config } from './config';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface ServiceContext {
  config: Config;
  databaseUrl: string;
  logger: Logger;
  metrics: Metrics;
}
