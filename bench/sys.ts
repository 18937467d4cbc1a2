// The machine and its processes, as the report needs them: what the machine is, how much CPU each
// process of the stack used over a step (from /proc), and the benchmark process's RSS over time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { temporalCliPath } from '../tools/dev/temporal-binaries';

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memTotalGiB: number;
  node: string;
  temporalCli: string;
  kernel: string;
  loadAvgAtStart: number[];
}

export function machineInfo(): MachineInfo {
  const cpuinfo = safeRead('/proc/cpuinfo');
  const meminfo = safeRead('/proc/meminfo');
  const memKb = Number(/MemTotal:\s+(\d+)/.exec(meminfo)?.[1] ?? os.totalmem() / 1024);
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // keep Node's figure
  }
  let temporalCli = 'unknown';
  try {
    temporalCli = execFileSync(temporalCliPath(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // not installed: the stack will say so
  }
  return {
    nproc,
    cpuModel: /model name\s*:\s*(.+)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    memTotalGiB: memKb / (1024 * 1024),
    node: process.version,
    temporalCli,
    kernel: `${os.type()} ${os.release()}`,
    loadAvgAtStart: os.loadavg(),
  };
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

let clkTck = 0;
function ticksPerSecond(): number {
  if (!clkTck) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

interface Stat {
  ppid: number;
  /** utime + stime, and the same of reaped children (cutime + cstime), in ticks. */
  own: number;
  children: number;
}

function readStat(pid: number | 'self'): Stat | undefined {
  const s = safeRead(`/proc/${pid}/stat`);
  if (!s) return undefined;
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state); utime is field 14 -> f[11]
  return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}

/** The processes whose CPU a step reports: name -> how to find the pid(s). */
export interface ProcessSet {
  /** This process: vpay's API and worker (and, in the ceiling, its driver). */
  bench: number;
  agent?: number;
  temporal?: number;
  /**
   * A Temporal server of several processes (the multi-service cluster), by name: each is reported
   * as `temporal/<name>`, and `temporal` is their sum (so scenarios that read `temporal` still do).
   */
  temporalParts?: Record<string, number>;
  /** The postmaster; its backends are found as its children. */
  postgres?: number;
  /**
   * Backends of these databases reported apart as `postgres/<name>` (inside `postgres`, not added
   * to it): e.g. the cluster's, on the PostgreSQL vpay shares. Only live backends count, so one
   * that exits within a step takes its ticks with it (Temporal keeps its connections open).
   */
  postgresDatabases?: { name: string; databases: string[] };
}

/** A sub-figure (`temporal/history-1`, `postgres/temporal`): already inside its group, never added to totals. */
export const isPart = (key: string): boolean => key.includes('/');

/** The database a PostgreSQL backend serves, from its process title ("postgres: user db host(port) state"). */
export function backendDatabase(cmdline: string): string | undefined {
  const title = cmdline.replace(/\0/g, ' ').trim();
  const m = /^postgres: (\S+) (\S+) /.exec(title);
  return m ? m[2] : undefined;
}

export type CpuTicks = Record<string, number>;

/** CPU ticks used so far by each process group (postgres = postmaster + backends + reaped ones). */
export function cpuTicks(p: ProcessSet): CpuTicks {
  const out: CpuTicks = {};
  const one = (pid: number | undefined) => {
    const s = pid ? readStat(pid) : undefined;
    return s ? s.own : 0;
  };
  out.vpay = one(p.bench);
  out.agent = one(p.agent);
  if (p.temporalParts) {
    let sum = 0;
    for (const [name, pid] of Object.entries(p.temporalParts)) {
      out[`temporal/${name}`] = one(pid);
      sum += out[`temporal/${name}`];
    }
    out.temporal = sum;
  } else out.temporal = one(p.temporal);
  if (p.postgres) {
    const pm = readStat(p.postgres);
    let total = pm ? pm.own + pm.children : 0;
    let split = 0;
    const dbs = new Set(p.postgresDatabases?.databases ?? []);
    for (const entry of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const s = readStat(Number(entry));
      if (!s || s.ppid !== p.postgres) continue;
      total += s.own;
      if (dbs.size) {
        const db = backendDatabase(safeRead(`/proc/${entry}/cmdline`));
        if (db && dbs.has(db)) split += s.own;
      }
    }
    out.postgres = total;
    if (p.postgresDatabases) out[`postgres/${p.postgresDatabases.name}`] = split;
  }
  // The whole machine's busy time (all CPUs), to tell what other processes took meanwhile.
  const cpu = safeRead('/proc/stat').split('\n')[0].split(/\s+/).slice(1).map(Number);
  if (cpu.length >= 8) out.machine = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7];
  return out;
}

/** Cores used per process group between two readings. */
export function coresUsed(before: CpuTicks, after: CpuTicks, wallMs: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const k of Object.keys(after)) {
    if (k === 'machine') continue;
    const delta = after[k] - (before[k] ?? 0);
    // A part only shrinks when one of its processes went away (a backend closed): count it as 0 then.
    const cores = (isPart(k) ? Math.max(0, delta) : delta) / ticksPerSecond() / (wallMs / 1000);
    out[k] = Math.round(cores * 100) / 100;
    if (!isPart(k)) total += cores;
  }
  out.total = Math.round(total * 100) / 100;
  if (after.machine !== undefined && before.machine !== undefined) {
    const machine = (after.machine - before.machine) / ticksPerSecond() / (wallMs / 1000);
    // Other processes of the machine (not this benchmark's): what disturbed the measurement.
    out.other = Math.round(Math.max(0, machine - total) * 100) / 100;
  }
  return out;
}

/** CPU of each process and the event-loop utilisation of this process's main thread over a step. */
export class StepMeter {
  private readonly t0 = performance.now();
  private readonly ticks: CpuTicks;
  private readonly elu: EventLoopUtilization = performance.eventLoopUtilization();
  constructor(private readonly procs: ProcessSet) {
    this.ticks = cpuTicks(procs);
  }
  stop(): { cores: Record<string, number>; vpayEventLoopUtilization: number } {
    const wall = performance.now() - this.t0;
    return {
      cores: coresUsed(this.ticks, cpuTicks(this.procs), wall),
      vpayEventLoopUtilization: Math.round(performance.eventLoopUtilization(this.elu).utilization * 100) / 100,
    };
  }
}

export interface RssSample {
  /** Seconds since the sampler started. */
  t: number;
  rssMiB: number;
}

/** Samples this process's RSS every `everyMs`. */
export class RssSampler {
  readonly samples: RssSample[] = [];
  private readonly t0 = performance.now();
  private readonly timer: NodeJS.Timeout;
  constructor(everyMs: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }
  sample(): void {
    this.samples.push({
      t: Math.round((performance.now() - this.t0) / 100) / 10,
      rssMiB: Math.round((process.memoryUsage.rss() / 1048576) * 10) / 10,
    });
  }
  stop(): RssSample[] {
    clearInterval(this.timer);
    this.sample();
    return this.samples;
  }
  get peakMiB(): number {
    return Math.max(...this.samples.map((s) => s.rssMiB));
  }
}
