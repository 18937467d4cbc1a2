// `npm run api` and `npm run worker` on their own (CONTRACT.md 1): without SUPERAPP_BASE_URL they
// refuse to start, with a message saying what to set, unless the sandbox superapp is chosen
// explicitly (SANDBOX=true). Only `npm start` picks the sandbox by itself. A Temporal certificate
// file they cannot read stops them before the database. Run as processes, as an operator would;
// no database or Temporal is needed to see them refuse.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScript, type ScriptResult } from '../support/run-script';

const root = path.resolve(__dirname, '../..');

function runService(script: string, env: Record<string, string>): Promise<ScriptResult> {
  return runScript(script, { cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } });
}

let dataDir: string;
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-service-start-'));
});
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Everything a service needs but the superapp; the database and Temporal are not there (port 1). */
const env = () => ({
  DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/vpay',
  TEMPORAL_ADDRESS: '127.0.0.1:1',
  SUPERAPP_SECRET: 's'.repeat(32),
  ADMIN_TOKEN: 't'.repeat(32),
  DATA_DIR: dataDir,
});

describe.each(['api/main.ts', 'worker/main.ts'])('%s', (script) => {
  it('refuses to start without SUPERAPP_BASE_URL, saying what to set', async () => {
    const r = await runService(script, env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SUPERAPP_BASE_URL is not set/);
    expect(r.stderr).toMatch(/SANDBOX=true/);
  });

  it('takes SANDBOX=true as the explicit choice of the sandbox superapp (and then fails only on the missing database)', async () => {
    const r = await runService(script, { ...env(), SANDBOX: 'true' });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/SUPERAPP_BASE_URL/);
    expect(r.stderr).toMatch(/ECONNREFUSED|connect/i);
  });

  it('stops before touching the database when a Temporal certificate file is missing, naming the setting, never the API key', async () => {
    const apiKey = 'tcld_never_printed_0123456789';
    const missing = path.join(dataDir, 'no-such-client.pem');
    const r = await runService(script, {
      ...env(),
      SANDBOX: 'true',
      TEMPORAL_TLS_CERT: missing,
      TEMPORAL_TLS_KEY: path.join(dataDir, 'no-such-client.key'),
      TEMPORAL_API_KEY: apiKey,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`TEMPORAL_TLS_CERT: cannot read ${missing}: ENOENT`);
    expect(r.stderr).not.toMatch(/ECONNREFUSED/);
    expect(r.stdout + r.stderr).not.toContain(apiKey);
  });
});
