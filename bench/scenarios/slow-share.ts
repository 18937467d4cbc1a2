// Issue 12, item 3, the lever 1d named: each developer endpoint's share of the delivery slots
// (lib/outbound/endpoint-share.ts), side by side in one run. Two vpay instances on the same stack:
// "share" has `npm start`'s settings (an endpoint gets half of the delivery slots at most), "no
// share" lets one endpoint have all of them, as vpay did before the share. Each slow step is 1d's:
// one app's endpoint answers after 11 s while another app's purchases arrive in an open loop at
// half of capacity. The sides take turns in the order share, no share, no share, share (and its
// mirror, in a second round), so drift in the machine falls on both alike.
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { startVpayInstance, type VpayInstance } from '../stack';
import { capacityFor } from '../capacity';
import { fmt, summarize, type Summary } from '../stats';
import { SOCKETS_PER_ORIGIN } from '../../lib/outbound/safe-post';
import { endpointShareLimit } from '../../lib/outbound/endpoint-share';
import { goSlow, measureStep, recover, type Step } from './slow-developer';

const four = (s: Summary) => `${fmt(s.p50, 0)} / ${fmt(s.p95, 0)} / ${fmt(s.p99, 0)} / ${fmt(s.max, 0)}`;

type Side = 'share' | 'no share';
/**
 * `rounds` of four steps: share, no share, no share, share, then the mirror of it, and so on, so
 * each side's mean step sits at the same point of the run and each side goes first as often.
 */
const orderOf = (rounds: number): Side[] =>
  Array.from({ length: rounds }, (_, r): Side[] =>
    r % 2 === 0 ? ['share', 'no share', 'no share', 'share'] : ['no share', 'share', 'share', 'no share'],
  ).flat();

interface SideRun {
  side: Side;
  inst: VpayInstance;
  slowName: string;
  slowAppId: string;
  share: number;
  steps: Step[];
}

