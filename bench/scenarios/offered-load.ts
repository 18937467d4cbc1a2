// 1c. What users meet at each offered load: an open loop at 25, 50, 75, 100 and 150 % of the
// capacity the throughput sweep measured (or one measured here), each step on the same vpay
// instance. Purchases start on a schedule whatever the answers, and every latency that starts a
// purchase counts from its intended send time, so a slow answer cannot hide the requests queued
// behind it (no coordinated omission). Past 100 % vpay sheds what its admission bound
// (PAYMENT_REQUESTS_MAX_IN_FLIGHT) cannot hold, 503/50303 at once, and the clients retry those
// after Retry-After: what is bounded is the wait of the admitted, the errors (none) and the 503s;
// nothing may be lost.
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance } from '../stack';
import { capacityFor } from '../capacity';
import { fmt } from '../stats';
import type { PurchaseStats } from '../agent-protocol';
import type { Summary } from '../stats';

const four = (s: Summary) => `${fmt(s.p50, 0)} / ${fmt(s.p95, 0)} / ${fmt(s.p99, 0)} / ${fmt(s.max, 0)}`;

export async function offeredLoad(ctx: BenchContext): Promise<ScenarioResult> {
  const p = ctx.profile.offeredLoad;
  const inst = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'offered' });
  const agent = ctx.stack.agent;
  const res = newResult('offered', '1c. What users meet: latency at 25 to 150 % of capacity, open loop', '');
  try {
    const measured = await capacityFor(ctx, inst, {
      scenario: 'offered load',
      concurrency: p.calibrateConcurrency,
      durationMs: p.calibrateMs,
    });
    if (measured.calibration) noErrors(res, 'offered load: calibration', measured.calibration);
    const capacity = measured.ratePerSec;
    const measuredHere = measured.calibration !== undefined;
    res.setup =
      `An open loop on one vpay instance (\`npm start\`'s settings: local steps on, info logs to a file, metrics off) at ${p.percents.join(', ')} % of ` +
      `${fmt(capacity)} purchases/s (${measuredHere ? 'measured just before in a closed loop' : "the throughput sweep's best"}), ${p.stepMs / 1000} s a step, ` +
      'one after the other. Each purchase: payment request, callback sent at once on its answer, delivery received by the fake developer. ' +
      "The payment request and the whole purchase count from the intended send time (the purchase's slot in the schedule); the callback from its send; " +
      '"callback sent → delivered" from the callback\'s send (never negative). A 503 is retried by the client after 1 s, as a mini game backend or superapp would, and counted; ' +
      "a payment request shed by vpay's admission bound (503/50303, `PAYMENT_REQUESTS_MAX_IN_FLIGHT` at its default) is sent again after its Retry-After (plus up to half of it as jitter) " +
      'for up to 120 s, counted apart as "shed"; its latency still counts from the intended send.';
    const steps: Array<{ percent: number; offered: number; stats: PurchaseStats }> = [];
    for (const percent of p.percents) {
      const offered = (capacity * percent) / 100;
      const stats = await agent.call('openLoop', {
        instance: inst.name,
        ratePerSec: offered,
        durationMs: p.stepMs,
        // Enough to start every purchase of the step however slow the answers get: skipping would hide the queue.
        maxInFlight: Math.ceil(offered * (p.stepMs / 1000) + 10),
        tag: `offered${percent}`,
        deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
        raw: true,
      });
      noErrors(res, `offered load ${percent} %`, stats);
      res.checks.push({
        name: `offered load ${percent} %: every scheduled purchase started`,
        ok: stats.skipped === 0,
        detail: `${stats.skipped} skipped`,
      });
      steps.push({ percent, offered, stats });
      ctx.log(
        `offered load ${percent} % (${fmt(offered)} /s): completed ${fmt(stats.ratePerSec)} /s, request p99 ${fmt(stats.req.p99, 0)} ms, ` +
          `whole purchase p99 ${fmt(stats.whole.p99, 0)} ms, 503s retried ${stats.retried503.payment}+${stats.retried503.callback}, ` +
          `shed ${stats.retried503.shed ?? 0}`,
      );
    }
    await reconcile(ctx, inst, res);
    res.tables.push({
      title: 'Each step (ms: p50 / p95 / p99 / max)',
      columns: [
        'offered',
        'purchases/s offered → completed',
        'purchases',
        '503s retried (request + callback)',
        'payment requests shed (503/50303 answers)',
        'payment request',
        'callback',
        'callback sent → delivered',
        'whole purchase',
      ],
      rows: steps.map(({ percent, offered, stats }) => [
        `${percent} %`,
        `${fmt(offered)} → ${fmt(stats.ratePerSec)}`,
        String(stats.completed),
        `${stats.retried503.payment} + ${stats.retried503.callback}`,
        `${stats.retried503.shed ?? 0} (${stats.retried503.shedAnswers ?? '–'})`,
        four(stats.req),
        four(stats.cb),
        four(stats.s2d),
        four(stats.whole),
      ]),
    });
    const half = steps.find((s) => s.percent === 50);
    if (half) {
      res.findings.push(
        `At half of capacity (${fmt(half.offered)} /s) the payment request took ${fmt(half.stats.req.p50, 0)} ms at p50 and ${fmt(half.stats.req.p99, 0)} ms at p99 ` +
          `from its intended send, and a whole purchase ${fmt(half.stats.whole.p99, 0)} ms at p99.`,
      );
    }
    const over = steps.filter((s) => s.percent > 100);
    for (const s of over) {
      res.findings.push(
        `At ${s.percent} % (${fmt(s.offered)} /s) vpay shed ${s.stats.retried503.shed ?? 0} payment requests (503/50303, each retried after Retry-After) ` +
          `and the payment request took ${fmt(s.stats.req.p99, 0)} ms at p99 from its intended send, retries included, with ${s.stats.errorCount} errors.`,
      );
    }
    res.raw = { capacity, measuredHere, steps: steps.map(({ percent, offered, stats }) => ({ percent, offered, ...stats })) };
    return res;
  } finally {
    await inst.stop();
  }
}
