// Development secrets: when SUPERAPP_SECRET or ADMIN_TOKEN is not given, one value is generated
// once and kept under DATA_DIR, so the API and worker (even as separate processes) and every
// restart of `npm start` agree on it. Production sets both variables and never reaches this file.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevSecrets {
  superappSecret: string;
  adminToken: string;
}

export function loadDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'dev-secrets.json');
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    if (typeof saved.superappSecret === 'string' && typeof saved.adminToken === 'string') {
      return { superappSecret: saved.superappSecret, adminToken: saved.adminToken };
    }
  } catch {
    // missing or unreadable: generate below
  }
  const fresh: DevSecrets = {
    superappSecret: randomBytes(24).toString('hex'),
    adminToken: randomBytes(24).toString('hex'),
  };
  mkdirSync(dataDir, { recursive: true });
  // wx: if another process generated it first, keep theirs.
  try {
    writeFileSync(file, JSON.stringify(fresh), { mode: 0o600, flag: 'wx' });
    return fresh;
  } catch {
    return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  }
}
