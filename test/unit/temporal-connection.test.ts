// The Temporal connection settings (TEMPORAL_TLS*, TEMPORAL_API_KEY in lib/platform/config.ts) and
// the options built from them for the API's, the worker's and the reconcile tool's connections
// (lib/platform/temporal-connection.ts). That vpay really connects over mTLS is
// test/integration/temporal-tls.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, loadConfig } from '../../lib/platform/config';
import { createLogger } from '../../lib/platform/logger';
import { describeTemporalConnection, temporalConnectionOptions } from '../../lib/platform/temporal-connection';

const base = { SANDBOX: 'true', SUPERAPP_SECRET: 's'.repeat(32), ADMIN_TOKEN: 't'.repeat(32), TEMPORAL_ADDRESS: 'temporal.example:7233' };
const API_KEY = 'tcld_secret_api_key_0123456789';
// Stands for a private key's content: no error message may quote it.
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nSECRET-KEY-MATERIAL\n-----END PRIVATE KEY-----\n';
const CERT_PEM = '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n';
const CA_PEM = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';

let dir: string;
let files: { cert: string; key: string; ca: string };

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-tls-unit-'));
  files = { cert: path.join(dir, 'client.crt'), key: path.join(dir, 'client.key'), ca: path.join(dir, 'ca.crt') };
  fs.writeFileSync(files.cert, CERT_PEM);
  fs.writeFileSync(files.key, KEY_PEM);
  fs.writeFileSync(files.ca, CA_PEM);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const optionsOf = (env: Record<string, string>) => temporalConnectionOptions(loadConfig({ ...base, ...env }));