export async function slowShare(ctx: BenchContext): Promise<ScenarioResult> {
  const p = ctx.profile.slowDeveloper;
  const ORDER = orderOf(p.shareRounds);
  const agent = ctx.stack.agent;
  const res = newResult('slowshare', "1d'. A slow endpoint with and without its share of the delivery slots, side by side", '');
  const runs: SideRun[] = [];
  try {
    const share = await startVpayInstance(ctx.stack, ctx.cleanup, { name: 'slowshare', ownDeveloperOrigin: true });
    const slots = share.config.workerMaxConcurrentDeliveries;
    const whole = await startVpayInstance(ctx.stack, ctx.cleanup, {
      name: 'slowwhole',
      ownDeveloperOrigin: true,
      env: { WORKER_MAX_DELIVERIES_PER_ENDPOINT: String(slots) },
    });
    for (const [side, inst] of [
      ['share', share],
      ['no share', whole],
    ] as const) {
      const slowName = `${inst.name}-slow`;
      const { appId } = await agent.call('setupApp', {
        instance: slowName,
        vpayUrl: inst.url,
        adminToken: ctx.stack.adminToken,
        users: 4,
        ownOrigin: true,
      });
      runs.push({ side, inst, slowName, slowAppId: appId, share: endpointShareLimit(inst.config), steps: [] });
    }
    const measured = await capacityFor(ctx, share, {
      scenario: 'slow share',
      concurrency: p.calibrateConcurrency,
      durationMs: p.calibrateMs,
    });
    if (measured.calibration) noErrors(res, 'slow share: calibration', measured.calibration);
    const offered = (measured.ratePerSec * p.percent) / 100;
    res.setup =
      `Two vpay instances on one stack, each with two apps on origins of their own: "share" with \`npm start\`'s settings (${slots} delivery slots, at most ` +
      `${runs[0].share} for one endpoint), "no share" with WORKER_MAX_DELIVERIES_PER_ENDPOINT=${slots}, the same code with a share as large as the slots, so that no attempt is ` +
      'ever refused and one endpoint may have every slot, as before the share (beyond the 64 sockets one origin gets, its attempts wait for a socket holding their slot). Each step is a slow step of 1d on one instance: ' +
      `${p.slowOrders} purchases of its slow app (answering after 11 s) are paid, then the measured app's open loop runs for ${p.stepMs / 1000} s at ` +
      `${fmt(offered)} purchases/s (${p.percent} % of ${fmt(measured.ratePerSec)}, ${measured.calibration ? 'measured just before in a closed loop' : "the throughput sweep's best"}, ` +
      `the same on both sides), then the slow endpoint recovers and every slow purchase is delivered. Steps in the order ${ORDER.join(', ')}. ` +
      'Latencies as in 1c: the payment request from its intended send, the callback from its send, "callback sent → delivered" from the callback\'s send.';

    for (const [i, side] of ORDER.entries()) {
      const run = runs.find((r) => r.side === side)!;
      await goSlow(ctx, res, run.inst, run.slowName, Math.min(p.slowOrders, run.share, SOCKETS_PER_ORIGIN));
      const step = await measureStep(ctx, run.inst, offered, p.stepMs, `${side === 'share' ? 'share' : 'whole'}${i}`, 'slow');
      await recover(ctx, res, run.slowName);
      noErrors(res, `slow share: step ${i + 1} (${side})`, step.stats);
      run.steps.push(step);
      ctx.log(
        `slow share: ${side} step: request p99 ${fmt(step.stats.req.p99, 0)} ms, callback sent → delivered p99 ${fmt(step.stats.s2d.p99, 0)} ms; ` +
          `slow attempts in flight mean ${fmt(step.inFlight.mean)} max ${step.inFlight.max}`,
      );
    }
    for (const run of runs) {
      res.checks.push({
        name: `slow share: ${run.side}: the slow attempts in flight never exceeded the endpoint's share (${run.share}) or the sockets (${SOCKETS_PER_ORIGIN})`,
        ok: run.steps.every((s) => s.inFlight.max <= Math.min(run.share, SOCKETS_PER_ORIGIN) && s.inFlight.max > 0),
        detail: run.steps.map((s) => `max ${s.inFlight.max}`).join('; '),
      });
      await reconcile(ctx, run.inst, res);
      await reconcile(ctx, { ...run.inst, name: run.slowName, appId: run.slowAppId }, res);
    }

    const pooled = (run: SideRun) => {
      const of = run.steps.map((s) => s.stats.raw!);
      const cores = run.steps.map((s) => s.cores?.total ?? NaN);
      return {
        req: summarize(of.flatMap((r) => r.reqMs)),
        cb: summarize(of.flatMap((r) => r.cbMs)),
        s2d: summarize(of.flatMap((r) => r.s2dMs)),
        purchases: of.reduce((n, r) => n + r.reqMs.length, 0),
        inFlightMean: run.steps.reduce((a, s) => a + s.inFlight.mean, 0) / Math.max(1, run.steps.length),
        inFlightMax: Math.max(0, ...run.steps.map((s) => s.inFlight.max)),
        cores: cores.reduce((a, b) => a + b, 0) / Math.max(1, cores.length),
      };
    };
    const [withShare, without] = runs.map(pooled);
    res.tables.push(
      {
        title: "The measured app in the slow steps, each side's steps pooled (ms: p50 / p95 / p99 / max)",
        columns: [
          'side',
          'slow attempts in flight (mean / max)',
          'purchases',
          'payment request',
          'callback',
          'callback sent → delivered',
          'cores (mean of steps)',
        ],
        rows: runs.map((run, k) => {
          const x = k === 0 ? withShare : without;
          return [
            `${run.side} (${run.share} of ${slots})`,
            `${fmt(x.inFlightMean)} / ${x.inFlightMax}`,
            String(x.purchases),
            four(x.req),
            four(x.cb),
            four(x.s2d),
            fmt(x.cores, 2),
          ];
        }),
      },
      {
        title: 'Each step, in the order run (ms: p50 / p95 / p99 / max)',
        columns: [
          'step',
          'slow attempts in flight (mean / max)',
          'purchases/s offered → completed',
          'payment request',
          'callback sent → delivered',
          'cores (all)',
        ],
        rows: ORDER.map((side, i) => {
          const run = runs.find((r) => r.side === side)!;
          const s = run.steps[ORDER.slice(0, i).filter((x) => x === side).length];
          return [
            `${i + 1}. ${side}`,
            `${fmt(s.inFlight.mean)} / ${s.inFlight.max}`,
            `${fmt(offered)} → ${fmt(s.stats.ratePerSec)}`,
            four(s.stats.req),
            four(s.stats.s2d),
            s.cores ? fmt(s.cores.total, 2) : '–',
          ];
        }),
      },
    );
    res.findings.push(
      `With one developer's endpoint slow, another app's payment request took ${fmt(withShare.req.p99, 0)} ms at p99 with the endpoint's share ` +
        `(${fmt(without.req.p99, 0)} ms without it, side by side in one run), and its deliveries ${fmt(withShare.s2d.p99, 0)} ms at p99 from the callback ` +
        `(${fmt(without.s2d.p99, 0)} ms without); the stack used ${fmt(withShare.cores, 2)} cores against ${fmt(without.cores, 2)}.`,
    );
    res.raw = {
      capacity: measured.ratePerSec,
      offered,
      slots,
      shares: Object.fromEntries(runs.map((r) => [r.side, r.share])),
      order: ORDER,
      withShare,
      without,
      runs: runs.map((r) => ({ side: r.side, share: r.share, steps: r.steps })),
    };
    return res;
  } finally {
    for (const run of runs) await run.inst.stop();
  }
}
