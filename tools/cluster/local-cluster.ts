// Everything `npm run cluster` runs, as one function the failover test calls too: an embedded
// PostgreSQL of its own, the multi-service Temporal cluster on it (temporal-cluster.ts), then N
// vpay workers and M vpay APIs as processes of their own. Ports are fixed for `npm run cluster`
// (apart from `npm start`'s) or free ones for tests.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type Config } from '../../lib/platform/config';
import { prepareDatabase } from '../../lib/db/db';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/definitions';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../dev/embedded-pg';
import { freePort, freePortBelow } from '../dev/free-port';
import { localStackEnv } from '../dev/local-stack-env';
import { ensureClusterBinaries } from './binaries';
import type { ClusterTls, ServiceInstance } from './server-config';
import { startTemporalCluster, type TemporalCluster } from './temporal-cluster';
import { startVpayProcess, type VpayProcess } from './vpay-processes';

export interface LocalClusterOptions {
  workers: number;
  apis: number;
  /** Everything the cluster keeps: PostgreSQL's data, the servers' configs, pid files. */
  dataDir: string;
  /** 'fixed': the ports below (`npm run cluster`); 'free': any free ones (tests). */
  ports: 'fixed' | 'free';
  /** vpay settings over the local stack's defaults (e.g. DELIVERY_RETRY_INITIAL_MS for a test). */
  vpayEnv?: NodeJS.ProcessEnv;
  onLog?: (name: string, line: string) => void;
  /** mTLS on the Temporal frontends; vpay's processes then connect with TEMPORAL_TLS_CERT/_KEY/_CA. */
  tls?: ClusterTls;
  /** Progress lines ("building the Temporal server", "history-1 serving"). */
  onStep?: (line: string) => void;
}

export interface LocalCluster {
  temporal: TemporalCluster;
  workers: VpayProcess[];
  apis: VpayProcess[];
  databaseUrl: string;
  /** The settings vpay's processes run with (ADMIN_TOKEN, SUPERAPP_SECRET among them). */
  config: Config;
  env: NodeJS.ProcessEnv;
  pgPort: number;
  stop(): Promise<void>;
}

/** `npm run cluster`'s ports: none of them is one `npm start` uses (3000, 7233, 8233, 54329). */
export const FIXED_PORTS = {
  pg: 54339,
  balancer: 7333,
  ui: 8333,
  firstApi: 3101,
  /** Each vpay worker's WORKER_METRICS_PORT (its /metrics, and the readiness probe). */
  firstWorkerMetrics: 9101,
  /** Service instances count up from here: grpc at base + i, membership at base + 100 + i, a frontend's HTTP API at httpBase + i. */
  servicesBase: 7340,
  httpBase: 7540,
} as const;

export const ROOT = path.resolve(__dirname, '..', '..');

/** 6 Temporal processes × 25 + up to 16 vpay processes × 10, with room for the operator's tools. */
export const MAX_PG_CONNECTIONS = 400;

