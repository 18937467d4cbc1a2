// A server still running from a run whose node parent was SIGKILLed holds its data (and maybe
// its port); the launchers find it by a pid file and stop it before starting another.
import fs from 'node:fs';
import { sleep } from './managed-process';

/** The pid at the start of `file` (NaN if it holds none); undefined if there is no such file. */
export function readPidFile(file: string): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return Number.parseInt(text, 10);
}

/** Alive and not a zombie (where PID 1 does not reap orphans, a dead one lingers as a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

/** The polite way first (`sig`), SIGKILL if it is still alive after timeoutMs. */
export async function stopLeftover(pid: number, sig: NodeJS.Signals, timeoutMs: number): Promise<void> {
  signal(pid, sig);
  if (!(await waitForDeath(pid, timeoutMs))) {
    signal(pid, 'SIGKILL');
    await waitForDeath(pid, 5_000);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // already gone is fine
  }
}

async function waitForDeath(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}
