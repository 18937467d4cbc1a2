import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../lib/platform/config';
import { localStackEnv } from '../../tools/dev/local-stack-env';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-config-'));

describe('loadConfig', () => {
  it("applies the contract's defaults (with the sandbox superapp chosen)", () => {
    const dir = tmp();
    const c = loadConfig({ DATA_DIR: dir, SANDBOX: 'true' });
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      temporalAddress: '127.0.0.1:7233',
      temporalNamespace: 'default',
      // Plaintext, as to a local dev server (test/unit/temporal-connection.test.ts has the TLS settings).
      temporalTls: undefined,
      temporalApiKey: undefined,
      sandboxEnabled: true,
      superappBaseUrl: 'http://127.0.0.1:3000/sandbox',
      paymentTimeoutMs: 900_000,
      deliveryRetryInitialMs: 15_000,
      deliveryRetryMaxMs: 3_600_000,
      deliveryAlertAfterMs: 600_000,
      alertWebhookUrl: undefined,
      deliveryAllowPrivate: false,
      keyRotationOverlapMs: 86_400_000,
      metricsToken: undefined,
      workerMetricsHost: '127.0.0.1',
      purchaseLocalSteps: true,
      purchaseLocalPaidRow: true,
      purchaseWorkflowV2: true,
      workerMaxCachedWorkflows: undefined,
      paymentRequestsMaxInFlight: 64,
      workerMaxConcurrentDeliveries: 100,
      deliveryTaskQueue: 'vpay-purchases-delivery',
      separateDeliveryQueue: true,
    });
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses to run without a superapp unless the sandbox is chosen (SANDBOX=true)', () => {
    const secrets = { SUPERAPP_SECRET: 's'.repeat(32), ADMIN_TOKEN: 't'.repeat(32) };
    for (const env of [secrets, { ...secrets, SANDBOX: 'false' }, { ...secrets, SUPERAPP_BASE_URL: '' }]) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/SUPERAPP_BASE_URL is not set.*SANDBOX=true/);
    }
    expect(loadConfig({ ...secrets, SANDBOX: '1' })).toMatchObject({
      sandboxEnabled: true,
      superappBaseUrl: 'http://127.0.0.1:3000/sandbox',
    });
    expect(loadConfig({ ...secrets, SUPERAPP_BASE_URL: 'https://superapp.example' })).toMatchObject({ sandboxEnabled: false });
    // Both at once is ambiguous: which superapp would take the money?
    expect(() => loadConfig({ ...secrets, SANDBOX: 'true', SUPERAPP_BASE_URL: 'https://superapp.example' })).toThrow(
      /SANDBOX=true and SUPERAPP_BASE_URL/,
    );
  });

  it('does not allow private delivery addresses unless told (`npm start` tells it)', () => {
    const base = { SUPERAPP_SECRET: 's'.repeat(32), ADMIN_TOKEN: 't'.repeat(32), SUPERAPP_BASE_URL: 'https://superapp.example' };
    expect(loadConfig(base).deliveryAllowPrivate).toBe(false);
    expect(loadConfig({ ...base, DELIVERY_ALLOW_PRIVATE: 'true' }).deliveryAllowPrivate).toBe(true);
  });

  it('generates dev secrets once and keeps them for the next process', () => {
    const dir = tmp();
    const a = loadConfig({ DATA_DIR: dir, SANDBOX: 'true' });
    const b = loadConfig({ DATA_DIR: dir, SANDBOX: 'true' });
    expect(a.generatedSecrets).toEqual({ superappSecret: true, adminToken: true });
    expect(a.superappSecret).toMatch(/^[0-9a-f]{48}$/);
    expect(b.superappSecret).toBe(a.superappSecret);
    expect(b.adminToken).toBe(a.adminToken);
    expect(fs.statSync(path.join(dir, 'dev-secrets.json')).mode & 0o077).toBe(0);
    fs.rmSync(dir, { recursive: true });
  });

  it('takes every variable from the environment', () => {
    const c = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/vpay',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'payments',
      SUPERAPP_BASE_URL: 'https://superapp.example/api/',
      SUPERAPP_SECRET: 's'.repeat(32),
      ADMIN_TOKEN: 't'.repeat(32),
      PAYMENT_TIMEOUT_MS: '60000',
      DELIVERY_RETRY_INITIAL_MS: '1000',
      DELIVERY_RETRY_MAX_MS: '2000',
      DELIVERY_ALERT_AFTER_MS: '3000',
      ALERT_WEBHOOK_URL: 'https://ops.example/hook',
      DELIVERY_ALLOW_PRIVATE: 'true',
      KEY_ROTATION_OVERLAP_MS: '0',
      PURCHASE_LOCAL_STEPS: 'false',
      WORKER_MAX_CACHED_WORKFLOWS: '500',
      PAYMENT_REQUESTS_MAX_IN_FLIGHT: '0',
      WORKER_MAX_CONCURRENT_DELIVERIES: '20',
      WORKER_MAX_DELIVERIES_PER_ENDPOINT: '5',
      DELIVERY_TASK_QUEUE: 'payments-deliveries',
      SEPARATE_DELIVERY_QUEUE: 'false',
      PURCHASE_LOCAL_PAID_ROW: 'false',
      PURCHASE_WORKFLOW_V2: 'false',
    });
    expect(c).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://u:p@db:5432/vpay',
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'payments',
      superappBaseUrl: 'https://superapp.example/api',
      sandboxEnabled: false,
      superappSecret: 's'.repeat(32),
      adminToken: 't'.repeat(32),
      generatedSecrets: { superappSecret: false, adminToken: false },
      paymentTimeoutMs: 60_000,
      deliveryRetryInitialMs: 1000,
      deliveryRetryMaxMs: 2000,
      deliveryAlertAfterMs: 3000,
      alertWebhookUrl: 'https://ops.example/hook',
      deliveryAllowPrivate: true,
      keyRotationOverlapMs: 0,
      purchaseLocalSteps: false,
      purchaseLocalPaidRow: false,
      purchaseWorkflowV2: false,
      workerMaxCachedWorkflows: 500,
      paymentRequestsMaxInFlight: 0,
      workerMaxConcurrentDeliveries: 20,
      workerMaxDeliveriesPerEndpoint: 5,
      deliveryTaskQueue: 'payments-deliveries',
      separateDeliveryQueue: false,
    });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PAYMENT_TIMEOUT_MS: '-5' }, /PAYMENT_TIMEOUT_MS/],
    [{ SUPERAPP_BASE_URL: 'not a url' }, /SUPERAPP_BASE_URL/],
    [{ DELIVERY_ALLOW_PRIVATE: 'maybe' }, /DELIVERY_ALLOW_PRIVATE/],
    [{ PURCHASE_LOCAL_STEPS: 'yes' }, /PURCHASE_LOCAL_STEPS/],
    [{ WORKER_MAX_CACHED_WORKFLOWS: '-1' }, /WORKER_MAX_CACHED_WORKFLOWS/],
    [{ WORKER_MAX_CONCURRENT_DELIVERIES: '0' }, /WORKER_MAX_CONCURRENT_DELIVERIES/],
    [{ WORKER_MAX_DELIVERIES_PER_ENDPOINT: '0' }, /WORKER_MAX_DELIVERIES_PER_ENDPOINT/],
    [{ SEPARATE_DELIVERY_QUEUE: 'yes' }, /SEPARATE_DELIVERY_QUEUE/],
    [{ DELIVERY_TASK_QUEUE: 'vpay-purchases' }, /DELIVERY_TASK_QUEUE must differ from TEMPORAL_TASK_QUEUE/],
    [{ TEMPORAL_TASK_QUEUE: 'q', DELIVERY_TASK_QUEUE: 'q' }, /DELIVERY_TASK_QUEUE must differ/],
    [{ DELIVERY_RETRY_INITIAL_MS: '5000', DELIVERY_RETRY_MAX_MS: '1000' }, /DELIVERY_RETRY_MAX_MS/],
    [{ ADMIN_TOKEN: 'short' }, /ADMIN_TOKEN/],
    [{ SANDBOX: 'yes' }, /SANDBOX/],
    [{ KEY_ROTATION_OVERLAP_MS: '-1' }, /KEY_ROTATION_OVERLAP_MS/],
    [{ PAYMENT_REQUESTS_MAX_IN_FLIGHT: '-1' }, /PAYMENT_REQUESTS_MAX_IN_FLIGHT/],
    [{ PAYMENT_REQUESTS_MAX_IN_FLIGHT: '2.5' }, /PAYMENT_REQUESTS_MAX_IN_FLIGHT/],
  ])('rejects %j with a clear message', (env, pattern) => {
    const e = { SUPERAPP_SECRET: 's'.repeat(32), ADMIN_TOKEN: 't'.repeat(32), SUPERAPP_BASE_URL: 'https://superapp.example', ...env };
    expect(() => loadConfig(e)).toThrow(ConfigError);
    expect(() => loadConfig(e)).toThrow(pattern);
  });
});

