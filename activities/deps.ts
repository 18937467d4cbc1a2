// What the activities are built from; the worker passes them once (worker/start.ts), tests pass fakes.
import type { Config } from '../lib/platform/config';
import type { Db } from '../lib/db/db';
import type { Logger } from '../lib/platform/logger';
import type { Metrics } from '../lib/platform/metrics';
import type { PostJson } from '../lib/outbound/superapp-client';
import type { WakePurchase, WakeRefund } from './delivery-recovery';

export interface ActivityDeps {
  db: Db;
  config: Config;
  post: PostJson;
  logger: Logger;
  metrics: Metrics;
  /** Signals a purchase to retry its delivery now (activities/delivery-recovery.ts). */
  wakePurchase: WakePurchase;
  /** Signals a refund to retry its notice now (activities/delivery-recovery.ts). */
  wakeRefund: WakeRefund;
}
