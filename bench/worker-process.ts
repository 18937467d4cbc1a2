// The crash scenario's worker process (bench/worker-main.ts): spawned with its instance's
// environment, logging into the instance's log file, SIGKILLed and spawned again.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Stack, VpayInstance } from './stack';

const ROOT = path.resolve(__dirname, '..');

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** From the spawn to its "vpay worker running" line (ms). */
  startMs: number;
}

/** The bench's workflow bundle as a file, written once per stack. */
function bundleFile(stack: Stack): string {
  const file = path.join(stack.dir, 'vpay-workflow-bundle.js');
  if (!fs.existsSync(file)) fs.writeFileSync(file, stack.vpayBundleCode);
  return file;
}

/** A worker not ready by then is SIGKILLed and the spawn fails, rather than hang the benchmark. */
const READY_TIMEOUT_MS = 120_000;

/** Spawns a worker for `inst` and resolves once it polls its task queue. */
export async function spawnWorkerProcess(stack: Stack, inst: VpayInstance): Promise<WorkerProcess> {
  const t0 = performance.now();
  // node with tsx as a loader, not the tsx CLI: the CLI would run the worker as its child, and
  // SIGKILL would then hit the wrapper while the worker lived on.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('bench', 'worker-main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...inst.env, VPAY_BENCH_WORKFLOW_BUNDLE: bundleFile(stack) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = fs.createWriteStream(stack.logFile(`${inst.name}-worker`), { flags: 'a' });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker process not ready within ${READY_TIMEOUT_MS / 1000} s; killed`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (seen.includes('vpay worker running')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker process exited (${code ?? signal}) before it was ready`));
    });
  });
  return { child, pid: child.pid!, startMs: performance.now() - t0 };
}

/** SIGKILL; resolves once the process is gone. */
export async function killWorkerProcess(w: WorkerProcess): Promise<void> {
  if (w.child.exitCode !== null || w.child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => w.child.once('exit', () => resolve()));
  w.child.kill('SIGKILL');
  await gone;
}
