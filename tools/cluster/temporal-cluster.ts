// A multi-service Temporal cluster on PostgreSQL, on this machine: its schemas, one process per
// service instance (temporal-server --service X, each with its own config file and ports), the
// balancer its clients connect through, the Web UI server, and the namespace with vpay's search
// attributes, ready for use. Every process can be killed and started again on its own (the
// failover test does). State stays in PostgreSQL: a second start continues what the first left.
import fs from 'node:fs';
import path from 'node:path';
import type { ClusterBinaries } from './binaries';
import { startFrontendBalancer, type FrontendBalancer } from './frontend-balancer';
import { prepareNamespace } from './namespace';
import { prepareSchemas } from './schemas';
import { startSupervised, tcpProbe, type SupervisedProcess } from './supervised-process';
import {
  instanceName,
  serverConfig,
  type ClusterSettings,
  type ClusterTls,
  type PostgresTarget,
  type ServiceInstance,
} from './server-config';
import { uiServerConfig } from './ui-config';

export interface TemporalClusterOptions {
  binaries: ClusterBinaries;
  pg: PostgresTarget;
  /** Config files, pid files and the processes' logs. */
  dataDir: string;
  instances: readonly ServiceInstance[];
  balancerPort: number;
  /** The Web UI's port; 0 runs without it. */
  uiPort: number;
  namespace: string;
  searchAttributes: readonly string[];
  /** One line of a process's output, with its name (`history-2`). */
  onLog?: (name: string, line: string) => void;
  logLevel?: ClusterSettings['logLevel'];
  /** mTLS on the frontends; plaintext when omitted. */
  tls?: ClusterTls;
}

export type ClusterProcess = Pick<SupervisedProcess, 'name' | 'pid' | 'kill' | 'restart'>;

export interface TemporalCluster {
  /** host:port of the balancer: what vpay's TEMPORAL_ADDRESS names. */
  address: string;
  /** Undefined when run without the Web UI. */
  uiUrl?: string;
  namespace: string;
  /** Every server process, by name: frontend-1, history-2, ..., and ui. */
  processes: ReadonlyMap<string, ClusterProcess>;
  /** The balancer, with the client connections it holds to each frontend. */
  balancer: FrontendBalancer;
  /** Each service instance, with its ports (for the addresses `npm run cluster` prints). */
  instances: readonly ServiceInstance[];
  stop(): Promise<void>;
}

/** The history shards of a cluster are fixed when it is created; 4 is plenty for one machine. */
export const NUM_HISTORY_SHARDS = 4;
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

export async function startTemporalCluster(o: TemporalClusterOptions): Promise<TemporalCluster> {
  fs.mkdirSync(o.dataDir, { recursive: true });
  const log = (name: string) => (line: string) => o.onLog?.(name, line);
  // Stopped in reverse order, each tier's processes together.
  const tiers: Array<Array<() => Promise<void>>> = [];
  const stopAll = async () => {
    for (const tier of tiers.splice(0).reverse()) await Promise.all(tier.map((stop) => stop().catch(() => undefined)));
  };
  try {
    await prepareSchemas(o.binaries.sqlTool, o.pg, log('schema'));
    const frontends = o.instances.filter((i) => i.service === 'frontend');
    const balancer = await startFrontendBalancer(
      o.balancerPort,
      frontends.map((f) => `127.0.0.1:${f.grpcPort}`),
    );
    tiers.push([() => balancer.close()]);
    const settings: ClusterSettings = {
      pg: o.pg,
      numHistoryShards: NUM_HISTORY_SHARDS,
      frontendAddress: balancer.address,
      dynamicConfigFile: writeDynamicConfig(o.dataDir),
      logLevel: o.logLevel ?? 'warn',
      tls: o.tls,
    };
    const processes = new Map<string, ClusterProcess>();
    const services: Array<() => Promise<void>> = [];
    tiers.push(services);
    // History first (the shards), then matching, the frontends, and Temporal's own worker service,
    // which needs a frontend to talk to.
    for (const service of ['history', 'matching', 'frontend', 'worker'] as const) {
      for (const instance of o.instances.filter((i) => i.service === service)) {
        const p = await startServerProcess(o, settings, instance, log(instanceName(instance)));
        processes.set(p.name, p);
        services.push(() => p.stop());
      }
    }
    if (o.uiPort) {
      const ui = await startUiProcess(o, balancer.address, log('ui'));
      processes.set(ui.name, ui);
      tiers.push([() => ui.stop()]);
    }
    await prepareNamespace({
      address: balancer.address,
      frontendAddresses: frontends.map((f) => `127.0.0.1:${f.grpcPort}`),
      namespace: o.namespace,
      searchAttributes: o.searchAttributes,
      tls: o.tls,
    });
    return {
      address: balancer.address,
      uiUrl: o.uiPort ? `http://127.0.0.1:${o.uiPort}` : undefined,
      namespace: o.namespace,
      processes,
      balancer,
      instances: o.instances,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * The dynamic config the cluster runs with: empty, so every setting is the server's default, as a
 * production cluster starts; the file is where to change one (the server reads it every 10 s).
 */
function writeDynamicConfig(dataDir: string): string {
  const file = path.join(dataDir, 'dynamicconfig.yaml');
  if (!fs.existsSync(file)) fs.writeFileSync(file, '{}\n');
  return file;
}

/** Config files hold the database password: readable by this user only. */
const writePrivate = (file: string, text: string) => fs.writeFileSync(file, text, { mode: 0o600 });

function startServerProcess(
  o: TemporalClusterOptions,
  settings: ClusterSettings,
  instance: ServiceInstance,
  log: (line: string) => void,
): Promise<SupervisedProcess> {
  const name = instanceName(instance);
  const configFile = path.join(o.dataDir, `${name}.json`);
  writePrivate(configFile, JSON.stringify(serverConfig(settings, instance), null, 2));
  return startSupervised({
    name,
    dataDir: o.dataDir,
    command: o.binaries.server,
    args: ['--config-file', configFile, '--allow-no-auth', 'start', '--service', instance.service],
    identifiedBy: configFile,
    cwd: o.dataDir,
    port: instance.grpcPort,
    probe: () => tcpProbe(instance.grpcPort),
    readyTimeoutMs: READY_TIMEOUT_MS,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    onLog: log,
  });
}

function startUiProcess(o: TemporalClusterOptions, temporalAddress: string, log: (line: string) => void): Promise<SupervisedProcess> {
  const configDir = path.join(o.dataDir, 'ui-config');
  fs.mkdirSync(configDir, { recursive: true });
  writePrivate(
    path.join(configDir, 'cluster.yaml'),
    JSON.stringify(uiServerConfig(temporalAddress, o.uiPort, o.namespace, o.tls), null, 2),
  );
  return startSupervised({
    name: 'ui',
    dataDir: o.dataDir,
    command: o.binaries.uiServer,
    args: ['--root', o.dataDir, '--config', 'ui-config', '--env', 'cluster', 'start'],
    identifiedBy: o.binaries.uiServer,
    cwd: o.dataDir,
    port: o.uiPort,
    // Its pages and its API: the namespace list answers once it reaches the cluster.
    probe: async () => {
      const r = await fetch(`http://127.0.0.1:${o.uiPort}/api/v1/namespaces/${encodeURIComponent(o.namespace)}`);
      if (r.status >= 500) throw new Error(`the Web UI answered ${r.status}`);
    },
    readyTimeoutMs: READY_TIMEOUT_MS,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    onLog: log,
  });
}