describe('the local stack (`npm start`)', () => {
  it('chooses the sandbox superapp and private delivery addresses when not told otherwise', () => {
    const dir = tmp();
    expect(localStackEnv({ DATA_DIR: dir })).toMatchObject({ SANDBOX: 'true', DELIVERY_ALLOW_PRIVATE: 'true' });
    expect(loadConfig(localStackEnv({ DATA_DIR: dir }))).toMatchObject({ sandboxEnabled: true, deliveryAllowPrivate: true });
    fs.rmSync(dir, { recursive: true });
  });

  it('keeps what the environment says', () => {
    const secrets = { SUPERAPP_SECRET: 's'.repeat(32), ADMIN_TOKEN: 't'.repeat(32) };
    const real = loadConfig(localStackEnv({ ...secrets, SUPERAPP_BASE_URL: 'https://superapp.example', DELIVERY_ALLOW_PRIVATE: 'false' }));
    expect(real).toMatchObject({ sandboxEnabled: false, superappBaseUrl: 'https://superapp.example', deliveryAllowPrivate: false });
    // An empty variable means unset, as loadConfig reads it.
    expect(loadConfig(localStackEnv({ ...secrets, SUPERAPP_BASE_URL: '', DELIVERY_ALLOW_PRIVATE: '' }))).toMatchObject({
      sandboxEnabled: true,
      deliveryAllowPrivate: true,
    });
    expect(() => loadConfig(localStackEnv({ ...secrets, SANDBOX: 'false' }))).toThrow(/SUPERAPP_BASE_URL is not set/);
  });
});
