// A second Temporal dev server, for one comparison only (scenario "walstore"): the same command
// as lib/temporal-dev-server.ts (same CLI, flags and search attributes, a fresh SQLite file) plus
// `--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal`. lib/temporal-dev-server.ts
// has no option for pragmas, hence this launcher; every other scenario uses the lib's server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { temporalCliPath } from '../lib/temporal-binaries';
import { VPAY_SEARCH_ATTRIBUTES } from '../lib/temporal-dev-server';
import { freePort } from '../lib/free-port';

export const WAL_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

export interface WalTemporal {
  address: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startWalTemporal(dir: string): Promise<WalTemporal> {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const recent: string[] = [];
  const child = spawn(
    temporalCliPath(),
    [
      'server', 'start-dev',
      '--db-filename', path.join(dir, 'temporal.db'),
      '--ip', '127.0.0.1',
      '--port', String(port),
      '--headless',
      '--namespace', 'default',
      '--log-level', 'warn',
      ...Object.entries(VPAY_SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
      '--dynamic-config-value', 'history.maxInFlightUpdates=1000',
      ...WAL_PRAGMAS.flatMap((p) => ['--sqlite-pragma', p]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (c: Buffer) => {
    recent.push(...c.toString('utf8').split('\n').filter(Boolean));
    recent.splice(0, Math.max(0, recent.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const onExit = () => child.kill('SIGKILL');
  process.on('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`temporal (WAL) exited during startup:\n${recent.join('\n')}`);
    try {
      const c = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await c.workflowService.describeNamespace({ namespace: 'default' });
      } finally {
        await c.close();
      }
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`temporal (WAL) not ready: ${String(err)}\n${recent.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { address, pid: child.pid!, stop };
}
