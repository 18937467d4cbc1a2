// 8. Crashes under load: exactly-once while vpay's worker process and then the Temporal dev
// server are SIGKILLed and started again, under an open loop at half of capacity. Purchases go on
// through both; a 503 is retried with the same request (same outTradeNo), as a real client would.
// At the end every purchase that got its 200s is delivered exactly once, and `npm run reconcile`
// (tools/ops/reconcile.ts) is clean.
import { performance } from 'node:perf_hooks';
import { newResult, sleep, type BenchContext, type ScenarioResult } from '../context';
import { noErrors, reconcile } from '../checks';
import { opsReconcile } from '../ops-reconcile';
import { startVpayInstance } from '../stack';
import { capacityFor } from '../capacity';
import { killWorkerProcess, spawnWorkerProcess, type WorkerProcess } from '../worker-process';
import { killImpact, timedSamples, timeline, type KillImpact } from '../crash-timeline';
import { fmt, fmtInt, summarize } from '../stats';

const three = (s: { p50: number; p99: number; max: number }) => `${fmt(s.p50, 0)} / ${fmt(s.p99, 0)} / ${fmt(s.max, 0)}`;

export async function crash(ctx: BenchContext): Promise<ScenarioResult> {
  const p = ctx.profile.crash;
  const stack = ctx.stack;
  const agent = stack.agent;
  const inst = await startVpayInstance(stack, ctx.cleanup, { name: 'crash', inProcessWorker: false });
  const res = newResult('crash', '8. Crashes under load: SIGKILL the worker, then the Temporal server', '');
  let worker: WorkerProcess | undefined;
  let stopping = false;
  const unexpectedExits: string[] = [];
  // A worker that dies on its own (not by our SIGKILL) is started again and counted: it would be a finding.
  const watch = (w: WorkerProcess) =>
    w.child.once('exit', (code, signal) => {
      if (stopping || w !== worker || signal === 'SIGKILL') return;
      unexpectedExits.push(`${code ?? signal}`);
      ctx.log(`crash: the worker process exited on its own (${code ?? signal}); starting another`);
      spawnWorkerProcess(stack, inst).then(
        (next) => {
          // Stopped while it started: it must not outlive the scenario.
          if (stopping) return void killWorkerProcess(next);
          watch((worker = next));
        },
        (err: Error) => ctx.log(`crash: starting another worker failed: ${err.message}`),
      );
    });
  const stopWorker = ctx.cleanup.add('stop the crash scenario worker process', async () => {
    stopping = true;
    if (worker) await killWorkerProcess(worker);
  });
  try {
    worker = await spawnWorkerProcess(stack, inst);
    watch(worker);
    ctx.log(`crash: worker process ${worker.pid} ready in ${fmt(worker.startMs / 1000, 1)} s`);
    const measured = await capacityFor(ctx, inst, { scenario: 'crash', concurrency: p.calibrateConcurrency, durationMs: p.calibrateMs });
    if (measured.calibration) noErrors(res, 'crash: calibration', measured.calibration);
    const rate = (measured.ratePerSec * p.percent) / 100;
    res.setup =
      `One vpay instance with \`npm start\`'s settings, its API in the benchmark process and its worker in a process of its own (bench/worker-main.ts: ` +
      "`npm run worker`'s code with the prebuilt workflow bundle, as a production worker runs). An open loop at " +
      `${p.percent} % of ${fmt(measured.ratePerSec)} purchases/s (${measured.calibration ? 'measured just before in a closed loop with the worker in its own process' : "the throughput sweep's best"}) = ` +
      `${fmt(rate)} /s for ${p.durationMs / 1000} s. ${p.workerKillAtMs / 1000} s in, the worker process is SIGKILLed and a new one started at once; ` +
      `${p.temporalKillAtMs / 1000} s in, the Temporal dev server is SIGKILLed and started again on the same port and SQLite file. ` +
      `A 503 is retried after 1 s with the same request (same outTradeNo: vpay answers a retry from the same order), up to ${p.max503Retries} times; ` +
      "a payment request shed by vpay's admission bound (503/50303) is sent again after its Retry-After for up to 120 s, counted apart. " +
      'A purchase belongs to the last kill before its delivery; it counts as slowed when it took more than twice the whole-purchase p99 before the first kill ' +
      '(at least that p99 + 1 s); "caught up" is when the last slowed purchase of a kill was delivered. At the end, each purchase must be delivered exactly once ' +
      "(the fake developer's count per order) and `npm run reconcile`'s check (tools/ops/reconcile.ts) must be clean.";

    const t0 = performance.now();
    const loop = agent.call('openLoop', {
      instance: inst.name,
      ratePerSec: rate,
      durationMs: p.durationMs,
      maxInFlight: Math.ceil(rate * (p.durationMs / 1000) + 10),
      tag: 'crash',
      deliveryTimeoutMs: ctx.profile.deliveryTimeoutMs,
      raw: 'timeline',
      max503Retries: p.max503Retries,
    });
    loop.catch(() => undefined);
    const at = (ms: number) => sleep(Math.max(0, ms - (performance.now() - t0)));
    const retriedAt: Array<{ payment: number; callback: number; shed?: number }> = [await agent.call('retried503', {})];

    await at(p.workerKillAtMs);
    retriedAt.push(await agent.call('retried503', {}));
    const workerKilledAt = performance.now() - t0;
    const old = worker;
    worker = undefined;
    await killWorkerProcess(old);
    ctx.log(`crash: worker process ${old.pid} SIGKILLed at ${fmt(workerKilledAt / 1000, 1)} s; starting another`);
    worker = await spawnWorkerProcess(stack, inst);
    watch(worker);
    const workerDownMs = performance.now() - t0 - workerKilledAt;
    ctx.log(`crash: worker process ${worker.pid} ready ${fmt(workerDownMs / 1000, 1)} s after the kill`);

    await at(p.temporalKillAtMs);
    retriedAt.push(await agent.call('retried503', {}));
    const temporalKilledAt = performance.now() - t0;
    await stack.killTemporal();
    ctx.log(`crash: Temporal dev server SIGKILLed at ${fmt(temporalKilledAt / 1000, 1)} s; starting it again`);
    await stack.startTemporal();
    const temporalDownMs = performance.now() - t0 - temporalKilledAt;
    ctx.log(`crash: Temporal dev server ready again ${fmt(temporalDownMs / 1000, 1)} s after the kill`);

    const stats = await loop;
    retriedAt.push(await agent.call('retried503', {}));
    noErrors(res, 'crash: open loop through both kills', stats);
    ctx.log(
      `crash: ${stats.completed} purchases completed of ${stats.launched}, ${stats.errorCount} failed, 503s retried ${stats.retried503.payment}+${stats.retried503.callback}, shed ${stats.retried503.shed ?? 0}`,
    );
    await reconcile(ctx, inst, res);
    const ops = await opsReconcile(inst, res);
    res.checks.push(
      {
        name: 'crash: both kills landed while purchases were running',
        ok: temporalKilledAt < p.durationMs && workerKilledAt < temporalKilledAt,
        detail: `worker killed at ${fmt(workerKilledAt / 1000, 1)} s, Temporal at ${fmt(temporalKilledAt / 1000, 1)} s, of ${p.durationMs / 1000} s`,
      },
      {
        name: 'crash: the worker process never died but by our SIGKILL',
        ok: unexpectedExits.length === 0,
        detail: unexpectedExits.length ? `exited on its own: ${unexpectedExits.join(', ')}` : 'none',
      },
    );

    // How each kill showed: the purchases delivered from it to the next kill.
    const samples = timedSamples(stats.raw);
    const beforeKills = samples.filter((s) => s.startMs + s.wholeMs < workerKilledAt);
    const before = summarize(beforeKills.map((s) => s.wholeMs));
    const impacts: KillImpact[] = [
      killImpact(samples, 'worker process SIGKILLed', workerKilledAt, temporalKilledAt, before.p99),
      killImpact(samples, 'Temporal dev server SIGKILLed', temporalKilledAt, Number.POSITIVE_INFINITY, before.p99),
    ];
    const phases = ['before the kills', 'worker killed → Temporal killed', 'Temporal killed → end'];
    const retries503 = phases.map((_, i) => ({
      payment: retriedAt[i + 1].payment - retriedAt[i].payment,
      callback: retriedAt[i + 1].callback - retriedAt[i].callback,
      shed: (retriedAt[i + 1].shed ?? 0) - (retriedAt[i].shed ?? 0),
    }));
    const down = [workerDownMs, temporalDownMs];
    res.tables.push({
      title: 'Each kill (ms: p50 / p99 / max of the purchases delivered from it to the next kill, or the end)',
      columns: [
        'event',
        'at (s)',
        'back up after (s)',
        '503s retried (request + callback)',
        'payment requests shed (50303)',
        'purchases delivered',
        'slowed',
        'slow window (s)',
        'caught up after (s)',
        'payment request',
        'whole purchase',
      ],
      rows: [
        [
          'before the kills',
          '0',
          '–',
          `${retries503[0].payment} + ${retries503[0].callback}`,
          fmtInt(retries503[0].shed),
          fmtInt(before.n),
          '–',
          '–',
          '–',
          three(summarize(beforeKills.map((s) => s.reqMs))),
          three(before),
        ],
        ...impacts.map((k, i) => [
          k.what,
          fmt(k.atMs / 1000, 1),
          fmt(down[i] / 1000, 1),
          `${retries503[i + 1].payment} + ${retries503[i + 1].callback}`,
          fmtInt(retries503[i + 1].shed),
          fmtInt(k.purchases),
          fmtInt(k.slowed),
          fmt(k.slowWindowMs / 1000, 1),
          fmt(k.caughtUpMs / 1000, 1),
          three(k.req),
          three(k.whole),
        ]),
      ],
    });
    const buckets = timeline(samples, p.bucketMs, p.durationMs);
    res.tables.push({
      title: `Timeline: purchases by start, ${p.bucketMs / 1000} s buckets (ms: p50 / p99 / max)`,
      columns: ['from (s)', 'event', 'purchases started', 'payment request', 'whole purchase'],
      rows: buckets.map((b) => [
        fmt(b.fromMs / 1000, 0),
        [
          workerKilledAt >= b.fromMs && workerKilledAt < b.fromMs + p.bucketMs ? 'worker SIGKILLed' : '',
          temporalKilledAt >= b.fromMs && temporalKilledAt < b.fromMs + p.bucketMs ? 'Temporal SIGKILLed' : '',
        ]
          .filter(Boolean)
          .join(', '),
        fmtInt(b.started),
        three(b.req),
        three(b.whole),
      ]),
    });
    const [wk, tk] = impacts;
    res.findings.push(
      `Under ${fmt(rate)} purchases/s, a SIGKILLed worker process was replaced in ${fmt(workerDownMs / 1000, 1)} s; ${fmtInt(wk.slowed)} of the ${fmtInt(wk.purchases)} purchases ` +
        `delivered after it (before the next kill) were slowed (whole purchase up to ${fmt(wk.whole.max / 1000, 1)} s, against a p99 of ${fmt(before.p99, 0)} ms before), and all were delivered ` +
        `${fmt(wk.caughtUpMs / 1000, 1)} s after the kill. The Temporal dev server was back ${fmt(temporalDownMs / 1000, 1)} s after its SIGKILL, with ` +
        `${retries503[2].payment + retries503[2].callback} 503s retried meanwhile; the slowed purchases were delivered ${fmt(tk.caughtUpMs / 1000, 1)} s after the kill ` +
        `(whole purchase up to ${fmt(tk.whole.max / 1000, 1)} s). ${stats.errorCount === 0 ? 'No purchase failed' : `${stats.errorCount} purchases failed`}; ` +
        `${fmtInt(ops.checked)} orders reconciled ${ops.ok ? 'clean' : 'NOT clean'}.`,
    );
    res.raw = {
      capacity: measured.ratePerSec,
      rate,
      workerKilledAtMs: workerKilledAt,
      workerDownMs,
      workerStartMs: worker.startMs,
      temporalKilledAtMs: temporalKilledAt,
      temporalDownMs,
      retries503,
      unexpectedExits,
      beforeKills: before,
      impacts,
      timeline: buckets,
      stats,
      opsReconcile: { ok: ops.ok, checked: ops.checked, counts: ops.counts, problems: ops.problems.slice(0, 20) },
    };
    return res;
  } finally {
    await stopWorker();
    await inst.stop();
  }
}
