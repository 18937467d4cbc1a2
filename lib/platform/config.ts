// Configuration is read and validated once, here, from the environment, then passed down.
// Nothing else in vpay reads process.env for its settings.
import { z } from 'zod';
import { loadDevSecrets } from './dev-secrets';

const boolFromEnv = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const positiveMs = z.coerce.number().int().positive();

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().min(1).optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('vpay-purchases'),
  /** TLS to Temporal with the system's roots and no client certificate; implied by the five below. */
  TEMPORAL_TLS: boolFromEnv.optional(),
  /** mTLS: paths of the PEM client certificate and its key, both or neither. */
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  /** Path of a PEM CA bundle to verify the server's certificate with (a private CA). */
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  /** The name the server's certificate is checked against (and sent as SNI), when not the address's host. */
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Temporal Cloud's API key, sent as a bearer token; only over TLS. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** The Temporal Web UI the console links each purchase to; unset: no links (workflowUrl null). */
  TEMPORAL_UI_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//i, 'must be an http(s) URL')
    // Console users see the links: a password in it would be shown to all of them.
    .refine((u) => !new URL(u).username && !new URL(u).password, 'must carry no username or password')
    .optional(),
  SUPERAPP_BASE_URL: z.string().url().optional(),
  SUPERAPP_SECRET: z.string().min(16).optional(),
  ADMIN_TOKEN: z.string().min(16).optional(),
  PAYMENT_TIMEOUT_MS: positiveMs.default(900_000),
  DELIVERY_RETRY_INITIAL_MS: positiveMs.default(15_000),
  DELIVERY_RETRY_MAX_MS: positiveMs.default(3_600_000),
  DELIVERY_ALERT_AFTER_MS: positiveMs.default(600_000),
  ALERT_WEBHOOK_URL: z.string().url().optional(),
  DELIVERY_ALLOW_PRIVATE: boolFromEnv.default(false),
  /** How long a rotated-out app key still verifies (CONTRACT.md 7.4); 0 ends it at the rotation. */
  KEY_ROTATION_OVERLAP_MS: z.coerce.number().int().min(0).default(86_400_000),
  /** The built-in sandbox superapp, chosen explicitly (`npm start` chooses it when SUPERAPP_BASE_URL is unset). */
  SANDBOX: boolFromEnv.default(false),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * New purchases run the payment request's short steps (order row, prepay call, PREPAID row) as
   * local activities, inside one workflow task (docs/ARCHITECTURE.md, "Local steps"). `false`
   * brings back one activity task per step: for the benchmark's side-by-side, or to back out.
   */
  PURCHASE_LOCAL_STEPS: boolFromEnv.default(true),
  /**
   * New purchases write the payment callback's PAID row as a local activity, so the callback is
   * answered in the workflow task that accepts it (docs/ARCHITECTURE.md, "The PAID row as a local
   * activity"). `false` writes it as an activity task: for the benchmark's side-by-side, or to back out.
   */
  PURCHASE_LOCAL_PAID_ROW: boolFromEnv.default(true),
  /**
   * New purchases run as the `purchaseV2` workflow type, which asks no patches (workflows/purchase.ts).
   * `false` starts the `purchase` type, as before: to back out, and for the benchmark's side-by-side.
   */
  PURCHASE_WORKFLOW_V2: boolFromEnv.default(true),
  /**
   * How many purchases' workflow state the worker keeps in memory between their tasks (the
   * sticky cache). Unset: the SDK's default, from the machine's memory. Lower bounds the worker's
   * memory with many pending orders; a purchase evicted from it is replayed from its history.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /**
   * A workflow bundle the worker runs instead of its own (`npm run build` writes one to
   * dist/workflow-bundle.js; a deploy may ship another). Unset: dist's when built, else bundled at start.
   */
  WORKER_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /**
   * The task queue of the calls to developer endpoints (deliveries, redeliveries, refund notices),
   * polled by every worker's delivery Worker. Unset: `<TEMPORAL_TASK_QUEUE>-delivery`.
   */
  DELIVERY_TASK_QUEUE: z.string().min(1).optional(),
  /**
   * New purchases, refunds and redeliveries call developer endpoints on DELIVERY_TASK_QUEUE (the
   * API puts it in their input). `false` keeps those calls on TEMPORAL_TASK_QUEUE, as before: for
   * a rolling upgrade while older workers still run (docs/OPERATIONS.md).
   */
  SEPARATE_DELIVERY_QUEUE: boolFromEnv.default(true),
  /**
   * Activity slots of the worker's delivery Worker (calls to developer endpoints, on their own
   * task queue): as many attempts as may wait on slow endpoints at once, apart from the slots of
   * the payment path's activities.
   */
  WORKER_MAX_CONCURRENT_DELIVERIES: z.coerce.number().int().min(1).default(100),
  /**
   * Delivery attempts one developer endpoint (a URL's origin) may have in flight at once in one
   * worker; an attempt beyond it is refused before it is counted or sent and tried again later
   * (activities/delivery.ts). Unset: half of WORKER_MAX_CONCURRENT_DELIVERIES, at most 64 (the
   * sockets one origin gets).
   */
  WORKER_MAX_DELIVERIES_PER_ENDPOINT: z.coerce.number().int().min(1).optional(),
  /** How long the API waits for a workflow's answer (prepay outcome, payment recorded). */
  WORKFLOW_ANSWER_TIMEOUT_MS: positiveMs.default(30_000),
  /**
   * Payment requests one API process lets wait on Temporal at once; the next gets 503/50303 at
   * once instead of queueing (docs/OPERATIONS.md). 0: no bound.
   */
  PAYMENT_REQUESTS_MAX_IN_FLIGHT: z.coerce.number().int().min(0).default(64),
  /** Bearer token GET /metrics asks for; unset: no /metrics at all (metrics are opt-in). */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** Interface the worker's own /metrics listens on: loopback unless told otherwise. */
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Port of the worker's own /metrics when it runs as a separate process; 0 = none. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
});

