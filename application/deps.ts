// What the application's functions are built from: the orders and apps in PostgreSQL, the
// purchase and refund workflows through their clients, and the bound on payment requests waiting
// on Temporal at once.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db/db';
import type { Config } from '../lib/platform/config';
import type { Metrics } from '../lib/platform/metrics';
import { createAdmissionGate, type AdmissionGate } from '../lib/platform/admission-gate';
import { createPurchaseClient, type PurchaseClient, type PurchaseClientConfig } from './purchase-client';
import { createRefundClient, type RefundClient, type RefundClientConfig } from './refund-client';

export interface ApplicationDeps {
  db: Db;
  purchases: PurchaseClient;
  /** The refund workflows (CONTRACT.md 8). */
  refunds: RefundClient;
  /** Payment requests waiting on their purchase's workflow, bounded (PAYMENT_REQUESTS_MAX_IN_FLIGHT). */
  paymentAdmission: AdmissionGate;
  /** How long a refused callback waits for the order row to settle (WORKFLOW_ANSWER_TIMEOUT_MS). */
  rowSettleWaitMs: number;
}

export function applicationDeps(o: {
  db: Db;
  client: Client;
  config: PurchaseClientConfig & RefundClientConfig & Pick<Config, 'paymentRequestsMaxInFlight'>;
  metrics?: Pick<Metrics, 'paymentRequestsInFlight' | 'paymentRequestsShed'>;
}): ApplicationDeps {
  const m = o.metrics;
  return {
    db: o.db,
    purchases: createPurchaseClient(o.client, o.config),
    refunds: createRefundClient(o.client, o.config),
    paymentAdmission: createAdmissionGate(o.config.paymentRequestsMaxInFlight, {
      inFlight: (n) => m?.paymentRequestsInFlight.set(n),
      refused: () => m?.paymentRequestsShed.inc(),
    }),
    rowSettleWaitMs: o.config.workflowAnswerTimeoutMs,
  };
}
