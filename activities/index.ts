// The purchase, redeliver and refund workflows' activities, built by one factory from their dependencies (database,
// HTTP, config, logger, metrics) so the worker, tests and tools wire them however they need.
// The workflow imports only the type (`import type { Activities }`), never this code.
import type { ActivityDeps } from './deps';
import { createProjectionActivities } from './projection';
import { createSuperappActivities } from './superapp';
import { createDeliveryActivities } from './delivery';
import { createAlertActivities } from './alerts';
import { createRefundActivities } from './refunds';
import { createDeliveryRecovery } from './delivery-recovery';

export type { ActivityDeps } from './deps';

export function createActivities(deps: ActivityDeps) {
  // One view of the developer endpoints' health for deliveries and refund notices alike.
  const { db, wakePurchase, wakeRefund, logger, metrics } = deps;
  const recovery = createDeliveryRecovery({ db, wake: wakePurchase, wakeRefund, logger, metrics });
  return {
    ...createProjectionActivities(deps),
    ...createSuperappActivities(deps),
    ...createDeliveryActivities(deps, recovery),
    ...createAlertActivities(deps),
    ...createRefundActivities(deps, recovery),
  };
}

export type Activities = ReturnType<typeof createActivities>;