/** How vpay's connections to Temporal use TLS: paths only, the files are read when connecting (lib/platform/temporal-connection.ts). */
export interface TemporalTlsSettings {
  /** TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: the client certificate and key for mTLS. */
  clientCert?: { certPath: string; keyPath: string };
  /** TEMPORAL_TLS_CA; unset: the system's roots. */
  caPath?: string;
  /** TEMPORAL_TLS_SERVER_NAME; unset: the host of TEMPORAL_ADDRESS. */
  serverName?: string;
}

export interface Config {
  port: number;
  /** Unset means: the embedded PostgreSQL that `npm start` runs under DATA_DIR. */
  databaseUrl?: string;
  temporalAddress: string;
  temporalNamespace: string;
  /** Unset: plaintext, as to a local dev server. Set by any TEMPORAL_TLS* setting or TEMPORAL_API_KEY. */
  temporalTls?: TemporalTlsSettings;
  /** TEMPORAL_API_KEY: a secret, never logged nor printed (lib/platform/logger.ts censors it). */
  temporalApiKey?: string;
  taskQueue: string;
  /** Base URL of the Temporal Web UI (no trailing slash), for the console's workflow links. */
  temporalUiUrl?: string;
  /** Where vpay calls the superapp backend (the sandbox's routes when SUPERAPP_BASE_URL is unset). */
  superappBaseUrl: string;
  /** True when the built-in sandbox superapp answers (SUPERAPP_BASE_URL unset). */
  sandboxEnabled: boolean;
  superappSecret: string;
  adminToken: string;
  /** The superapp secret or admin token was generated for development, not given. */
  generatedSecrets: { superappSecret: boolean; adminToken: boolean };
  paymentTimeoutMs: number;
  deliveryRetryInitialMs: number;
  deliveryRetryMaxMs: number;
  deliveryAlertAfterMs: number;
  /** PURCHASE_LOCAL_STEPS: the request path's steps as local activities (new purchases only). */
  purchaseLocalSteps: boolean;
  /** PURCHASE_LOCAL_PAID_ROW: the callback's PAID row as a local activity (new purchases only). */
  purchaseLocalPaidRow: boolean;
  /** PURCHASE_WORKFLOW_V2: new purchases run as the purchaseV2 workflow type (no patch markers). */
  purchaseWorkflowV2: boolean;
  alertWebhookUrl?: string;
  deliveryAllowPrivate: boolean;
  keyRotationOverlapMs: number;
  dataDir: string;
  logLevel: string;
  /** Unset: the API has no /metrics (404), and a worker's metrics server asks for no token. */
  metricsToken?: string;
  workerMetricsHost: string;
  workerMetricsPort: number;
  workflowAnswerTimeoutMs: number;
  /** PAYMENT_REQUESTS_MAX_IN_FLIGHT; 0: no bound. */
  paymentRequestsMaxInFlight: number;
  /** WORKER_MAX_CACHED_WORKFLOWS; unset: the SDK's default. */
  workerMaxCachedWorkflows?: number;
  /** WORKER_WORKFLOW_BUNDLE: the path of a prebuilt workflow bundle to run. */
  workerWorkflowBundle?: string;
  /** DELIVERY_TASK_QUEUE, or `<taskQueue>-delivery`: where the delivery Worker polls. */
  deliveryTaskQueue: string;
  /** SEPARATE_DELIVERY_QUEUE: new workflows call developer endpoints on deliveryTaskQueue. */
  separateDeliveryQueue: boolean;
  /** WORKER_MAX_CONCURRENT_DELIVERIES: the delivery Worker's activity slots. */
  workerMaxConcurrentDeliveries: number;
  /** WORKER_MAX_DELIVERIES_PER_ENDPOINT; unset: lib/outbound/endpoint-share.ts endpointShareLimit. */
  workerMaxDeliveriesPerEndpoint?: number;
}

