// /metrics is opt-in: without METRICS_TOKEN the API answers it like any unknown route, with it
// only a caller presenting the token gets the metrics; a separate worker's metrics server listens
// on loopback unless told otherwise, and asks for the same token.
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createExpressApp } from '../../api/create-app';
import type { ApiDeps } from '../../api/deps';
import { loadConfig } from '../../lib/platform/config';
import { createLogger } from '../../lib/platform/logger';
import { createMetrics } from '../../lib/platform/metrics';
import { safePostJson } from '../../lib/outbound/safe-post';
import { startMetricsServer, type RunningMetricsServer } from '../../worker/metrics-server';

const TOKEN = 'm'.repeat(40);
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

function metricsWithOneSample() {
  const metrics = createMetrics(false);
  metrics.paymentRequests.inc({ result: 'ok' });
  return metrics;
}

/** The API's Express app on a free port; /metrics touches neither PostgreSQL nor Temporal. */
async function startApiApp(env: Record<string, string>): Promise<string> {
  const config = loadConfig({
    SUPERAPP_BASE_URL: 'http://superapp.invalid',
    SUPERAPP_SECRET: 's'.repeat(32),
    ADMIN_TOKEN: 'a'.repeat(32),
    ...env,
  });
  const deps = {
    db: {},
    client: {},
    config,
    logger: createLogger('silent'),
    metrics: metricsWithOneSample(),
    post: safePostJson,
  } as unknown as ApiDeps;
  const server = http.createServer(createExpressApp(deps));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function get(url: string, authorization?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers: authorization ? { authorization } : {} });
  return { status: res.status, text: await res.text() };
}

describe('GET /metrics on the API', () => {
  it('without METRICS_TOKEN answers 404 / 40404 like an unknown route, whatever the caller sends', async () => {
    const base = await startApiApp({});
    for (const auth of [undefined, 'Bearer anything', `Bearer ${TOKEN}`]) {
      const r = await get(`${base}/metrics`, auth);
      expect({ status: r.status, body: JSON.parse(r.text) }).toEqual({ status: 404, body: { errCode: 40404, errMsg: expect.any(String) } });
    }
  });

  it('with METRICS_TOKEN answers 401 / 40100 without it or with another token, and the metrics with it', async () => {
    const base = await startApiApp({ METRICS_TOKEN: TOKEN });
    for (const auth of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN]) {
      const r = await get(`${base}/metrics`, auth);
      expect({ auth, status: r.status, body: JSON.parse(r.text) }).toEqual({
        auth,
        status: 401,
        body: { errCode: 40100, errMsg: expect.any(String) },
      });
    }
    const ok = await get(`${base}/metrics`, `Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/vpay_payment_requests_total\{result="ok"\} 1/);
  });

  it('refuses a METRICS_TOKEN too short to be a secret', () => {
    expect(() =>
      loadConfig({
        SUPERAPP_BASE_URL: 'http://s.invalid',
        SUPERAPP_SECRET: 's'.repeat(32),
        ADMIN_TOKEN: 'a'.repeat(32),
        METRICS_TOKEN: 'short',
      }),
    ).toThrow(/METRICS_TOKEN/);
  });
});

describe("a separate worker's metrics server", () => {
  async function start(o: { host?: string; token?: string }): Promise<RunningMetricsServer> {
    const server = await startMetricsServer({ metrics: metricsWithOneSample(), port: 0, ...o });
    closers.push(() => server.close());
    return server;
  }

  /** Another address of this machine than loopback, if it has one. */
  const otherAddress = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

  it("listens on 127.0.0.1 by default: not reachable on the machine's other addresses", async () => {
    const server = await start({});
    expect((await get(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(200);
    if (otherAddress) await expect(fetch(`http://${otherAddress}:${server.port}/metrics`)).rejects.toThrow();
  });

  it('with a token, answers 401 without it, and the metrics with it; other paths are 404', async () => {
    const server = await start({ token: TOKEN });
    const base = `http://127.0.0.1:${server.port}`;
    for (const auth of [undefined, 'Bearer wrong', TOKEN]) expect((await get(`${base}/metrics`, auth)).status).toBe(401);
    const ok = await get(`${base}/metrics`, `Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/vpay_payment_requests_total\{result="ok"\} 1/);
    expect((await get(`${base}/other`, `Bearer ${TOKEN}`)).status).toBe(404);
  });
});
