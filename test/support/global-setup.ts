// Jest global setup: one real PostgreSQL (embedded binaries) and one real Temporal dev server,
// both on free ports in a temporary directory, plus the workflow bundle built once, and the web
// console (dist/console-ui) built when missing or stale, once per run, for the browser tests. Test files
// find them through VPAY_TEST_* variables; global-teardown stops them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startEmbeddedPostgres } from '../../tools/dev/embedded-pg';
import { startTemporalDevServer } from '../../tools/dev/temporal-dev-server';
import { freePort } from '../../tools/dev/free-port';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/definitions';
import { ensureConsoleUi } from '../../tools/build/console-ui-build';

export default async function globalSetup(): Promise<void> {
  ensureConsoleUi();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-test-'));
  fs.chmodSync(dir, 0o755);
  const [pgPort, grpcPort] = await Promise.all([freePort(), freePort()]);
  const [pg, temporal, bundle] = await Promise.all([
    startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: pgPort, database: 'postgres' }),
    startTemporalDevServer({
      dbFile: path.join(dir, 'temporal.db'),
      grpcPort,
      searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_NAMES.map((n) => [n, 'Keyword'])),
    }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger() }),
  ]);
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);
  process.env.VPAY_TEST_PG_URL = pg.url;
  process.env.VPAY_TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.VPAY_TEST_BUNDLE = bundlePath;
  process.env.VPAY_TEST_DIR = dir;
  // pg.dataDir is outside `dir` only when, as root, the postgres OS user could not enter it.
  (globalThis as any).__vpayTestStack = { pg, temporal, dir, pgDataDir: pg.dataDir };
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop } as any;
}
