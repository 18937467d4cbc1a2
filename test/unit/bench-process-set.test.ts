// The bench's per-process CPU and memory with a Temporal server of several processes (scenario 9's
// cluster): each part is read on its own, `temporal` is their sum, and no part is counted twice in
// the total. Real /proc readings of this test's own process and a child it spawns. And the
// scenario's skip in smoke mode when the cluster's binaries are not built (CI's bench:smoke).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchContext } from '../../bench/context';
import { SMOKE } from '../../bench/profile';
import { clusterScenario } from '../../bench/scenarios/cluster';
import { backendDatabase, coresUsed, cpuTicks, isPart } from '../../bench/sys';
import { memorySample, MemoryPeaks } from '../../bench/memory';

describe('a ProcessSet with temporalParts', () => {
  let child: ChildProcess;
  beforeAll(async () => {
    // A busy child: it has CPU ticks of its own to read.
    child = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 400); setInterval(() => {}, 1000);']);
    await new Promise((r) => setTimeout(r, 600));
  });
  afterAll(() => {
    child.kill('SIGKILL');
  });

  it('reports each part, their sum as temporal, and keeps parts out of the total', () => {
    const set = { bench: process.pid, temporalParts: { a: process.pid, b: child.pid! } };
    const ticks = cpuTicks(set);
    expect(ticks['temporal/a']).toBeGreaterThan(0);
    expect(ticks['temporal/b']).toBeGreaterThan(0);
    expect(ticks.temporal).toBe(ticks['temporal/a'] + ticks['temporal/b']);

    const before = { vpay: 0, temporal: 0, 'temporal/a': 0, 'temporal/b': 0 };
    const after = { vpay: 100, temporal: 300, 'temporal/a': 100, 'temporal/b': 200 };
    const cores = coresUsed(before, after, 1000);
    // total = vpay + temporal; the parts are already inside temporal.
    expect(cores.total).toBeCloseTo(cores.vpay + cores.temporal, 2);
    expect(cores['temporal/b']).toBeCloseTo(2 * cores['temporal/a'], 2);
    expect(isPart('temporal/a')).toBe(true);
    expect(isPart('temporal')).toBe(false);
  });

  it('counts a part that shrank (a process gone) as 0, never negative', () => {
    const cores = coresUsed({ 'postgres/cluster': 500, postgres: 600 }, { 'postgres/cluster': 100, postgres: 700 }, 1000);
    expect(cores['postgres/cluster']).toBe(0);
    expect(cores.postgres).toBeGreaterThan(0);
  });

  it("samples each part's RSS, their sum, and the peak of a group summed per sample", () => {
    const set = { bench: process.pid, temporalParts: { a: process.pid, b: child.pid! } };
    const m = memorySample(set);
    expect(m.temporalPartsMiB!.a).toBeGreaterThan(10);
    expect(m.temporalPartsMiB!.b).toBeGreaterThan(10);
    expect(m.temporalMiB).toBeCloseTo(m.temporalPartsMiB!.a + m.temporalPartsMiB!.b, 0);
    const peaks = new MemoryPeaks(set, 10_000, { both: ['a', 'b'] }).stop();
    expect(peaks['sum/both']).toBeGreaterThanOrEqual(Math.max(peaks['temporal/a'], peaks['temporal/b']));
    expect(peaks['sum/both']).toBeLessThanOrEqual(peaks['temporal/a'] + peaks['temporal/b'] + 0.2);
  });
});

describe('backendDatabase', () => {
  it("reads the database from a PostgreSQL backend's process title", () => {
    expect(backendDatabase('postgres: postgres temporal 127.0.0.1(40212) idle\0')).toBe('temporal');
    expect(backendDatabase('postgres: postgres vpay_cluster_cl 127.0.0.1(40214) idle in transaction')).toBe('vpay_cluster_cl');
    expect(backendDatabase('postgres: checkpointer ')).toBeUndefined();
    expect(backendDatabase('postgres -D /tmp/pg -p 5432')).toBeUndefined();
  });
});

describe('scenario 9 without the cluster binaries', () => {
  it('is skipped in smoke mode, with a log line, before touching the stack', async () => {
    const lines: string[] = [];
    const ctx = { smoke: true, profile: SMOKE, shared: {}, log: (l: string) => lines.push(l) } as unknown as BenchContext;
    const res = await clusterScenario(ctx, fs.mkdtempSync(path.join(os.tmpdir(), 'no-cluster-')));
    expect(res.title).toContain('(skipped)');
    expect(res.checks).toEqual([]);
    expect(res.raw).toEqual({ skipped: true, missing: expect.arrayContaining([expect.stringContaining('temporal-server')]) });
    expect(lines.join('\n')).toMatch(/cluster: SKIPPED in smoke mode/);
  });
});
