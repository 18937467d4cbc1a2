// The benchmark process's handle on the load agent (bench/agent.ts): forks it, sends commands,
// awaits their answers, and stops it (SIGKILL if it does not leave in time).
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { AgentApi, AgentCommand, AgentResponse } from './agent-protocol';

type Args<K extends AgentCommand> = Parameters<AgentApi[K]>[0];
type Result<K extends AgentCommand> = Awaited<ReturnType<AgentApi[K]>>;

export class AgentClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (msg: AgentResponse) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`load agent: ${msg.error}`));
    });
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`load agent exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(): Promise<AgentClient> {
    // fork() passes on our execArgv, i.e. tsx's loader, so the agent runs from its .ts source.
    const child = fork(path.join(__dirname, 'agent.ts'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const client = new AgentClient(child);
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`load agent exited at start (${code})`)));
    });
    return client;
  }

  call<K extends AgentCommand>(cmd: K, args: Args<K>): Promise<Result<K>> {
    if (this.exited) return Promise.reject(new Error('load agent is not running'));
    const id = this.nextId++;
    return new Promise<Result<K>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, args });
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.child.once('exit', () => r()));
    try {
      this.child.send({ cmd: 'exit' });
    } catch {
      // channel already closed
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
}
