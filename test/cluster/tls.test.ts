// vpay on the local multi-service cluster with mTLS on its frontends (server-config.ts: the
// frontends require a client certificate their CA signed): the vpay API and worker, the Web UI
// server and Temporal's own worker service all connect with one, purchases go through, and a
// client without a certificate is refused by the frontend itself, not by a proxy of ours.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { startLocalCluster, type LocalCluster } from '../../tools/cluster/local-cluster';
import { startFakeDeveloper, type FakeDeveloper } from '../../tools/fakes/fake-developer';
import { startFakeSuperapp, type FakeSuperapp } from '../../tools/fakes/fake-superapp';
import { purchase, setupApp } from '../../bench/purchaser';
import { makeTestCerts, type TestCerts } from '../support/test-certs';
import { runReconcileCli } from '../support/reconcile-cli';

const ADMIN_TOKEN = randomBytes(24).toString('hex');
const SUPERAPP_SECRET = randomBytes(24).toString('hex');

let dataDir: string;
let certs: TestCerts;
let cluster: LocalCluster | undefined;
let developer: FakeDeveloper;
let superapp: FakeSuperapp;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-cluster-tls-'));
  certs = makeTestCerts();
  superapp = await startFakeSuperapp(SUPERAPP_SECRET, { record: false });
  developer = await startFakeDeveloper({ record: false });
  cluster = await startLocalCluster({
    workers: 1,
    apis: 1,
    dataDir,
    ports: 'free',
    tls: {
      caFile: certs.caCert,
      serverCertFile: certs.serverCert,
      serverKeyFile: certs.serverKey,
      clientCertFile: certs.clientCert,
      clientKeyFile: certs.clientKey,
      serverName: 'localhost',
    },
    vpayEnv: { DATA_DIR: dataDir, SUPERAPP_BASE_URL: superapp.url, SUPERAPP_SECRET, ADMIN_TOKEN, LOG_LEVEL: 'warn' },
    onStep: (line) => process.stderr.write(`[cluster tls] ${line}\n`),
  });
}, 30 * 60_000);

afterAll(async () => {
  await cluster?.stop();
  await developer?.close();
  await superapp?.close();
  certs?.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

test('vpay runs purchases over mTLS to the frontends, and reconcile connects alike', async () => {
  const c = cluster!;
  expect(c.env).toMatchObject({ TEMPORAL_TLS_CERT: certs.clientCert, TEMPORAL_TLS_CA: certs.caCert });
  const app = await setupApp({ instance: 'tls', vpayUrl: c.apis[0].url, adminToken: ADMIN_TOKEN, developer, users: 2 });
  for (let i = 0; i < 3; i++) await purchase(app, SUPERAPP_SECRET, developer, 'tls', i, 120_000);
  expect([...app.orders].map((id) => developer.records.get(id)?.ok)).toEqual([1, 1, 1]);

  const reconciled = await runReconcileCli({ databaseUrl: c.databaseUrl, config: c.config }, [], {
    TEMPORAL_ADDRESS: c.temporal.address,
    TEMPORAL_TLS_CERT: certs.clientCert,
    TEMPORAL_TLS_KEY: certs.clientKey,
    TEMPORAL_TLS_CA: certs.caCert,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
  });
  expect(reconciled).toMatchObject({ code: 0 });
});

test('the frontends refuse a client without a certificate, and a plaintext one', async () => {
  const c = cluster!;
  const noCert = Connection.lazy({
    address: c.temporal.address,
    tls: { serverRootCACertificate: fs.readFileSync(certs.caCert), serverNameOverride: 'localhost' },
    connectTimeout: '5s',
  });
  const plaintext = Connection.lazy({ address: c.temporal.address, connectTimeout: '5s' });
  try {
    await expect(noCert.workflowService.getSystemInfo({})).rejects.toThrow();
    await expect(plaintext.workflowService.getSystemInfo({})).rejects.toThrow();
  } finally {
    await noCert.close();
    await plaintext.close();
  }
  // With the certificate, the same call is answered: the refusals were about the certificate.
  const withCert = await Connection.connect({
    address: c.temporal.address,
    tls: {
      serverRootCACertificate: fs.readFileSync(certs.caCert),
      serverNameOverride: 'localhost',
      clientCertPair: { crt: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey) },
    },
  });
  try {
    await expect(withCert.workflowService.getSystemInfo({})).resolves.toBeDefined();
  } finally {
    await withCert.close();
  }
});
