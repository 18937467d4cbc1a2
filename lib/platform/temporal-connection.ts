// How vpay's processes reach Temporal: the address and, for a TLS cluster or Temporal Cloud, TLS
// and the API key (docs/OPERATIONS.md, "Temporal over TLS and Temporal Cloud"). One builder for the
// API's Connection, the worker's NativeConnection and the reconcile tool, so they connect alike.
import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from './config';

/** What Connection.connect (@temporalio/client) and NativeConnection.connect (@temporalio/worker) both take. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: {
    clientCertPair?: { crt: Buffer; key: Buffer };
    serverRootCACertificate?: Buffer;
    serverNameOverride?: string;
  };
  apiKey?: string;
}

type ConnectionSettings = Pick<Config, 'temporalAddress' | 'temporalTls' | 'temporalApiKey'>;

/**
 * Reads the certificate files now, once per connection at start (a file replaced later takes a
 * restart). A missing, unreadable or non-PEM file is a ConfigError naming the setting and the
 * path; the file's content is never quoted, a key's being secret.
 */
export function temporalConnectionOptions(config: ConnectionSettings): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: config.temporalAddress };
  const t = config.temporalTls;
  if (t) {
    options.tls = {
      ...(t.clientCert
        ? {
            clientCertPair: {
              crt: readPem('TEMPORAL_TLS_CERT', t.clientCert.certPath),
              key: readPem('TEMPORAL_TLS_KEY', t.clientCert.keyPath),
            },
          }
        : {}),
      ...(t.caPath ? { serverRootCACertificate: readPem('TEMPORAL_TLS_CA', t.caPath) } : {}),
      ...(t.serverName ? { serverNameOverride: t.serverName } : {}),
    };
  }
  if (config.temporalApiKey) options.apiKey = config.temporalApiKey;
  return options;
}

/** How the connection is secured, for start logs: never the key itself. */
export function describeTemporalConnection(config: ConnectionSettings): string {
  const t = config.temporalTls;
  const transport = !t ? 'plaintext' : t.clientCert ? 'mTLS' : 'TLS';
  return config.temporalApiKey ? `${transport} with an API key` : transport;
}

function readPem(setting: string, file: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    // fs's message names the path and the reason (ENOENT, EACCES, EISDIR), not the content.
    throw new ConfigError(`${setting}: cannot read ${file}: ${(err as Error).message}`);
  }
  // Said at start rather than as a handshake failure on the first call to Temporal.
  if (!pem.includes('-----BEGIN ')) throw new ConfigError(`${setting}: ${file} is not a PEM file (no "-----BEGIN" line)`);
  return pem;
}
