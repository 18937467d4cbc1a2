// The /metrics of a worker run as its own process (`npm run worker`, WORKER_METRICS_PORT).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '../lib/platform/metrics';

export interface MetricsServerOptions {
  metrics: Metrics;
  port: number;
}

export interface RunningMetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer({ metrics, port }: MetricsServerOptions): Promise<RunningMetricsServer> {
  const server = http.createServer(async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.end(await metrics.registry.metrics());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
