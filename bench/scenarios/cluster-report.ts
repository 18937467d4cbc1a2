// Scenario 9's tables and findings, from its steps alone (so they read the same when the report is
// rendered again from the raw JSON): capacity per round and its median, light-load latency pooled
// over the rounds, and each process's CPU and peak memory per kind of step.
import type { ScenarioResult } from '../context';
import type { PurchaseStats } from '../agent-protocol';
import type { Profile } from '../profile';
import { fmt, median, summarize, type Summary } from '../stats';

export type SideKey = 'dev' | 'cluster';

export interface ClusterStep {
  side: SideKey | 'idle';
  kind: 'capacity' | 'light' | 'idle';
  round: number;
  stats?: PurchaseStats;
  /** StepMeter's cores: vpay, agent, postgres, postgres/cluster, temporal/<process>, total, other. */
  cores: Record<string, number>;
  vpayEventLoopUtilization: number;
  /** MemoryPeaks: vpay, postgres (PSS), temporal/<process>, sum/cluster. */
  memoryMiB: Record<string, number>;
}

export interface ClusterReportInput {
  smoke: boolean;
  profile: Profile['cluster'];
  concurrency: number;
  concurrencyFromSweep: boolean;
  clusterStartSec: number;
  /** The cluster's process names: history-1, ..., worker-1. */
  clusterParts: string[];
  idle: ClusterStep;
  steps: ClusterStep[];
}

const SIDE_NAME: Record<SideKey, string> = { dev: 'dev server', cluster: 'cluster' };
const DEV = 'temporal/dev-server';
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
const p50p99 = (s: Summary) => `${fmt(s.p50, 0)} / ${fmt(s.p99, 0)}`;
const four = (s: Summary) => `${fmt(s.p50, 0)} / ${fmt(s.p95, 0)} / ${fmt(s.p99, 0)} / ${fmt(s.max, 0)}`;

/** The cluster's processes summed, of one step's cores. */
export const clusterCores = (cores: Record<string, number>, parts: string[]) =>
  parts.reduce((s, n) => s + (cores[`temporal/${n}`] ?? 0), 0);

/** Every sample of one side and kind of step, pooled over the rounds. */
export function pooled(steps: ClusterStep[]): Record<'req' | 'cb' | 's2d' | 'c2d' | 'whole', Summary> {
  const cat = (k: 'reqMs' | 'cbMs' | 's2dMs' | 'c2dMs' | 'wholeMs') => steps.flatMap((s) => s.stats?.raw?.[k] ?? []);
  return {
    req: summarize(cat('reqMs')),
    cb: summarize(cat('cbMs')),
    s2d: summarize(cat('s2dMs')),
    c2d: summarize(cat('c2dMs')),
    whole: summarize(cat('wholeMs')),
  };
}