export class ConfigError extends Error {}

/** Reads and validates the environment once. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid environment: ${problems}`);
  }
  const e = parsed.data;
  if (e.DELIVERY_RETRY_MAX_MS < e.DELIVERY_RETRY_INITIAL_MS) {
    throw new ConfigError('invalid environment: DELIVERY_RETRY_MAX_MS must be >= DELIVERY_RETRY_INITIAL_MS');
  }
  // The delivery Worker registers only the developer-facing activities: polling the main queue it
  // would take the payment path's activity tasks (prepay, rows, confirmation) and fail them.
  if (e.DELIVERY_TASK_QUEUE !== undefined && e.DELIVERY_TASK_QUEUE === e.TEMPORAL_TASK_QUEUE) {
    throw new ConfigError('invalid environment: DELIVERY_TASK_QUEUE must differ from TEMPORAL_TASK_QUEUE');
  }
  // Which superapp takes the money is never a silent default (CONTRACT.md 1): a service that fell
  // back to the sandbox would create orders an admin can mark paid with no money taken. `npm start`
  // chooses the sandbox explicitly (tools/dev/local-stack-env.ts). Checked before the dev secrets
  // are generated, so a refused start leaves nothing behind.
  if (e.SANDBOX && e.SUPERAPP_BASE_URL) {
    throw new ConfigError('invalid environment: SANDBOX=true and SUPERAPP_BASE_URL exclude each other; set one of them');
  }
  if (!e.SANDBOX && !e.SUPERAPP_BASE_URL) {
    throw new ConfigError(
      "invalid environment: SUPERAPP_BASE_URL is not set: set it to the superapp backend's base URL, " +
        'or SANDBOX=true to use the built-in sandbox superapp (`npm start` does this by itself)',
    );
  }
  const temporalTls = temporalTlsOf(e);
  const needDev = !e.SUPERAPP_SECRET || !e.ADMIN_TOKEN;
  const dev = needDev ? loadDevSecrets(e.DATA_DIR) : undefined;
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    temporalAddress: e.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    temporalTls,
    temporalApiKey: e.TEMPORAL_API_KEY,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    temporalUiUrl: e.TEMPORAL_UI_URL?.replace(/\/+$/, ''),
    superappBaseUrl: (e.SUPERAPP_BASE_URL ?? `http://127.0.0.1:${e.PORT}/sandbox`).replace(/\/+$/, ''),
    sandboxEnabled: !e.SUPERAPP_BASE_URL,
    superappSecret: e.SUPERAPP_SECRET ?? dev!.superappSecret,
    adminToken: e.ADMIN_TOKEN ?? dev!.adminToken,
    generatedSecrets: { superappSecret: !e.SUPERAPP_SECRET, adminToken: !e.ADMIN_TOKEN },
    paymentTimeoutMs: e.PAYMENT_TIMEOUT_MS,
    deliveryRetryInitialMs: e.DELIVERY_RETRY_INITIAL_MS,
    deliveryRetryMaxMs: e.DELIVERY_RETRY_MAX_MS,
    deliveryAlertAfterMs: e.DELIVERY_ALERT_AFTER_MS,
    purchaseLocalSteps: e.PURCHASE_LOCAL_STEPS,
    purchaseLocalPaidRow: e.PURCHASE_LOCAL_PAID_ROW,
    purchaseWorkflowV2: e.PURCHASE_WORKFLOW_V2,
    alertWebhookUrl: e.ALERT_WEBHOOK_URL,
    deliveryAllowPrivate: e.DELIVERY_ALLOW_PRIVATE,
    keyRotationOverlapMs: e.KEY_ROTATION_OVERLAP_MS,
    dataDir: e.DATA_DIR,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    workerMetricsHost: e.WORKER_METRICS_HOST,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    workflowAnswerTimeoutMs: e.WORKFLOW_ANSWER_TIMEOUT_MS,
    paymentRequestsMaxInFlight: e.PAYMENT_REQUESTS_MAX_IN_FLIGHT,
    workerMaxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    workerWorkflowBundle: e.WORKER_WORKFLOW_BUNDLE,
    deliveryTaskQueue: e.DELIVERY_TASK_QUEUE ?? `${e.TEMPORAL_TASK_QUEUE}-delivery`,
    separateDeliveryQueue: e.SEPARATE_DELIVERY_QUEUE,
    workerMaxConcurrentDeliveries: e.WORKER_MAX_CONCURRENT_DELIVERIES,
    workerMaxDeliveriesPerEndpoint: e.WORKER_MAX_DELIVERIES_PER_ENDPOINT,
  };
}

/** TLS is on when asked for (TEMPORAL_TLS=true) or when any setting needs it; see TemporalTlsSettings. */
function temporalTlsOf(e: z.infer<typeof EnvSchema>): TemporalTlsSettings | undefined {
  const cert = e.TEMPORAL_TLS_CERT;
  const key = e.TEMPORAL_TLS_KEY;
  // One without the other would connect without the client certificate the cluster asks for,
  // and fail later, at the handshake, with a less telling error.
  if (Boolean(cert) !== Boolean(key)) {
    throw new ConfigError(
      `invalid environment: ${cert ? 'TEMPORAL_TLS_CERT is set without TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_KEY is set without TEMPORAL_TLS_CERT'}: ` +
        'the client certificate and its key for mTLS go together; set both or neither',
    );
  }
  const needTls = (
    ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY'] as const
  ).filter((k) => e[k] !== undefined);
  // Plaintext would send the API key in the clear, and ignore the others silently.
  if (e.TEMPORAL_TLS === false && needTls.length) {
    throw new ConfigError(`invalid environment: TEMPORAL_TLS=false, but ${needTls.join(', ')} need(s) TLS; unset one or the other`);
  }
  if (!e.TEMPORAL_TLS && !needTls.length) return undefined;
  return {
    ...(cert && key ? { clientCert: { certPath: cert, keyPath: key } } : {}),
    ...(e.TEMPORAL_TLS_CA ? { caPath: e.TEMPORAL_TLS_CA } : {}),
    ...(e.TEMPORAL_TLS_SERVER_NAME ? { serverName: e.TEMPORAL_TLS_SERVER_NAME } : {}),
  };
}
