// 3. Worker tuning: one knob at a time away from the defaults, at the best concurrency of the
// throughput sweep, then the winners together; which setting completes the most purchases/s.
import v8 from 'node:v8';
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance } from '../stack';
import { StepMeter } from '../sys';
import { fmt } from '../stats';
import type { BenchTuning } from '../stack';
import type { PurchaseStats } from '../agent-protocol';
import { tuningBest } from '../tuning-best';
import { pcts } from './throughput';

interface Config {
  label: string;
  group: string;
  t: BenchTuning;
}

export async function tuning(ctx: BenchContext): Promise<ScenarioResult> {
  const c = ctx.shared.bestConcurrency ?? ctx.profile.tuning.defaultConcurrency;
  const { stepMs, warmupMs } = ctx.profile.tuning;
  // The SDK's default cache size (reuseV8Context): max(floor((heap MiB - 200) * 600 / 1024), 10).
  const heapMiB = v8.getHeapStatistics().heap_size_limit / 1048576;
  const defaultCache = Math.max(Math.floor(((heapMiB - 200) * 600) / 1024), 10);
  const configs: Config[] = ctx.profile.tuning.full
    ? [
        { label: 'defaults', group: 'defaults', t: {} },
        { label: 'activity slots 25', group: 'activities', t: { maxConcurrentActivityTaskExecutions: 25 } },
        { label: 'activity slots 400', group: 'activities', t: { maxConcurrentActivityTaskExecutions: 400 } },
        { label: 'workflow-task slots 10', group: 'workflowTasks', t: { maxConcurrentWorkflowTaskExecutions: 10 } },
        { label: 'workflow-task slots 400', group: 'workflowTasks', t: { maxConcurrentWorkflowTaskExecutions: 400 } },
        {
          label: `cache ${2 * c} workflows (workflow-task slots ${Math.min(100, 2 * c)})`,
          group: 'cache',
          t: { maxCachedWorkflows: 2 * c, maxConcurrentWorkflowTaskExecutions: Math.min(100, 2 * c) },
        },
        { label: 'knex pool 4', group: 'pool', t: { poolSize: 4 } },
        { label: 'knex pool 25', group: 'pool', t: { poolSize: 25 } },
        { label: 'workflow threads 2 (not in the brief: one more knob)', group: 'threads', t: { workflowThreadPoolSize: 2 } },
        { label: 'defaults again (the spread between the two default runs is the noise)', group: 'noise', t: {} },
      ]
    : [
        { label: 'defaults', group: 'defaults', t: {} },
        { label: 'knex pool 4, activity slots 25', group: 'pool', t: { poolSize: 4, maxConcurrentActivityTaskExecutions: 25 } },
      ];
  const res = newResult(
    'tuning',
    '3. Worker tuning',
    `At ${c} concurrent purchasers (the best of the throughput sweep), ${stepMs / 1000} s per setting after a ${warmupMs / 1000} s warm-up; ` +
      'the API and the worker are restarted for each setting on the same database. Defaults: 100 activity slots and 100 workflow-task slots (worker/create-worker.ts), ' +
      `the SDK's cache size (${defaultCache} workflows here), knex pool 10 (api/start.ts, worker/start.ts) for the API and for the worker, one workflow thread.`,
  );
  const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'tuning', tuning: {} });
  const rows: Array<{ config: Config; stats: PurchaseStats; cores: Record<string, number>; elu: number }> = [];
  const run = async (config: Config) => {
    await inst.restart(config.t);
    await ctx.stack.agent.call('closedLoop', {
      instance: inst.name,
      concurrency: c,
      durationMs: warmupMs,
      tag: 'warm',
      deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
    });
    const meter = new StepMeter(ctx.stack.procs());
    const stats = await ctx.stack.agent.call('closedLoop', {
      instance: inst.name,
      concurrency: c,
      durationMs: stepMs,
      tag: `t${rows.length}`,
      deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
    });
    const usage = meter.stop();
    noErrors(res, `tuning "${config.label}"`, stats);
    rows.push({ config, stats, cores: usage.cores, elu: usage.vpayEventLoopUtilization });
    ctx.log(`tuning: ${config.label} -> ${fmt(stats.ratePerSec)} purchases/s`);
  };
  try {
    for (const config of configs) await run(config);
    const base = rows[0].stats.ratePerSec;
    if (ctx.profile.tuning.full) {
      // The winner of each group that beat the defaults by more than 3 %, all together.
      const winners = new Map<string, (typeof rows)[number]>();
      for (const r of rows.slice(1)) {
        if (r.config.group === 'noise' || r.stats.ratePerSec < base * 1.03) continue;
        const w = winners.get(r.config.group);
        if (!w || r.stats.ratePerSec > w.stats.ratePerSec) winners.set(r.config.group, r);
      }
      if (winners.size > 1) {
        const t = Object.assign({}, ...[...winners.values()].map((w) => w.config.t)) as BenchTuning;
        await run({ label: `combined: ${[...winners.values()].map((w) => w.config.label).join(' + ')}`, group: 'combined', t });
      }
    }
    const best = tuningBest(rows.map((r) => ({ label: r.config.label, tuning: r.config.t, stats: r.stats, row: r })))!;
    // A repeat run that reached the best figure is marked with the setting it repeats.
    const bestMark = best.repeat ? ` **(best: ${best.setting})**` : ' **(best)**';
    res.tables.push({
      columns: [
        'setting',
        'purchases/s',
        'vs defaults',
        'request p50 / p95 / p99 (ms)',
        'callback→delivered p50 / p95 / p99 (ms)',
        'CPU: vpay / Temporal / PostgreSQL / total',
        'failed',
      ],
      rows: rows.map((r) => [
        r.config.label + (r === best.run.row ? bestMark : ''),
        fmt(r.stats.ratePerSec),
        `${r.stats.ratePerSec >= base ? '+' : ''}${fmt(((r.stats.ratePerSec - base) / base) * 100, 0)} %`,
        pcts(r.stats.req),
        pcts(r.stats.c2d),
        `${fmt(r.cores.vpay, 2)} / ${fmt(r.cores.temporal, 2)} / ${fmt(r.cores.postgres, 2)} / ${fmt(r.cores.total, 2)}`,
        String(r.stats.errorCount),
      ]),
    });
    const spread = Math.max(...rows.map((r) => r.stats.ratePerSec)) / Math.min(...rows.map((r) => r.stats.ratePerSec));
    const again = rows.find((r) => r.config.group === 'noise');
    if (again) {
      res.findings.push(
        `The defaults ran twice: ${fmt(base)} and ${fmt(again.stats.ratePerSec)} purchases/s (${fmt((Math.abs(again.stats.ratePerSec - base) / base) * 100, 0)} % apart); ` +
          'differences of that size between settings are noise, not tuning.',
      );
    }
    const top = best.run.stats.ratePerSec;
    const change = best.bestChange;
    res.findings.push(
      `Best figure: ${best.setting}${best.repeat ? ' (its repeat run)' : ''} at ${fmt(top)} purchases/s (${top >= base ? '+' : ''}${fmt(((top - base) / base) * 100, 0)} % vs the defaults' first ${fmt(base)})` +
        (best.isDefaults && change ? `; the best change of a knob was ${change.label} at ${fmt(change.stats.ratePerSec)} /s` : '') +
        `; all settings lie within a factor of ${fmt(spread, 2)} of each other.`,
    );
    await reconcile(ctx, inst, res);
    res.raw = {
      concurrency: c,
      defaultCache,
      rows: rows.map((r) => ({
        label: r.config.label,
        tuning: r.config.t,
        stats: r.stats,
        cores: r.cores,
        vpayEventLoopUtilization: r.elu,
      })),
    };
  } finally {
    await inst.stop();
  }
  return res;
}
