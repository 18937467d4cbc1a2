// A development server run as a child of this process, the way tools/dev's launchers need it
// (embedded-pg.ts, temporal-dev-server.ts): its output kept and passed on, not keeping node
// alive, ready only once a probe gets through, stopped politely and killed if it lingers.
import { spawn, type ChildProcess } from 'node:child_process';

/** An OS user to run the child as (PostgreSQL refuses to run as root). */
export type OsUser = { uid: number; gid: number };

/** What to run, and where its output goes. */
export interface ProgramOptions {
  /** Names it in errors: `postgres exited (1) during startup`, `initdb failed (exit 1)`. */
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  /** The child's whole environment; this process's when omitted. */
  env?: NodeJS.ProcessEnv;
  runAs?: OsUser;
  /** Receives the output lines; silent when omitted. */
  onLog?: (line: string) => void;
}

export interface ManagedProcessOptions extends ProgramOptions {
  /** Names the program in the error when it cannot be spawned. Default `name`. */
  program?: string;
  /** Sent by stop() and when node exits; SIGKILL follows stopTimeoutMs after stop()'s. */
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  /** Right after the spawn, before waiting for ready (e.g. to record the pid). */
  onSpawn?: (child: ChildProcess, pid: number) => void;
  ready: ReadyCheck;
  /** After ready (e.g. create a database); like a failed ready check, a failure stops the child. */
  setup?: () => Promise<void>;
}

export interface ReadyCheck {
  timeoutMs: number;
  /** Pause between failed probes. */
  intervalMs: number;
  /** Where it should answer, for the timeout error: `not ready on 127.0.0.1:7233`. */
  where?: string;
  /** Resolves once the server serves; a rejection is tried again after intervalMs. */
  probe: () => Promise<void>;
  /** An error to give up with at once, for a probe failure that waiting will not fix. */
  fatal?: (err: unknown) => Error | undefined;
}

export interface ManagedProcess {
  pid: number;
  /** stopSignal, SIGKILL after stopTimeoutMs; once, however often it is called. */
  stop(): Promise<void>;
}

/** Spawns the server and resolves once it is ready and set up; stops it if it never gets there. */
export async function startManagedProcess(o: ManagedProcessOptions): Promise<ManagedProcess> {
  const output = outputTail(o.onLog);
  const child = spawn(o.command, o.args, {
    ...(o.runAs ?? {}),
    cwd: o.cwd,
    env: o.env,
    // Own process group: a terminal's Ctrl-C reaches only the app, which stops us in its order.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once('error', resolve));
    throw new Error(`cannot start ${o.program ?? o.name}: ${err.message}`);
  }
  o.onSpawn?.(child, pid);
  child.stdout?.on('data', output.onData);
  child.stderr?.on('data', output.onData);
  // Don't keep the event loop alive for the server; the exit hook below still stops it.
  child.unref();
  (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  const onProcessExit = () => child.kill(o.stopSignal);
  process.on('exit', onProcessExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.removeListener('exit', onProcessExit);
      await stopChild(child, o.stopSignal, o.stopTimeoutMs);
    })();
    return stopping;
  };

  try {
    await waitUntilReady(child, o.name, o.ready, output);
    await o.setup?.();
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid, stop };
}

/** Runs a one-off program (initdb) to its end; rejects, with its last lines, unless it exits 0. */
export async function runToCompletion(o: ProgramOptions): Promise<void> {
  const output = outputTail(o.onLog);
  const child = spawn(o.command, o.args, { ...(o.runAs ?? {}), cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', output.onData);
  child.stderr?.on('data', output.onData);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`${o.name} failed (exit ${code}):\n${output.text()}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface OutputTail {
  onData(chunk: Buffer): void;
  /** The last 30 lines, for error messages. */
  text(): string;
}

function outputTail(onLog: ((line: string) => void) | undefined): OutputTail {
  const log = onLog ?? (() => undefined);
  const recent: string[] = [];
  return {
    onData(chunk) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        recent.push(line);
        if (recent.length > 30) recent.shift();
        log(line);
      }
    },
    text: () => recent.join('\n'),
  };
}

async function waitUntilReady(child: ChildProcess, name: string, r: ReadyCheck, output: OutputTail): Promise<void> {
  const deadline = Date.now() + r.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) during startup:\n${output.text()}`);
    }
    try {
      await r.probe();
      return;
    } catch (err) {
      lastError = err;
      const fatal = r.fatal?.(err);
      if (fatal) throw fatal;
    }
    await sleep(r.intervalMs);
  }
  const where = r.where ? ` on ${r.where}` : '';
  throw new Error(`${name} not ready${where} after ${r.timeoutMs} ms: ${String(lastError)}\n${output.text()}`);
}

async function stopChild(child: ChildProcess, sig: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref(); // it was unref'd: without this, node could exit while we wait
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(sig);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, 'timeout');
  });
  if ((await Promise.race([done, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await done;
  }
  clearTimeout(timer);
}