export async function startLocalCluster(o: LocalClusterOptions): Promise<LocalCluster> {
  const step = o.onStep ?? (() => undefined);
  // Each child process adds an exit hook (managed-process.ts): about a dozen here.
  process.setMaxListeners(Math.max(process.getMaxListeners(), 50));
  const binaries = await ensureClusterBinaries(ROOT, step);
  const port = async (fixed: number) => (o.ports === 'fixed' ? fixed : freePort());
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const pgPort = await port(FIXED_PORTS.pg);
    step(`starting PostgreSQL on 127.0.0.1:${pgPort}`);
    const pg: EmbeddedPostgres = await startEmbeddedPostgres({
      dataDir: path.join(o.dataDir, 'pg'),
      port: pgPort,
      // Every Temporal service process keeps a pool of its own (server-config.ts: up to 20 + 5),
      // next to vpay's (10 per API or worker): more than PostgreSQL's default of 100.
      settings: { max_connections: String(MAX_PG_CONNECTIONS) },
    });
    stops.push(() => pg.stop());
    const pgUrl = new URL(pg.url);
    const pgTarget = {
      host: pgUrl.hostname,
      port: pgPort,
      user: decodeURIComponent(pgUrl.username),
      password: decodeURIComponent(pgUrl.password),
    };

    const instances = await serviceInstances(o.ports);
    step('starting the Temporal cluster: 2 history, 1 matching, 2 frontend, 1 worker service, the Web UI');
    const temporal = await startTemporalCluster({
      binaries,
      pg: pgTarget,
      dataDir: path.join(o.dataDir, 'temporal'),
      instances,
      balancerPort: await port(FIXED_PORTS.balancer),
      uiPort: await port(FIXED_PORTS.ui),
      namespace: 'default',
      searchAttributes: SEARCH_ATTRIBUTE_NAMES,
      onLog: o.onLog,
      tls: o.tls,
    });
    stops.push(() => temporal.stop());

    // vpay's settings, as `npm start` chooses them (the sandbox superapp, generated dev secrets
    // under DATA_DIR), with the cluster's addresses; every process gets the same ones.
    const apiPorts: number[] = [];
    for (let i = 0; i < o.apis; i++) apiPorts.push(await port(FIXED_PORTS.firstApi + i));
    const base = localStackEnv({
      ...process.env,
      ...o.vpayEnv,
      DATABASE_URL: pg.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      ...(temporal.uiUrl ? { TEMPORAL_UI_URL: temporal.uiUrl } : {}),
      ...(o.tls
        ? {
            TEMPORAL_TLS_CERT: o.tls.clientCertFile,
            TEMPORAL_TLS_KEY: o.tls.clientKeyFile,
            TEMPORAL_TLS_CA: o.tls.caFile,
            TEMPORAL_TLS_SERVER_NAME: o.tls.serverName,
          }
        : {}),
      // The workers reach the sandbox superapp on the first API.
      PORT: String(apiPorts[0] ?? FIXED_PORTS.firstApi),
    });
    const config = loadConfig(base);
    const env: NodeJS.ProcessEnv = {
      ...base,
      SANDBOX: config.sandboxEnabled ? 'true' : '',
      ADMIN_TOKEN: config.adminToken,
      SUPERAPP_SECRET: config.superappSecret,
    };
    // Once, before the processes start, so they do not race each other's migrations.
    await prepareDatabase(pg.url);

    const vpayDir = path.join(o.dataDir, 'vpay');
    fs.mkdirSync(vpayDir, { recursive: true });
    const workers: VpayProcess[] = [];
    const apis: VpayProcess[] = [];
    // Stopped together: the arrays fill as they start, so a failed start stops those started.
    stops.push(async () => {
      await Promise.all([...apis, ...workers].map((p) => p.stop().catch(() => undefined)));
    });
    for (let i = 1; i <= o.workers; i++) {
      step(`starting vpay worker ${i}`);
      const metricsPort = await port(FIXED_PORTS.firstWorkerMetrics + i - 1);
      const w = await startVpayProcess({
        name: `vpay-worker-${i}`,
        role: 'worker',
        dataDir: vpayDir,
        env: { ...env, WORKER_METRICS_PORT: String(metricsPort) },
        port: metricsPort,
        onLog: o.onLog,
      });
      workers.push(w);
    }
    for (const [i, apiPort] of apiPorts.entries()) {
      step(`starting vpay API ${i + 1} on 127.0.0.1:${apiPort}`);
      const a = await startVpayProcess({
        name: `vpay-api-${i + 1}`,
        role: 'api',
        dataDir: vpayDir,
        env: { ...env, PORT: String(apiPort) },
        port: apiPort,
        onLog: o.onLog,
      });
      apis.push(a);
    }
    return { temporal, workers, apis, databaseUrl: pg.url, config, env, pgPort, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** 2 history, 1 matching, 2 frontend, 1 worker service, each with its own ports (the benchmark's cluster scenario too). */
export async function serviceInstances(ports: 'fixed' | 'free'): Promise<ServiceInstance[]> {
  const layout = [
    ['history', 1],
    ['history', 2],
    ['matching', 1],
    ['frontend', 1],
    ['frontend', 2],
    ['worker', 1],
  ] as const;
  const out: ServiceInstance[] = [];
  // The server writes its ports into cluster_membership.rpc_port, a smallint: the OS's free ports
  // (32768 and up) fail there ("value out of range for type smallint"), so free ones below 32768.
  const taken = new Set<number>();
  const free = async () => {
    for (;;) {
      const p = await freePortBelow(32_768);
      if (taken.has(p)) continue;
      taken.add(p);
      return p;
    }
  };
  for (const [k, [service, index]] of layout.entries()) {
    const fixed = ports === 'fixed';
    out.push({
      service,
      index,
      grpcPort: fixed ? FIXED_PORTS.servicesBase + k : await free(),
      membershipPort: fixed ? FIXED_PORTS.servicesBase + 100 + k : await free(),
      ...(service === 'frontend' ? { httpPort: fixed ? FIXED_PORTS.httpBase + k : await free() } : {}),
    });
  }
  return out;
}
