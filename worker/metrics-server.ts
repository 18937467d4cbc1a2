// The /metrics of a worker run as its own process (`npm run worker`, WORKER_METRICS_PORT). It
// listens on loopback unless WORKER_METRICS_HOST says otherwise, and asks for METRICS_TOKEN
// when that is set: metrics show the platform's volumes and error rates to whoever reads them.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '../lib/platform/metrics';
import { bearerTokenCheck } from '../lib/platform/bearer';

export interface MetricsServerOptions {
  metrics: Metrics;
  port: number;
  /** Interface to listen on; default 127.0.0.1. */
  host?: string;
  /** When set, GET /metrics answers only `Authorization: Bearer <token>`. */
  token?: string;
}

export interface RunningMetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer({ metrics, port, host, token }: MetricsServerOptions): Promise<RunningMetricsServer> {
  const authorized = token ? bearerTokenCheck(token) : () => true;
  const answer = (res: http.ServerResponse, status: number, errCode: number, errMsg: string) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ errCode, errMsg }));
  // serve() never rejects (it answers 500 instead), so the request listener can drop its promise.
  const serve = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    if ((req.method !== 'GET' && req.method !== 'HEAD') || path !== '/metrics') {
      answer(res, 404, 40404, 'no such route');
    } else if (!authorized(req.headers.authorization)) {
      answer(res, 401, 40100, 'missing or wrong metrics token');
    } else {
      try {
        const text = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text);
      } catch {
        answer(res, 500, 50001, 'metrics unavailable');
      }
    }
  };
  const server = http.createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
