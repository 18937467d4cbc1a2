// The configuration of the Temporal Web UI server (temporalio/ui-server) in front of the local
// cluster: it talks gRPC to the cluster through the balancer and serves its pages on uiPort.
// Written as JSON, which the server's YAML loader reads.
import type { ClusterTls } from './server-config';

export function uiServerConfig(
  temporalGrpcAddress: string,
  port: number,
  defaultNamespace: string,
  tls?: ClusterTls,
): Record<string, unknown> {
  return {
    // Through the balancer to a frontend that requires a client certificate, when TLS is on.
    ...(tls
      ? {
          tls: {
            caFile: tls.caFile,
            certFile: tls.clientCertFile,
            keyFile: tls.clientKeyFile,
            serverName: tls.serverName,
            enableHostVerification: true,
          },
        }
      : {}),
    temporalGrpcAddress,
    host: '127.0.0.1',
    port,
    enableUi: true,
    defaultNamespace,
    // The local cluster is served over plain HTTP.
    cors: { cookieInsecure: true, allowOrigins: [] },
    refreshInterval: '1m',
  };
}
