// 5. Backlog: N paid orders while the developer's endpoint answers 500, then it comes back: how
// long until every order is delivered, at what rate, with what peak RSS, and each exactly once.
// Retries follow vpay's production backoff, so the drain shows the delivery recovery wake-up
// (activities/delivery-recovery.ts) at work: without it the oldest orders would sleep out long timers.
import { newResult, sleep, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance } from '../stack';
import { RssSampler, StepMeter } from '../sys';
import { fmt, fmtInt, fmtMs } from '../stats';
import { cpuCells, cpuColumns, pcts } from './throughput';

/**
 * The wait an order is in after failing its deliveries for `downMs`: vpay's workflow waits
 * `initialMs`, doubling after every wait that runs out, up to `maxMs` (workflows/purchase.ts).
 */
function backoffIntervalAfter(downMs: number, initialMs: number, maxMs: number): number {
  let interval = initialMs;
  for (let t = interval; t <= downMs; t += interval) interval = Math.min(interval * 2, maxMs);
  return interval;
}

export async function backlog(ctx: BenchContext): Promise<ScenarioResult> {
  const p = ctx.profile.backlog;
  // The retry backoff stays at vpay's production defaults; only the alert is pushed past the run.
  const env = { DELIVERY_ALERT_AFTER_MS: '3600000' };
  const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'backlog', env });
  const retry = {
    initialMs: inst.config.deliveryRetryInitialMs,
    maxMs: inst.config.deliveryRetryMaxMs,
    alertAfterMs: inst.config.deliveryAlertAfterMs,
  };
  const res = newResult(
    'backlog',
    '5. Backlog: paid orders behind a dead developer endpoint, then it comes back',
    `The fake developer answers every delivery with HTTP 500 while ${fmtInt(p.orders)} orders are requested and paid (${p.createConcurrency} at a time; ` +
      `creating stops after ${fmt(p.createTimeLimitMs / 60_000, 0)} min, whatever was reached), ` +
      `and for ${p.holdMs / 1000} s more; then it answers 200 again. Delivery retries follow vpay's production backoff ` +
      `(DELIVERY_RETRY_INITIAL_MS and DELIVERY_RETRY_MAX_MS at their defaults: ${fmtMs(retry.initialMs)} doubling to ${fmtMs(retry.maxMs)}; ` +
      `DELIVERY_ALERT_AFTER_MS=${fmtMs(retry.alertAfterMs)}, so no alerts), so an order that has failed for a while sleeps long between attempts. ` +
      'The drain relies on the delivery recovery wake-up: the first delivery that gets through after the endpoint had been failing signals every order of the app ' +
      "still waiting to retry at once. Drain time runs from the endpoint coming back to the last order's first successful delivery, so it includes the wait " +
      "for the first retry timer to fire after the endpoint is back. RSS is the benchmark process (vpay's API and worker), sampled every second.",
  );
  const agent = ctx.stack.agent;
  const rss = new RssSampler(p.rssEveryMs);
  try {
    await agent.call('developerMode', { mode: 'http500' });
    ctx.log(`backlog: creating ${fmtInt(p.orders)} paid orders with the developer down`);
    const createMeter = new StepMeter(ctx.stack.procs());
    const created = await agent.call('createPaid', {
      instance: inst.name,
      n: p.orders,
      concurrency: p.createConcurrency,
      tag: 'backlog',
      timeLimitMs: p.createTimeLimitMs,
    });
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
      columns: [
        'orders',
        'paid in (s)',
        'payment request p50 / p95 / p99 (ms) while down',
        '503s retried (request / callback)',
        'failed attempts while down',
        'drain time (s)',
        'deliveries/s',
        'peak deliveries/s (1 s)',
        'RSS start → at up → peak (MiB)',
        'delivered exactly once',
      ],
      rows: [
        [
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
        ],
      ],
    });
    res.tables.push({
      title: 'CPU while paying (developer down) and while draining',
      columns: ['phase', ...cpuColumns],
      rows: [
        ['paying, developer down', ...cpuCells(createUsage.cores, createUsage.vpayEventLoopUtilization)],
        ['draining', ...cpuCells(drainUsage.cores, drainUsage.vpayEventLoopUtilization)],
      ],
    });
    // The first order was paid about when creating started, so it had been failing the longest.
    const oldestBackoffMs = backoffIntervalAfter(created.elapsedSec * 1000 + p.holdMs, retry.initialMs, retry.maxMs);
    const firstIdx = drain.perSecond.findIndex((n) => n > 0);
    const firstDeliverySec = firstIdx >= 0 ? firstIdx + 1 : Number.NaN; // within this many seconds of coming back
    res.findings.push(
      `${fmtInt(created.created)} paid orders piled up behind a dead endpoint (${fmt(before.developer.failedAttempts / Math.max(1, before.made), 1)} failed attempts each, ` +
        `retries ${fmtMs(retry.initialMs)} doubling to ${fmtMs(retry.maxMs)}); ` +
        `once it answered again they drained in ${fmt(drain.drainMs / 1000, 1)} s (${fmt(rate, 1)} deliveries/s), each delivered once; ` +
        `RSS peaked at ${fmt(peak, 0)} MiB (${fmt(rssBase, 0)} MiB at the start).`,
      `The first delivery got through within ${fmt(firstDeliverySec, 0)} s of the endpoint coming back (the first retry timer to fire), the last ${fmt(drain.drainMs / 1000, 1)} s after; ` +
        `by then the oldest orders were about ${fmtMs(oldestBackoffMs)} apart between attempts, so without the recovery wake-up the drain could have taken up to that long.`,
    );
    if (ctx.shared.saturationRate) {
      res.findings.push(
        `Draining ran at ${fmt((rate / ctx.shared.saturationRate) * 100, 0)} % of the whole-purchase rate at saturation (${fmt(ctx.shared.saturationRate)} /s), with only the delivery itself (one activity per order) left to do.`,
      );
    }
    res.raw = {
      retry,
      holdMs: p.holdMs,
      createConcurrency: p.createConcurrency,
      oldestBackoffMs,
      firstDeliverySec,
      created,
      beforeUp: before,
      drain,
      rss: samples,
      createUsage,
      drainUsage,
      reconciliation: rec,
    };
  } finally {
    rss.stop();
    await agent.call('developerMode', { mode: 'ok' }).catch(() => undefined);
    await inst.stop();
  }
  return res;
}
