// 9. The multi-service Temporal cluster (tools/cluster): vpay against it next to vpay against the
// bench's dev server, side by side in one run. The cluster (2 history, 1 matching, 2 frontend, 1
// worker service process behind one balancer address) runs on the bench's own PostgreSQL, so both
// sides share the machine and the database server; every step measures every process, both
// Temporal servers included, so what the idle one burns meanwhile shows too. Rounds alternate
// the order (dev, cluster / cluster, dev): a closed loop at the sweep's best concurrency for
// capacity, then an open loop at a light rate with latency from the intended send time.
import fs from 'node:fs';
import path from 'node:path';
import { newResult, sleep, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { opsReconcile } from '../ops-reconcile';
import { startVpayInstance, type VpayInstance } from '../stack';
import { StepMeter, type ProcessSet } from '../sys';
import { MemoryPeaks } from '../memory';
import { fmt } from '../stats';
import type { PurchaseStats } from '../agent-protocol';
import { freePort } from '../../tools/dev/free-port';
import { clusterBinaryPaths, ensureClusterBinaries, TEMPORAL_SERVER_VERSION } from '../../tools/cluster/binaries';
import { serviceInstances } from '../../tools/cluster/local-cluster';
import { NUM_HISTORY_SHARDS, startTemporalCluster } from '../../tools/cluster/temporal-cluster';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/definitions';
import { clusterReport, type ClusterStep, type SideKey } from './cluster-report';

const ROOT = path.resolve(__dirname, '..', '..');
/** The dev server's name among the Temporal processes the steps measure. */
export const DEV_SERVER = 'dev-server';
/** The cluster's databases on the shared PostgreSQL (tools/cluster/server-config.ts DATABASES). */
const CLUSTER_DATABASES = ['temporal', 'temporal_visibility'];

export const cluster = (ctx: BenchContext) => clusterScenario(ctx, ROOT);

/** `root`: where .tools/cluster is looked for (a test points it at an empty directory). */
export async function clusterScenario(ctx: BenchContext, root: string): Promise<ScenarioResult> {
  const p = ctx.profile.cluster;
  const res = newResult('cluster', '9. The multi-service Temporal cluster: vpay on it next to the dev server', '');
  const paths = clusterBinaryPaths(root);
  const missing = [paths.server, paths.sqlTool].filter((f) => !fs.existsSync(f));
  if (missing.length && ctx.smoke) {
    // CI's smoke run must not start a 12-minute Go build; `npm run test:cluster` or `npm run cluster` builds them.
    ctx.log(
      `cluster: SKIPPED in smoke mode: the cluster binaries are not built (${missing.map((f) => path.relative(root, f)).join(', ')})`,
    );
    res.title += ' (skipped)';
    res.setup = `Skipped: the smoke run does not build the cluster's binaries (missing: ${missing.map((f) => path.relative(root, f)).join(', ')}); \`npm run cluster\` or \`npm run test:cluster\` builds them.`;
    res.raw = { skipped: true, missing: missing.map((f) => path.relative(root, f)) };
    return res;
  }
  const binaries = missing.length ? await ensureClusterBinaries(root, ctx.log) : paths;

  const pgUrl = new URL(ctx.stack.pgAdminUrl);
  const pg = {
    host: pgUrl.hostname,
    port: Number(pgUrl.port),
    user: decodeURIComponent(pgUrl.username),
    password: decodeURIComponent(pgUrl.password),
  };
  // Each server process adds an exit hook (tools/dev/managed-process.ts).
  process.setMaxListeners(Math.max(process.getMaxListeners(), 50));
  const clusterLog = fs.createWriteStream(ctx.stack.logFile('temporal-cluster'), { flags: 'a' });
  const startedAt = Date.now();
  ctx.log('cluster: starting the Temporal cluster (2 history, 1 matching, 2 frontend, 1 worker service) on the bench PostgreSQL');
  const temporal = await startTemporalCluster({
    binaries,
    pg,
    dataDir: path.join(ctx.stack.dir, 'temporal-cluster'),
    instances: await serviceInstances('free'),
    balancerPort: await freePort(),
    uiPort: 0,
    namespace: 'default',
    searchAttributes: SEARCH_ATTRIBUTE_NAMES,
    onLog: (name, line) => clusterLog.write(`${name} ${line}\n`),
  });
  const stopCluster = ctx.cleanup.add('stop the Temporal cluster', async () => {
    await temporal.stop();
    clusterLog.end();
  });
  const clusterStartSec = (Date.now() - startedAt) / 1000;
  ctx.log(`cluster: ready at ${temporal.address} in ${fmt(clusterStartSec, 1)} s`);
  const clusterParts = Object.fromEntries([...temporal.processes].map(([name, proc]) => [name, proc.pid()]));
  const base = ctx.stack.procs();
  const procs: ProcessSet = {
    bench: base.bench,
    agent: base.agent,
    postgres: base.postgres,
    temporalParts: { [DEV_SERVER]: base.temporal!, ...clusterParts },
    postgresDatabases: { name: 'cluster', databases: CLUSTER_DATABASES },
  };
  const memorySums = { cluster: Object.keys(clusterParts) };

  const insts: Partial<Record<SideKey, VpayInstance>> = {};
  try {
    insts.dev = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'cluster_dev' });
    insts.cluster = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'cluster_cl', temporalAddress: temporal.address });
    const concurrency = ctx.shared.bestConcurrency ?? p.concurrency;
    const deliveryTimeoutMs = ctx.profile.deliveryTimeoutMs;

    // Both sides idle: what each Temporal server burns doing nothing (the cluster's housekeeping).
    const idleMeter = new StepMeter(procs);
    const idleMemory = new MemoryPeaks(procs, p.memoryEveryMs, memorySums);
    await sleep(ctx.smoke ? 1_000 : 10_000);
    const idle: ClusterStep = { side: 'idle', kind: 'idle', round: 0, ...idleMeter.stop(), memoryMiB: idleMemory.stop() };

    for (const side of ['dev', 'cluster'] as const) {
      const warm = await ctx.stack.agent.call('closedLoop', {
        instance: insts[side]!.name,
        concurrency: 4,
        durationMs: ctx.profile.warmupMs,
        tag: `warm-${side}`,
        deliveryTimeoutMs,
      });
      noErrors(res, `cluster scenario: warm-up on the ${side === 'dev' ? 'dev server' : 'cluster'}`, warm);
    }

    const steps: ClusterStep[] = [];
    const measure = async (side: SideKey, kind: 'capacity' | 'light', round: number) => {
      const inst = insts[side]!;
      const meter = new StepMeter(procs);
      const memory = new MemoryPeaks(procs, p.memoryEveryMs, memorySums);
      const tag = `${side}-${kind}-${round}`;
      const stats: PurchaseStats =
        kind === 'capacity'
          ? await ctx.stack.agent.call('closedLoop', {
              instance: inst.name,
              concurrency,
              durationMs: p.capacityMs,
              tag,
              deliveryTimeoutMs,
              raw: true,
            })
          : await ctx.stack.agent.call('openLoop', {
              instance: inst.name,
              ratePerSec: p.ratePerSec,
              durationMs: p.lightMs,
              maxInFlight: Math.ceil(p.ratePerSec * (p.lightMs / 1000) + 10),
              tag,
              deliveryTimeoutMs,
              raw: true,
            });
      const usage = meter.stop();
      const step: ClusterStep = { side, kind, round, stats, ...usage, memoryMiB: memory.stop() };
      steps.push(step);
      noErrors(res, `cluster scenario: ${kind} round ${round} on the ${side === 'dev' ? 'dev server' : 'cluster'}`, stats);
      const clusterCores = Object.keys(clusterParts).reduce((s, n) => s + (usage.cores[`temporal/${n}`] ?? 0), 0);
      ctx.log(
        `cluster: round ${round} ${kind} on ${side}: ${fmt(stats.ratePerSec)} /s, request p50/p99 ${fmt(stats.req.p50, 0)}/${fmt(stats.req.p99, 0)} ms, ` +
          `whole p99 ${fmt(stats.whole.p99, 0)} ms; cores vpay ${fmt(usage.cores.vpay, 2)}, dev server ${fmt(usage.cores[`temporal/${DEV_SERVER}`], 2)}, ` +
          `cluster ${fmt(clusterCores, 2)}, PostgreSQL ${fmt(usage.cores.postgres, 2)}, other ${fmt(usage.cores.other, 2)}`,
      );
    };
    for (let round = 1; round <= p.rounds; round++) {
      const order: SideKey[] = round % 2 === 1 ? ['dev', 'cluster'] : ['cluster', 'dev'];
      for (const kind of ['capacity', 'light'] as const) for (const side of order) await measure(side, kind, round);
    }

    const reconciliation = {
      dev: await reconcile(ctx, insts.dev, res),
      cluster: await reconcile(ctx, insts.cluster, res),
    };
    const ops = { dev: await opsReconcile(insts.dev, res), cluster: await opsReconcile(insts.cluster, res) };
    clusterReport(res, {
      smoke: ctx.smoke,
      profile: p,
      concurrency,
      concurrencyFromSweep: ctx.shared.bestConcurrency !== undefined,
      clusterStartSec,
      clusterParts: Object.keys(clusterParts),
      idle,
      steps,
    });
    res.raw = {
      serverVersion: TEMPORAL_SERVER_VERSION,
      numHistoryShards: NUM_HISTORY_SHARDS,
      clusterStartSec,
      concurrency,
      clusterParts,
      idle,
      steps,
      reconciliation,
      opsReconcile: {
        dev: ops.dev.ok,
        cluster: ops.cluster.ok,
        clusterReport: { checked: ops.cluster.checked, counts: ops.cluster.counts },
      },
    };
    return res;
  } finally {
    await insts.cluster?.stop();
    await insts.dev?.stop();
    await stopCluster();
  }
}
