// Certificates for the TLS tests, made at test time by the openssl CLI in a temporary directory:
// a CA, a server certificate for localhost and 127.0.0.1, and a client certificate, both signed by
// the CA. X.509 v3 with the usages rustls (the worker's Temporal core) insists on: a leaf must say
// it is no CA and what it is for. EC P-256 keys in PKCS#8, which both Node and rustls read.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCerts {
  /** Paths of the PEM files. */
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  remove(): void;
}

const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = vpay test CA
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
`;

export function makeTestCerts(): TestCerts {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-tls-'));
  const file = (name: string) => path.join(dir, name);
  // stderr is kept: openssl's complaint is the only clue when it fails.
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  fs.writeFileSync(file('openssl.cnf'), OPENSSL_CONFIG);
  const newKey = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(name));

  newKey('ca.key');
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    file('ca.key'),
    '-config',
    file('openssl.cnf'),
    '-extensions',
    'ca',
    '-days',
    '2',
    '-out',
    file('ca.crt'),
  );
  const leaf = (name: string, cn: string, serial: string) => {
    newKey(`${name}.key`);
    openssl('req', '-new', '-key', file(`${name}.key`), '-subj', `/CN=${cn}`, '-config', file('openssl.cnf'), '-out', file(`${name}.csr`));
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-set_serial',
      serial,
      '-days',
      '2',
      '-extfile',
      file('openssl.cnf'),
      '-extensions',
      name,
      '-out',
      file(`${name}.crt`),
    );
  };
  leaf('server', 'localhost', '2');
  leaf('client', 'vpay test client', '3');
  return {
    caCert: file('ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