/** The ConfigError loadConfig or the builder throws for env. */
function errorOf(env: Record<string, string>): ConfigError {
  try {
    optionsOf(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`no error for ${JSON.stringify(env)}`);
}

describe('the Temporal connection settings', () => {
  it('connect in plaintext, with only the address, when none is set (a local dev server, as before)', () => {
    const config = loadConfig(base);
    expect(config.temporalTls).toBeUndefined();
    expect(config.temporalApiKey).toBeUndefined();
    expect(temporalConnectionOptions(config)).toEqual({ address: 'temporal.example:7233' });
    expect(describeTemporalConnection(config)).toBe('plaintext');
    // Empty means unset, as everywhere in loadConfig.
    expect(optionsOf({ TEMPORAL_TLS: '', TEMPORAL_TLS_CERT: '', TEMPORAL_TLS_KEY: '', TEMPORAL_API_KEY: '' })).toEqual({
      address: 'temporal.example:7233',
    });
    expect(optionsOf({ TEMPORAL_TLS: 'false' })).toEqual({ address: 'temporal.example:7233' });
  });

  it('TEMPORAL_TLS=true: TLS with the system roots and no client certificate', () => {
    expect(optionsOf({ TEMPORAL_TLS: 'true' })).toEqual({ address: 'temporal.example:7233', tls: {} });
    expect(describeTemporalConnection(loadConfig({ ...base, TEMPORAL_TLS: '1' }))).toBe('TLS');
  });

  it('mTLS: the client certificate, key and CA read from their files, and the server name', () => {
    const o = optionsOf({
      TEMPORAL_TLS_CERT: files.cert,
      TEMPORAL_TLS_KEY: files.key,
      TEMPORAL_TLS_CA: files.ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(o.address).toBe('temporal.example:7233');
    expect(o.apiKey).toBeUndefined();
    expect(o.tls?.clientCertPair?.crt.toString()).toBe(CERT_PEM);
    expect(o.tls?.clientCertPair?.key.toString()).toBe(KEY_PEM);
    expect(o.tls?.serverRootCACertificate?.toString()).toBe(CA_PEM);
    expect(o.tls?.serverNameOverride).toBe('temporal.internal');
    expect(describeTemporalConnection(loadConfig({ ...base, TEMPORAL_TLS_CERT: files.cert, TEMPORAL_TLS_KEY: files.key }))).toBe('mTLS');
    // The same options suit the API's Connection and the worker's NativeConnection (checked by tsc).
    const asClient: ConnectionOptions = o;
    const asWorker: NativeConnectionOptions = o;
    expect(asWorker.tls).toBe(asClient.tls);
  });

  it.each([
    [{ TEMPORAL_TLS_CA: 'ca' }, { serverRootCACertificate: expect.anything() }],
    [{ TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' }, { serverNameOverride: 'temporal.internal' }],
  ])('%j alone implies TLS', (env, tls) => {
    const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === 'ca' ? files.ca : v]));
    expect(optionsOf(resolved)).toEqual({ address: 'temporal.example:7233', tls });
  });

  it('TEMPORAL_API_KEY (Temporal Cloud) implies TLS, with the system roots', () => {
    const config = loadConfig({ ...base, TEMPORAL_API_KEY: API_KEY });
    expect(config.temporalTls).toEqual({});
    expect(temporalConnectionOptions(config)).toEqual({ address: 'temporal.example:7233', tls: {}, apiKey: API_KEY });
    expect(describeTemporalConnection(config)).toBe('TLS with an API key');
  });

  it.each([
    [{ TEMPORAL_TLS_CERT: '/etc/vpay/client.crt' }, /TEMPORAL_TLS_CERT is set without TEMPORAL_TLS_KEY.*set both or neither/],
    [{ TEMPORAL_TLS_KEY: '/etc/vpay/client.key' }, /TEMPORAL_TLS_KEY is set without TEMPORAL_TLS_CERT.*set both or neither/],
    [{ TEMPORAL_TLS: 'yes' }, /TEMPORAL_TLS/],
    [{ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: '/etc/vpay/ca.pem' }, /TEMPORAL_TLS=false, but TEMPORAL_TLS_CA need/],
    [{ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: API_KEY }, /TEMPORAL_TLS=false, but TEMPORAL_API_KEY need/],
  ])('refuses %j with a clear message', (env, pattern) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(pattern);
  });

  it('never puts the API key in an error message', () => {
    expect(errorOf({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: API_KEY }).message).not.toContain(API_KEY);
    expect(errorOf({ TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS_CERT: files.cert }).message).not.toContain(API_KEY);
  });

  it('names the setting and the path of a missing, unreadable or non-PEM file, never its content', () => {
    const missing = path.join(dir, 'nope.key');
    const e1 = errorOf({ TEMPORAL_TLS_CERT: files.cert, TEMPORAL_TLS_KEY: missing });
    expect(e1.message).toMatch(/^TEMPORAL_TLS_KEY: cannot read .*nope\.key: ENOENT/);

    const e2 = errorOf({ TEMPORAL_TLS_CA: dir });
    expect(e2.message).toMatch(/^TEMPORAL_TLS_CA: cannot read /);

    // A key given where the certificate belongs in DER form, say: not PEM.
    const notPem = path.join(dir, 'client.der');
    fs.writeFileSync(notPem, 'SECRET-KEY-MATERIAL');
    const e3 = errorOf({ TEMPORAL_TLS_CERT: notPem, TEMPORAL_TLS_KEY: files.key });
    expect(e3.message).toBe(`TEMPORAL_TLS_CERT: ${notPem} is not a PEM file (no "-----BEGIN" line)`);
    for (const e of [e1, e2, e3]) expect(e.message).not.toContain('SECRET-KEY-MATERIAL');
  });

  it('keeps the API key out of the logs, should the config or the options be logged', () => {
    const lines: string[] = [];
    const logger = createLogger('info', {}, { write: (line: string) => void lines.push(line) });
    const config = loadConfig({ ...base, TEMPORAL_API_KEY: API_KEY });
    logger.info({ config }, 'config');
    logger.info({ temporal: temporalConnectionOptions(config) }, 'options');
    logger.info(config, 'flat');
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).not.toContain(API_KEY);
    expect(lines.join('\n')).toContain('[redacted]');
  });
});
