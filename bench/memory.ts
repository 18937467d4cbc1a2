// Memory and disk of the stack's processes at one moment, from /proc and the file system: what the
// pending scenario samples after each step. PostgreSQL is its postmaster and every backend; their
// RSS would count the shared buffers once per backend, so each counts its PSS (shared pages split
// between the processes sharing them), whose sum is the group's real share of memory.
import fs from 'node:fs';
import path from 'node:path';
import type { ProcessSet } from './sys';

export interface MemorySample {
  /** The benchmark process: vpay's API and worker (MiB, RSS). */
  vpayMiB: number;
  /** The Temporal server (MiB, RSS): the dev server, or the sum of a cluster's processes. */
  temporalMiB: number;
  /** Each process of a multi-process Temporal server (ProcessSet.temporalParts), MiB RSS. */
  temporalPartsMiB?: Record<string, number>;
  /** The postmaster and its backends (MiB, sum of PSS; RSS where PSS is unreadable). */
  postgresMiB: number;
  postgresProcesses: number;
}

const kib = (text: string, field: string): number | undefined => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

const read = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** RSS of one process in KiB (0 when it is gone). */
function rssKiB(pid: number | undefined): number {
  return pid ? (kib(read(`/proc/${pid}/status`), 'VmRSS') ?? 0) : 0;
}

/** PSS of one process in KiB, RSS where smaps_rollup cannot be read. */
function pssKiB(pid: number): number {
  return kib(read(`/proc/${pid}/smaps_rollup`), 'Pss') ?? rssKiB(pid);
}

function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (stat && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) out.push(Number(entry));
  }
  return out;
}

const mib = (k: number) => Math.round((k / 1024) * 10) / 10;

export function memorySample(p: ProcessSet): MemorySample {
  const pg = p.postgres ? [p.postgres, ...childrenOf(p.postgres)] : [];
  const parts = p.temporalParts ? Object.entries(p.temporalParts).map(([name, pid]) => [name, rssKiB(pid)] as const) : undefined;
  return {
    vpayMiB: mib(rssKiB(p.bench)),
    temporalMiB: mib(parts ? parts.reduce((s, [, k]) => s + k, 0) : rssKiB(p.temporal)),
    ...(parts ? { temporalPartsMiB: Object.fromEntries(parts.map(([name, k]) => [name, mib(k)])) } : {}),
    postgresMiB: mib(pg.reduce((s, pid) => s + pssKiB(pid), 0)),
    postgresProcesses: pg.length,
  };
}

/**
 * The largest of each figure of memorySample over a step, sampled every `everyMs`. `sums` names
 * groups of temporalParts whose sum is taken per sample (the peak of a sum, not a sum of peaks).
 */
export class MemoryPeaks {
  private peak: Record<string, number> = {};
  private readonly timer: NodeJS.Timeout;
  constructor(
    private readonly procs: ProcessSet,
    everyMs: number,
    private readonly sums: Record<string, string[]> = {},
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }
  private sample(): void {
    const m = memorySample(this.procs);
    const flat: Record<string, number> = { vpay: m.vpayMiB, temporal: m.temporalMiB, postgres: m.postgresMiB };
    for (const [name, v] of Object.entries(m.temporalPartsMiB ?? {})) flat[`temporal/${name}`] = v;
    for (const [name, parts] of Object.entries(this.sums))
      flat[`sum/${name}`] = mib(parts.reduce((s, part) => s + (m.temporalPartsMiB?.[part] ?? 0) * 1024, 0));
    for (const [k, v] of Object.entries(flat)) this.peak[k] = Math.max(this.peak[k] ?? 0, v);
  }
  /** MiB by `vpay`, `temporal`, `temporal/<part>`, `sum/<group>`, `postgres` (PSS sum). */
  stop(): Record<string, number> {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

/** Bytes of the files under `dir` (allocated blocks, as `du` counts them), in MiB. */
export function diskUsageMiB(dir: string): number {
  let bytes = 0;
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return; // removed while we walked (a WAL segment recycled, a temporary file)
    }
    for (const e of entries) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.isFile()) {
        try {
          bytes += fs.statSync(f).blocks * 512;
        } catch {
          // gone meanwhile
        }
      }
    }
  };
  walk(dir);
  return Math.round((bytes / 1048576) * 10) / 10;
}
