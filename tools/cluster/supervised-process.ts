// One process of the local cluster (a Temporal service, the Web UI, a vpay API or worker) that can
// be SIGKILLed and started again on its own, and that a later start finds if it outlived us:
//  - its pid goes to <dataDir>/<name>.pid; a later start stops a process still running under that
//    pid, but only when its command line is the one we started (a reused pid is someone else's);
//  - its port must be free before it is spawned, so that a probe can never be answered by another
//    process on it (a leftover, another clone's cluster) and take that for this one being ready.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startManagedProcess, sleep, type ManagedProcess } from '../dev/managed-process';
import { isAlive, readPidFile, stopLeftover } from '../dev/leftover-process';
import { bindable } from '../dev/free-port';

export interface SupervisedOptions {
  name: string;
  /** Where the pid file goes. */
  dataDir: string;
  command: string;
  args: readonly string[];
  /** A part of the command line that tells this program's leftover from an unrelated process. */
  identifiedBy: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** The port it listens on: must be free before the spawn. */
  port: number;
  /** Resolves once it serves. */
  probe: () => Promise<void>;
  readyTimeoutMs: number;
  /** SIGTERM, then SIGKILL after this long. */
  stopTimeoutMs: number;
  onLog?: (line: string) => void;
}

export interface SupervisedProcess {
  name: string;
  pid(): number;
  /** SIGKILL, as a crash: nothing is flushed or handed over. */
  kill(): Promise<void>;
  /** Starts it again, with `env` over the first start's; resolves once it serves. */
  restart(env?: NodeJS.ProcessEnv): Promise<void>;
  /** SIGTERM (SIGKILL after stopTimeoutMs); the pid file goes. */
  stop(): Promise<void>;
}

export async function startSupervised(o: SupervisedOptions): Promise<SupervisedProcess> {
  const pidFile = path.join(o.dataDir, `${o.name}.pid`);
  let env = o.env;
  let current: ManagedProcess | undefined;
  const start = async () => {
    await stopOwnLeftover(pidFile, o.identifiedBy, o.stopTimeoutMs);
    if (!(await bindable(o.port))) {
      throw new Error(`${o.name}: port ${o.port} is in use (another cluster, or a process left from an earlier run): stop it first`);
    }
    current = await startManagedProcess({
      name: o.name,
      command: o.command,
      args: o.args,
      cwd: o.cwd,
      env,
      onLog: o.onLog,
      stopSignal: 'SIGTERM',
      stopTimeoutMs: o.stopTimeoutMs,
      onSpawn: (_child, pid) => fs.writeFileSync(pidFile, String(pid)),
      ready: { timeoutMs: o.readyTimeoutMs, intervalMs: 200, where: `127.0.0.1:${o.port}`, probe: o.probe },
    });
  };
  await start();
  return {
    name: o.name,
    pid: () => current!.pid,
    async kill() {
      const pid = current!.pid;
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(50);
      await current!.stop(); // forgets its exit hook
    },
    async restart(more?: NodeJS.ProcessEnv) {
      env = { ...env, ...(more ?? {}) };
      await start();
    },
    async stop() {
      await current?.stop();
      fs.rmSync(pidFile, { force: true });
    },
  };
}

/** Stops the process of the pid file if it still runs our program; forgets the file otherwise. */
async function stopOwnLeftover(pidFile: string, identifiedBy: string, timeoutMs: number): Promise<void> {
  const pid = readPidFile(pidFile);
  if (!pid || !isAlive(pid)) return;
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return; // gone meanwhile, or no /proc: nothing we can tell is ours
  }
  if (cmdline.includes(identifiedBy)) await stopLeftover(pid, 'SIGTERM', timeoutMs);
}

/** Resolves once something accepts a TCP connection on the port. */
export function tcpProbe(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve();
    });
    s.once('error', (err) => {
      s.destroy();
      reject(err);
    });
  });
}
