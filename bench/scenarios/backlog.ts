// 5. Backlog: N paid orders while the developer's endpoint answers 500, then it comes back: how
// long until every order is delivered, at what rate, with what peak RSS, and each exactly once.
import { newResult, sleep, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance } from '../stack';
import { RssSampler, StepMeter } from '../sys';
import { fmt, fmtInt } from '../stats';
import { cpuCells, cpuColumns, pcts } from './throughput';

export async function backlog(ctx: BenchContext): Promise<ScenarioResult> {
  const p = ctx.profile.backlog;
  const env = { DELIVERY_RETRY_INITIAL_MS: '200', DELIVERY_RETRY_MAX_MS: '1000', DELIVERY_ALERT_AFTER_MS: '3600000' };
  const res = newResult(
    'backlog',
    '5. Backlog: paid orders behind a dead developer endpoint, then it comes back',
    `The fake developer answers every delivery with HTTP 500 while ${fmtInt(p.orders)} orders are requested and paid (${p.createConcurrency} at a time; ` +
      `creating stops after ${fmt(p.createTimeLimitMs / 60_000, 0)} min, whatever was reached), ` +
      `and for ${p.holdMs / 1000} s more; then it answers 200 again. Delivery retries: DELIVERY_RETRY_INITIAL_MS=200, DELIVERY_RETRY_MAX_MS=1000 ` +
      '(DELIVERY_ALERT_AFTER_MS=1 h, so no alerts). Drain time runs from the endpoint coming back to the last order\'s first successful delivery. ' +
      'RSS is the benchmark process (vpay\'s API and worker), sampled every second.',
  );
  const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'backlog', env });
  const agent = ctx.stack.agent;
  const rss = new RssSampler(p.rssEveryMs);
  try {
    await agent.call('developerMode', { mode: 'http500' });
    ctx.log(`backlog: creating ${fmtInt(p.orders)} paid orders with the developer down`);
    const createMeter = new StepMeter(ctx.stack.procs());
    const created = await agent.call('createPaid', { instance: inst.name, n: p.orders, concurrency: p.createConcurrency, tag: 'backlog', timeLimitMs: p.createTimeLimitMs });
    const createUsage = createMeter.stop();
    noErrors(res, 'backlog: paying the orders', created);
    ctx.log(`backlog: ${created.created} paid in ${fmt(created.elapsedSec)} s; holding ${p.holdMs / 1000} s`);
    await sleep(p.holdMs);
    const before = await agent.call('report', { instance: inst.name });
    const rssAtUp = rss.samples[rss.samples.length - 1]?.rssMiB;

    const drainMeter = new StepMeter(ctx.stack.procs());
    await agent.call('developerMode', { mode: 'ok' });
    ctx.log('backlog: developer is up; draining');
    const drain = await agent.call('waitDelivered', { instance: inst.name, timeoutMs: p.drainTimeoutMs });
    const drainUsage = drainMeter.stop();
    const samples = rss.stop();
    const rec = await reconcile(ctx, inst, res);
    res.checks.push(
      {
        name: 'backlog: every order was first refused by the developer',
        ok: before.developer.neverOk === before.made && before.developer.okOnce === 0,
        detail: `${fmtInt(before.developer.failedAttempts)} failed attempts over ${fmtInt(before.made)} orders before the endpoint came back`,
      },
      {
        name: 'backlog: all delivered after the endpoint came back',
        ok: drain.delivered === drain.orders && drain.orders === created.created,
        detail: `${fmtInt(drain.delivered)} of ${fmtInt(drain.orders)} delivered`,
      },
    );
    res.targets.push({
      name: `${fmtInt(p.orders)} paid orders created with the developer down`,
      goal: `within ${fmt(p.createTimeLimitMs / 60_000, 0)} min`,
      value: `${fmtInt(created.created)} in ${fmt(created.elapsedSec / 60, 1)} min`,
      met: !created.timedOut && created.created === p.orders,
    });
    const rssBase = samples[0].rssMiB;
    const peak = Math.max(...samples.map((s) => s.rssMiB));
    const rate = drain.delivered / (drain.drainMs / 1000);
    res.tables.push({
      columns: ['orders', 'paid in (s)', 'payment request p50 / p95 / p99 (ms) while down', '503s retried (request / callback)', 'failed attempts while down', 'drain time (s)', 'deliveries/s', 'peak deliveries/s (1 s)', 'RSS start → at up → peak (MiB)', 'delivered exactly once'],
      rows: [[
        fmtInt(created.created) + (created.timedOut ? ` (of ${fmtInt(p.orders)}: time limit)` : ''),
        fmt(created.elapsedSec),
        pcts(created.req),
        `${created.retried503.payment} / ${created.retried503.callback}`,
        `${fmtInt(before.developer.failedAttempts)} (${fmt(before.developer.failedAttempts / Math.max(1, before.made), 1)} per order)`,
        fmt(drain.drainMs / 1000, 1),
        fmt(rate, 1),
        fmtInt(Math.max(0, ...drain.perSecond)),
        `${fmt(rssBase, 0)} → ${fmt(rssAtUp, 0)} → ${fmt(peak, 0)}`,
        `${fmtInt(rec.agent.developer.okOnce)} of ${fmtInt(rec.agent.made)}`,
      ]],
    });
    res.tables.push({
      title: 'CPU while paying (developer down) and while draining',
      columns: ['phase', ...cpuColumns],
      rows: [
        ['paying, developer down', ...cpuCells(createUsage.cores, createUsage.vpayEventLoopUtilization)],
        ['draining', ...cpuCells(drainUsage.cores, drainUsage.vpayEventLoopUtilization)],
      ],
    });
    res.findings.push(
      `${fmtInt(created.created)} paid orders piled up behind a dead endpoint (${fmt(before.developer.failedAttempts / Math.max(1, before.made), 1)} failed attempts each); ` +
        `once it answered again they drained in ${fmt(drain.drainMs / 1000, 1)} s (${fmt(rate, 1)} deliveries/s), each delivered once; ` +
        `RSS peaked at ${fmt(peak, 0)} MiB (${fmt(rssBase, 0)} MiB at the start).`,
    );
    if (ctx.shared.saturationRate) {
      res.findings.push(`Draining ran at ${fmt((rate / ctx.shared.saturationRate) * 100, 0)} % of the whole-purchase rate at saturation (${fmt(ctx.shared.saturationRate)} /s), with only one delivery activity (plus a timer) per order left to do.`);
    }
    res.raw = { created, beforeUp: before, drain, rss: samples, createUsage, drainUsage, reconciliation: rec };
  } finally {
    rss.stop();
    await agent.call('developerMode', { mode: 'ok' }).catch(() => undefined);
    await inst.stop();
  }
  return res;
}