export function clusterReport(res: ScenarioResult, o: ClusterReportInput): void {
  const p = o.profile;
  const of = (side: SideKey, kind: 'capacity' | 'light') => o.steps.filter((s) => s.side === side && s.kind === kind);
  const sides: SideKey[] = ['dev', 'cluster'];
  res.setup =
    `One vpay instance (API and worker in the benchmark process, \`npm start\`'s settings) against the bench's Temporal dev server, and one against a ` +
    'multi-service Temporal cluster started for this scenario by tools/cluster/temporal-cluster.ts (as `npm run cluster` starts it, without the Web UI): ' +
    `Temporal server v1.32.2 built from the Go module proxy, one process per service instance (2 history, 1 matching, 2 frontend, 1 worker service), ` +
    "numHistoryShards 4, the server's default dynamic config, behind one in-process TCP round-robin balancer (in the benchmark process) that vpay's TEMPORAL_ADDRESS names; " +
    `its persistence and visibility stores are the databases \`temporal\` and \`temporal_visibility\` on the bench's embedded PostgreSQL 18, the same server vpay's databases use. ` +
    'What differs from `npm start`: the Temporal server (the cluster instead of `temporal server start-dev` on SQLite); vpay itself is unchanged. ' +
    `Both sides run on the same 2 cores as everything else, so the cluster's six processes compete with vpay, PostgreSQL and the load agent for CPU, and both Temporal servers run all the time ` +
    '(the idle one is measured in every step too). ' +
    `${p.rounds} rounds, the order alternating (dev server first in odd rounds, the cluster first in even ones): ` +
    `(a) capacity, a closed loop at ${o.concurrency} concurrent purchasers (${o.concurrencyFromSweep ? "the throughput sweep's best" : "the profile's default; the throughput sweep did not run"}) for ${p.capacityMs / 1000} s on each side; ` +
    `(b) light load, an open loop at ${p.ratePerSec} purchases/s for ${p.lightMs / 1000} s on each side, the payment request and whole purchase timed from the intended send time, ` +
    'the callback from its send, "callback sent → delivered" from the callback\'s send; percentiles pooled over the rounds. ' +
    `CPU per process from /proc over each step; memory is each process's peak RSS sampled every ${p.memoryEveryMs / 1000} s (PostgreSQL: the sum of its processes' PSS). ` +
    "PostgreSQL's CPU includes the cluster's backends; the share of the backends connected to the cluster's two databases is shown apart. " +
    `The cluster took ${fmt(o.clusterStartSec, 1)} s to start (schemas, six processes, namespace). Each side ends with the exactly-once reconciliation and \`npm run reconcile\`'s check.`;

  // (a) capacity
  const rates = (side: SideKey) => of(side, 'capacity').map((s) => s.stats!.ratePerSec);
  const med = { dev: median(rates('dev')), cluster: median(rates('cluster')) };
  res.tables.push({
    title: `Capacity: closed loop at ${o.concurrency} concurrent, ${p.capacityMs / 1000} s a step (purchases/s; ms p50 / p99 pooled over the rounds)`,
    columns: [
      'Temporal server',
      ...Array.from({ length: p.rounds }, (_, i) => `round ${i + 1}${i % 2 === 0 ? ' (dev first)' : ' (cluster first)'}`),
      'median',
      'payment request',
      'callback',
      'callback→delivered',
      'failed',
    ],
    rows: sides.map((side) => {
      const pool = pooled(of(side, 'capacity'));
      return [
        SIDE_NAME[side],
        ...rates(side).map((r) => fmt(r)),
        fmt(med[side]),
        p50p99(pool.req),
        p50p99(pool.cb),
        p50p99(pool.c2d),
        String(of(side, 'capacity').reduce((n, s) => n + s.stats!.errorCount, 0)),
      ];
    }),
  });

  // (b) light load
  const light = { dev: pooled(of('dev', 'light')), cluster: pooled(of('cluster', 'light')) };
  res.tables.push({
    title: `Light load: open loop at ${p.ratePerSec} purchases/s, ${p.lightMs / 1000} s a step, pooled over the rounds (ms: p50 / p95 / p99 / max)`,
    columns: [
      'Temporal server',
      'purchases',
      'failed / skipped',
      'payment request',
      'callback',
      'callback sent → delivered',
      'whole purchase',
    ],
    rows: sides.map((side) => {
      const st = of(side, 'light');
      return [
        SIDE_NAME[side],
        String(st.reduce((n, s) => n + s.stats!.completed, 0)),
        `${st.reduce((n, s) => n + s.stats!.errorCount, 0)} / ${st.reduce((n, s) => n + s.stats!.skipped, 0)}`,
        four(light[side].req),
        four(light[side].cb),
        four(light[side].s2d),
        four(light[side].whole),
      ];
    }),
  });

  // CPU and memory, per kind of step (the mean of its rounds; memory: the largest peak).
  const groups: Array<{ label: string; steps: ClusterStep[] }> = [
    { label: 'idle (both)', steps: [o.idle] },
    ...(['capacity', 'light'] as const).flatMap((kind) =>
      sides.map((side) => ({
        label: `${kind === 'capacity' ? 'capacity' : 'light load'} on the ${SIDE_NAME[side]}`,
        steps: of(side, kind),
      })),
    ),
  ];
  const cpu = (steps: ClusterStep[], key: string) => mean(steps.map((s) => s.cores[key] ?? 0));
  const cpuCluster = (steps: ClusterStep[]) => mean(steps.map((s) => clusterCores(s.cores, o.clusterParts)));
  res.tables.push({
    title: 'CPU (cores of the machine; mean of the rounds) of each process during the steps: both Temporal servers run in every step',
    columns: [
      'step',
      'vpay process',
      "PostgreSQL (of it: the cluster's databases)",
      'dev server',
      'cluster: all 6',
      ...o.clusterParts,
      'load agent',
      'total',
      'other processes',
      'vpay event loop busy',
    ],
    rows: groups.map(({ label, steps }) => [
      label,
      fmt(cpu(steps, 'vpay'), 2),
      `${fmt(cpu(steps, 'postgres'), 2)} (${fmt(cpu(steps, 'postgres/cluster'), 2)})`,
      fmt(cpu(steps, DEV), 2),
      fmt(cpuCluster(steps), 2),
      ...o.clusterParts.map((n) => fmt(cpu(steps, `temporal/${n}`), 2)),
      fmt(cpu(steps, 'agent'), 2),
      fmt(cpu(steps, 'total'), 2),
      fmt(cpu(steps, 'other'), 2),
      `${fmt(mean(steps.map((s) => s.vpayEventLoopUtilization)) * 100, 0)} %`,
    ]),
  });
  const peak = (steps: ClusterStep[], key: string) => Math.max(...steps.map((s) => s.memoryMiB[key] ?? 0));
  res.tables.push({
    title: `Memory (MiB): each process's peak RSS during the steps (PostgreSQL: sum of PSS; vpay's process holds both vpay instances)`,
    columns: ['step', 'vpay process', 'PostgreSQL', 'dev server', 'cluster: all 6', ...o.clusterParts],
    rows: groups.map(({ label, steps }) => [
      label,
      fmt(peak(steps, 'vpay'), 0),
      fmt(peak(steps, 'postgres'), 0),
      fmt(peak(steps, DEV), 0),
      fmt(peak(steps, 'sum/cluster'), 0),
      ...o.clusterParts.map((n) => fmt(peak(steps, `temporal/${n}`), 0)),
    ]),
  });

  // Findings
  const ratios = of('cluster', 'capacity').map((c, i) => c.stats!.ratePerSec / of('dev', 'capacity')[i].stats!.ratePerSec);
  res.findings.push(
    `Capacity at ${o.concurrency} concurrent: ${fmt(med.cluster)} purchases/s on the cluster against ${fmt(med.dev)} /s on the dev server ` +
      `(medians of ${p.rounds} rounds; cluster / dev server ${fmt(med.cluster / med.dev, 2)}, per round ${ratios.map((r) => fmt(r, 2)).join(', ')}).`,
    `At ${p.ratePerSec} purchases/s, p50 / p99 from the intended send: payment request ${p50p99(light.cluster.req)} ms on the cluster against ${p50p99(light.dev.req)} ms on the dev server, ` +
      `callback ${p50p99(light.cluster.cb)} against ${p50p99(light.dev.cb)} ms, callback sent → delivered ${p50p99(light.cluster.s2d)} against ${p50p99(light.dev.s2d)} ms, ` +
      `whole purchase ${p50p99(light.cluster.whole)} against ${p50p99(light.dev.whole)} ms.`,
  );
  const capDev = of('dev', 'capacity');
  const capCl = of('cluster', 'capacity');
  const perPurchase = (cores: number, rate: number) => (cores * 1000) / rate;
  res.findings.push(
    `CPU at capacity: the cluster's six processes used ${fmt(cpuCluster(capCl), 2)} cores (${o.clusterParts.map((n) => `${n} ${fmt(cpu(capCl, `temporal/${n}`), 2)}`).join(', ')}) ` +
      `where the dev server used ${fmt(cpu(capDev, DEV), 2)}; PostgreSQL ${fmt(cpu(capCl, 'postgres'), 2)} cores on the cluster's steps (${fmt(cpu(capCl, 'postgres/cluster'), 2)} of them the cluster's databases) ` +
      `against ${fmt(cpu(capDev, 'postgres'), 2)} on the dev server's; the machine's total ${fmt(cpu(capCl, 'total'), 2)} against ${fmt(cpu(capDev, 'total'), 2)} cores. ` +
      `Per purchase, Temporal took ${fmt(perPurchase(cpuCluster(capCl), med.cluster), 1)} ms of CPU on the cluster (plus ${fmt(perPurchase(cpu(capCl, 'postgres/cluster'), med.cluster), 1)} ms in its PostgreSQL backends) ` +
      `and ${fmt(perPurchase(cpu(capDev, DEV), med.dev), 1)} ms on the dev server (its SQLite inside).`,
    `Idle, the cluster's processes used ${fmt(clusterCores(o.idle.cores, o.clusterParts), 2)} cores and PostgreSQL ${fmt(o.idle.cores.postgres, 2)} (${fmt(o.idle.cores['postgres/cluster'], 2)} the cluster's databases); the dev server ${fmt(o.idle.cores[DEV], 2)}. ` +
      `During the dev server's capacity steps the idle cluster still used ${fmt(cpuCluster(capDev), 2)} cores, and during the cluster's the idle dev server ${fmt(cpu(capCl, DEV), 2)}: taken from the side measured.`,
    `Memory: the cluster's six processes peaked at ${fmt(peak(o.steps, 'sum/cluster'), 0)} MiB RSS together (${o.clusterParts.map((n) => `${n} ${fmt(peak(o.steps, `temporal/${n}`), 0)}`).join(', ')}), ` +
      `the dev server at ${fmt(peak(o.steps, DEV), 0)} MiB; PostgreSQL at ${fmt(peak(o.steps, 'postgres'), 0)} MiB (PSS, both sides' databases).`,
  );
  const frontends = o.clusterParts.filter((n) => n.startsWith('frontend-'));
  if (frontends.length > 1)
    res.findings.push(
      `The balancer spreads connections, not calls: at capacity ${frontends.map((n) => `${n} used ${fmt(cpu(capCl, `temporal/${n}`), 2)} cores`).join(', ')}; ` +
        "vpay's client and worker hold a few long-lived gRPC connections, and each stays on the frontend it was given.",
    );
  if (o.smoke) res.findings.push('Smoke run: tiny steps, correctness only; the figures mean nothing.');
}
