// The configuration file of one Temporal server process of the local cluster. Every process gets
// a file of its own: several instances of one service (two history, two frontend) differ only in
// their ports, and the server reads its service's ports from the `services` section. Services find
// each other through the cluster_membership table in PostgreSQL, at broadcastAddress and each
// one's membershipPort. The file is JSON, which the server's YAML loader reads as YAML.

export type TemporalService = 'frontend' | 'history' | 'matching' | 'worker';

export interface ServiceInstance {
  service: TemporalService;
  /** 1-based, per service: history-1, history-2. */
  index: number;
  grpcPort: number;
  membershipPort: number;
  /** Frontend only: the HTTP API. */
  httpPort?: number;
}

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface ClusterSettings {
  pg: PostgresTarget;
  /** Fixed when the cluster is created (the cluster refuses a different value later). */
  numHistoryShards: number;
  /** host:port the cluster's clients use (the balancer in front of the frontends). */
  frontendAddress: string;
  dynamicConfigFile: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  tls?: ClusterTls;
}

/**
 * mTLS on the frontends (what clients connect to), from PEM files: the frontends require a client
 * certificate their CA signed; Temporal's own worker service presents one too. The services'
 * connections among themselves (internode) stay plaintext on this machine.
 */
export interface ClusterTls {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A name the server certificate holds, for the services' own connections to a frontend. */
  serverName: string;
}

export const DATABASES = { default: 'temporal', visibility: 'temporal_visibility' } as const;

export const instanceName = (i: ServiceInstance): string => `${i.service}-${i.index}`;

export function serverConfig(s: ClusterSettings, self: ServiceInstance): Record<string, unknown> {
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${s.pg.host}:${s.pg.port}`,
      connectProtocol: 'tcp',
      user: s.pg.user,
      password: s.pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  // The other services' sections are never bound by this process; the server only wants them
  // well formed. Its own carries its ports.
  const rpc = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...(httpPort ? { httpPort } : {}) },
  });
  const services: Record<TemporalService, unknown> = {
    frontend: rpc(0, 0, 0),
    history: rpc(0, 0),
    matching: rpc(0, 0),
    worker: rpc(0, 0),
  };
  services[self.service] = rpc(self.grpcPort, self.membershipPort, self.httpPort);
  return {
    log: { stdout: true, level: s.logLevel },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: s.numHistoryShards,
      datastores: { default: sql(DATABASES.default, 20), visibility: sql(DATABASES.visibility, 5) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      pprof: { port: 0 },
      ...(s.tls ? { tls: frontendTls(s.tls) } : {}),
    },
    services,
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: s.frontendAddress },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: s.dynamicConfigFile, pollInterval: '10s' },
  };
}

function frontendTls(t: ClusterTls): Record<string, unknown> {
  const client = { serverName: t.serverName, rootCaFiles: [t.caFile] };
  return {
    frontend: {
      server: { certFile: t.serverCertFile, keyFile: t.serverKeyFile, requireClientAuth: true, clientCaFiles: [t.caFile] },
      client,
    },
    systemWorker: { certFile: t.clientCertFile, keyFile: t.clientKeyFile, client },
  };
}
