// vpay against a Temporal that requires mTLS (docs/OPERATIONS.md, "Temporal over TLS and Temporal
// Cloud"): the API, the worker and the reconcile tool connect through a TLS-terminating proxy in
// front of the test's dev server (test/support/tls-proxy.ts), with certificates made by openssl at
// test time; a client without a certificate is refused there.
import { Connection } from '@temporalio/client';
import { loadConfig } from '../../lib/platform/config';
import { temporalConnectionOptions } from '../../lib/platform/temporal-connection';
import type { ReconcileReport } from '../../tools/ops/reconcile';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';
import { startVpay, type Vpay } from '../support/vpay';
import { runReconcileCli } from '../support/reconcile-cli';
import { paidOrder, setupApp, type TestApp } from '../support/minigame';
import { waitFor } from '../support/wait-for';
import { makeTestCerts, type TestCerts } from '../support/test-certs';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy';
import { testEnv } from '../support/test-env';

let certs: TestCerts;
let proxy: TlsProxy;
let vpay: Vpay;
let app: TestApp;

/** The client certificate and the test CA. The server name 'localhost' (one of the proxy certificate's names) exercises TEMPORAL_TLS_SERVER_NAME. */
const withClientCert = (): Record<string, string> => ({
  TEMPORAL_TLS_CERT: certs.clientCert,
  TEMPORAL_TLS_KEY: certs.clientKey,
  ...withoutClientCert(),
});
const withoutClientCert = (): Record<string, string> => ({ TEMPORAL_TLS_CA: certs.caCert, TEMPORAL_TLS_SERVER_NAME: 'localhost' });

beforeAll(async () => {
  certs = makeTestCerts();
  proxy = await startTlsProxy(testEnv().temporalAddress, { ca: certs.caCert, cert: certs.serverCert, key: certs.serverKey });
  vpay = await startVpay(withClientCert(), { temporalAddress: proxy.address });
  app = await setupApp(vpay);
});
afterAll(async () => {
  await vpay?.stop();
  await proxy?.close();
  certs?.remove();
});

/** A paid order, awaited until its workflow finished. */
async function deliveredOrder(): Promise<{ orderId: string; outTradeNo: string; status: unknown }> {
  const o = await paidOrder(vpay, app);
  const result = (await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, o.outTradeNo)).result()) as { status: unknown };
  return { ...o, status: result.status };
}

/** The reconcile CLI as an operator runs it, through the mTLS proxy with the given TLS settings. */
const runReconcile = (args: string[], tlsEnv: Record<string, string>) =>
  runReconcileCli(vpay, args, { TEMPORAL_ADDRESS: proxy.address, ...tlsEnv });

it('runs a purchase with the API and the worker connected over mTLS', async () => {
  expect(vpay.config.temporalAddress).toBe(proxy.address);
  // The API's connection and the worker's, each with a verified client certificate.
  expect(proxy.accepted()).toBeGreaterThanOrEqual(2);
  expect((await fetch(`${vpay.url}/healthz`)).status).toBe(200);

  const o = await deliveredOrder();
  expect(o.status).toBe('DELIVERED');
  const delivery = await waitFor('the delivery', () => vpay.developer.received.find((d) => d.payload.OrderId === o.orderId));
  expect(delivery.signatureValid).toBe(true);
  expect(proxy.refused).toEqual([]);
});

it('is refused without a client certificate', async () => {
  const before = proxy.refused.length;
  const noCert = loadConfig({
    SANDBOX: 'true',
    SUPERAPP_SECRET: 's'.repeat(32),
    ADMIN_TOKEN: 't'.repeat(32),
    TEMPORAL_ADDRESS: proxy.address,
    ...withoutClientCert(),
  });
  // TLS with the right CA and name, so the client's certificate is the only thing missing.
  expect(noCert.temporalTls).toEqual({ caPath: certs.caCert, serverName: 'localhost' });
  const connection = Connection.lazy({ ...temporalConnectionOptions(noCert), connectTimeout: '5s' });
  try {
    await expect(connection.ensureConnected()).rejects.toThrow();
  } finally {
    await connection.close();
  }
  const refusals = await waitFor('the proxy to refuse the handshake', () => proxy.refused.length > before && proxy.refused.slice(before));
  expect(refusals.join('\n')).toMatch(/certificate/i);
});

it('lets the reconcile tool connect over mTLS, and says so when it cannot', async () => {
  const since = new Date();
  const o = await deliveredOrder();
  const r = await runReconcile(['--json', '--since', since.toISOString()], withClientCert());
  expect(r.stderr).not.toMatch(/cannot connect/);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as ReconcileReport;
  expect(report).toMatchObject({ ok: true, checked: 1, problems: [] });
  expect(report.counts.match).toBe(1);
  expect(o.status).toBe('DELIVERED');

  const refused = await runReconcile(['--json'], withoutClientCert());
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/cannot connect to Temporal at 127\.0\.0\.1:\d+ \(TEMPORAL_ADDRESS, TLS\)/);
  expect(refused.stdout).toBe('');
});
