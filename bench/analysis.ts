// "What the numbers show", the part that needs several scenarios at once: where a purchase's CPU
// goes, vpay against the bare workflow on both Temporal stores, what limits the rate on this
// machine, and what the backlog did to new purchases. Every sentence is computed from the run.
import type { ScenarioResult, Table } from './context';
import type { StepRow } from './scenarios/throughput';
import type { CreatePaidStats, PurchaseStats } from './agent-protocol';
import { fmt, fmtInt, type Summary } from './stats';

const bestOf = (steps: StepRow[]) => steps.reduce((a, b) => (b.stats.ratePerSec > a.stats.ratePerSec ? b : a));

/** CPU ms per purchase above what the process burns idle. */
function marginalMs(step: StepRow, idle: Record<string, number>, key: string): number {
  return (((step.cores[key] ?? 0) - (idle[key] ?? 0)) * 1000) / step.stats.ratePerSec;
}

export function analyse(results: ScenarioResult[], nproc: number): string[] {
  const out: string[] = [];
  const raw = (name: string) => results.find((r) => r.name === name && !r.error)?.raw;
  const tp = raw('throughput') as { steps: StepRow[]; idle: { cores: Record<string, number> } } | undefined;
  const ce = raw('ceiling') as { steps: StepRow[] } | undefined;
  const wal = raw('walstore') as { vpay: StepRow[]; bare: StepRow[] } | undefined;
  if (!tp?.steps?.length) return out;
  const idle = tp.idle?.cores ?? {};
  const v = bestOf(tp.steps);
  const ms = (k: string) => marginalMs(v, idle, k);
  const total = ['vpay', 'temporal', 'postgres', 'agent'].reduce((s, k) => s + ms(k), 0);
  const busy = v.cores.total / nproc;
  const last = tp.steps[tp.steps.length - 1];
  const first = tp.steps[0];

  // 1. What limits the rate.
  const flat = tp.steps.length > 1 && last.stats.ratePerSec < v.stats.ratePerSec * 1.15 && last.concurrency >= 2 * v.concurrency;
  if (busy < 0.85) {
    out.push(
      `**What limits the rate: not the CPU, and not vpay.** At vpay's best step (${v.concurrency} purchasers, ${fmt(v.stats.ratePerSec)} purchases/s) the ` +
        `${nproc} cores were only ${fmt(busy * 100, 0)} % busy, vpay's event loop ${fmt(v.vpayEventLoopUtilization * 100, 0)} %. ` +
        (flat
          ? `From ${first.concurrency} to ${last.concurrency} purchasers the rate stays between ${fmt(Math.min(...tp.steps.map((s) => s.stats.ratePerSec)))} and ${fmt(v.stats.ratePerSec)} /s ` +
            `while the payment request p50 grows from ${fmt(first.stats.req.p50, 0)} to ${fmt(last.stats.req.p50, 0)} ms: purchases queue for one serialised resource. `
          : '') +
        `The Temporal server used ${fmt(v.cores.temporal, 2)} cores (${tp.steps.map((s) => fmt(s.cores.temporal, 2)).join(', ')} across the steps), never much more than one core: ` +
        'consistent with the dev server keeping all its state in one SQLite file, where one writer at a time serialises the persistence work. ' +
        'The bare workflow below hits the same wall at the same rate, which places the bottleneck in the Temporal dev server, not in vpay.',
    );
  } else {
    out.push(
      `**What limits the rate: the CPU.** At vpay's best step the ${nproc} cores were ${fmt(busy * 100, 0)} % busy; the rate is about ${nproc} cores divided by the CPU a purchase costs.`,
    );
  }

  const others = [...tp.steps, ...(ce?.steps ?? []), ...(wal?.vpay ?? []), ...(wal?.bare ?? [])].map((s) => s.cores.other ?? 0);
  if (Math.max(0, ...others) >= 0.15) {
    out.push(
      `**Caveat: the machine was shared.** Other processes (not this benchmark's) used up to ${fmt(Math.max(...others), 2)} cores during some steps ` +
        '(column "other processes"); the figures of those steps are lower than the machine can do.',
    );
  }

  // 2. Where a purchase's CPU goes.
  out.push(
    `**Where a purchase's CPU goes** (best step, above idle): ${fmt(total, 1)} ms in all — the Temporal server ${fmt(ms('temporal'), 1)} ms, ` +
      `the vpay process ${fmt(ms('vpay'), 1)} ms (API, activities, and the Temporal SDK's worker and client), PostgreSQL ${fmt(ms('postgres'), 1)} ms, ` +
      `the load agent ${fmt(ms('agent'), 1)} ms.`,
  );

  // 3. Against the ceiling, on the lib's store and on the WAL store.
  if (ce?.steps?.length) {
    const c = bestOf(ce.steps);
    const ratios = tp.steps.map((s) => {
      const b = ce.steps.find((x) => x.concurrency === s.concurrency);
      return b ? s.stats.ratePerSec / b.stats.ratePerSec : Number.NaN;
    }).filter(Number.isFinite);
    const perV = (k: string) => (v.cores[k] * 1000) / v.stats.ratePerSec;
    const perC = (k: string) => (c.cores[k] * 1000) / c.stats.ratePerSec;
    out.push(
      `**vpay against the bare workflow.** On the same server the bare workflow peaked at ${fmt(c.stats.ratePerSec)} /s and vpay at ${fmt(v.stats.ratePerSec)} /s ` +
        `(vpay / ceiling ${fmt(v.stats.ratePerSec / c.stats.ratePerSec, 2)}; ${fmt(Math.min(...ratios), 2)}–${fmt(Math.max(...ratios), 2)} concurrency by concurrency). ` +
        `Temporal spends about as much CPU on a vpay purchase as on a bare one (${fmt(perV('temporal'), 1)} vs ${fmt(perC('temporal'), 1)} ms at the best steps; it varies that much from step to step): vpay asks nothing of Temporal that the bare shape does not. ` +
        `vpay's own work — HTTP API, both signatures, the knex/pg queries, the safe HTTP client, logging — costs ${fmt(perV('vpay') - perC('vpay'), 1)} ms more CPU in the process ` +
        `than the bare worker and driver (${fmt(perV('vpay'), 1)} vs ${fmt(perC('vpay'), 1)} ms), plus ${fmt(perV('postgres'), 1)} ms in PostgreSQL; ` +
        `most of the process's CPU is the Temporal SDK itself, which the bare workflow pays too.`,
    );
  }
  if (wal?.vpay?.length && wal.bare?.length) {
    const wv = bestOf(wal.vpay);
    const wb = bestOf(wal.bare);
    const walBusy = wv.cores.total / nproc;
    const per = (st: StepRow, k: string) => ((st.cores[k] ?? 0) * 1000) / st.stats.ratePerSec;
    const all = ['vpay', 'temporal', 'postgres', 'agent'].reduce((sum, k) => sum + per(wv, k), 0);
    const own = per(wv, 'vpay') - per(wb, 'vpay') + per(wv, 'postgres');
    out.push(
      `**The store.** The same sweeps on a dev server with SQLite in WAL mode (synchronous=normal) reached ${fmt(wv.stats.ratePerSec)} /s for vpay and ${fmt(wb.stats.ratePerSec)} /s ` +
        `for the bare workflow (vpay / ceiling ${fmt(wv.stats.ratePerSec / wb.stats.ratePerSec, 2)})` +
        (ce?.steps?.length ? `: ${fmt(wb.stats.ratePerSec / bestOf(ce.steps).stats.ratePerSec, 1)}× the ceiling of the store lib/temporal-dev-server.ts sets up (rollback journal, a sync on every commit)` : '') +
        `. There the ${nproc} cores were ${fmt(walBusy * 100, 0)} % busy (Temporal ${fmt(wv.cores.temporal, 2)} cores, vpay's process ${fmt(wv.cores.vpay, 2)})` +
        (walBusy >= 0.85 ? ', so the limit becomes the CPU itself' : '') +
        `. A purchase then cost ${fmt(all, 1)} ms of CPU: Temporal server ${fmt(per(wv, 'temporal'), 1)} ms, vpay's process ${fmt(per(wv, 'vpay'), 1)} ms ` +
        `(the bare worker and driver: ${fmt(per(wb, 'vpay'), 1)} ms), PostgreSQL ${fmt(per(wv, 'postgres'), 1)} ms, load agent ${fmt(per(wv, 'agent'), 1)} ms. ` +
        `What is vpay's own — everything beyond what the bare workflow costs the SDK, plus PostgreSQL — is about ${fmt(own, 1)} ms, ${fmt((own / all) * 100, 0)} % of the purchase; ` +
        'the rest is Temporal: its server and its SDK in vpay\'s process.',
    );
  }

  // The table size (scenario 4).
  const sc = raw('scale') as {
    emptyPay: PurchaseStats; fullPay: PurchaseStats; emptyDb?: Summary; fullDb?: Summary;
    emptyQuery: { latency: Summary }; recentQuery: { latency: Summary }; oldQuery: { latency: Summary }; tableRows: number;
  } | undefined;
  if (sc?.emptyDb && sc.fullDb) {
    const dbSame = sc.fullDb.p99 <= sc.emptyDb.p99 * 1.2 && Math.max(sc.recentQuery.latency.p99, sc.oldQuery.latency.p99) <= sc.emptyQuery.latency.p99 * 1.2;
    out.push(
      `**${dbSame ? 'The size of the orders table does not matter' : 'The size of the orders table shows'}.** With ${fmt(sc.tableRows / 1e6, 2)} M rows the payment request's own PostgreSQL work (four reads and the insert) ` +
        `had a p99 of ${fmt(sc.fullDb.p99, 1)} ms against ${fmt(sc.emptyDb.p99, 1)} ms on the empty table, and the order query ${fmt(sc.recentQuery.latency.p99, 1)} / ${fmt(sc.oldQuery.latency.p99, 1)} ms ` +
        `(recent / old orders) against ${fmt(sc.emptyQuery.latency.p99, 1)} ms: every lookup goes through an index. The whole payment request's p99 moved ` +
        `${fmt(sc.emptyPay.req.p99, 0)} → ${fmt(sc.fullPay.req.p99, 0)} ms; that request is ${fmt(((sc.fullPay.req.p50 - sc.fullDb.p50) / sc.fullPay.req.p50) * 100, 0)} % Temporal at the median, ` +
        (dbSame ? 'and the Temporal dev server\'s own SQLite file grows with every workflow run, so that movement is not the orders table\'s.' : 'so part of that movement is PostgreSQL\'s.'),
    );
  }

  // 4. The backlog's retry storm against new purchases.
  const bl = raw('backlog') as { created: CreatePaidStats } | undefined;
  const steps = tp.steps as Array<StepRow & { stats: PurchaseStats }>;
  if (bl?.created?.created) {
    const near = steps.reduce((a, b) => (Math.abs(b.concurrency - 32) < Math.abs(a.concurrency - 32) ? b : a));
    const rate = bl.created.created / bl.created.elapsedSec;
    out.push(
      `**A dead developer endpoint slows every purchase.** While the backlog's orders were retrying their delivery every second, new purchases were paid at ${fmt(rate, 1)} /s ` +
        `(payment request p50 ${fmt(bl.created.req.p50, 0)} ms) against ${fmt(near.stats.ratePerSec, 1)} /s (p50 ${fmt(near.stats.req.p50, 0)} ms) with a healthy endpoint at ${near.concurrency} purchasers` +
        (bl.created.timedOut ? `, so only ${fmt(bl.created.created, 0)} of the wanted orders were paid within the time limit` : '') +
        '. Deliveries and purchases share one task queue and one worker, and each failed attempt costs an activity, a timer and two workflow tasks, ' +
        'so a short retry interval across many orders takes the store\'s whole capacity. With the default schedule (15 s doubling to 1 h) the retries thin out within minutes; ' +
        'a separate task queue (and worker) for deliveries would keep one app\'s dead endpoint from slowing every app\'s payments.',
    );
  }
  const blr = raw('backlog') as { created: CreatePaidStats; rss: Array<{ t: number; rssMiB: number }> } | undefined;
  if (blr?.rss?.length && blr.created?.created) {
    const start = blr.rss[0].rssMiB;
    const peak = Math.max(...blr.rss.map((x) => x.rssMiB));
    const perOrder = (peak - start) / blr.created.created;
    const sk = raw('soak') as { rss: Array<{ rssMiB: number }>; rssFirstMedianMiB?: number; rssLastMedianMiB?: number } | undefined;
    out.push(
      `**Memory follows the purchases in flight, not time.** The process grew from ${fmt(start, 0)} to ${fmt(peak, 0)} MiB while ${fmt(blr.created.created, 0)} orders sat retrying ` +
        `(about ${fmt(perOrder * 1024, 0)} KiB per pending order, consistent with the worker caching every running workflow and its history, up to maxCachedWorkflows), ` +
        `which would be some ${fmt((perOrder * 5000) / 1024, 1)} GiB for the issue's 5,000 on top of the baseline` +
        (sk?.rss?.length
          ? `, while ten minutes of steady traffic left it flat (soak, first-minute → last-minute median: ${fmt(sk.rssFirstMedianMiB ?? sk.rss[0].rssMiB, 0)} → ${fmt(sk.rssLastMedianMiB ?? sk.rss[sk.rss.length - 1].rssMiB, 0)} MiB). `
          : '. ') +
        'Size a worker\'s memory for the largest backlog it must carry, or cap maxCachedWorkflows (evicted workflows are replayed from history when their next task comes).',
    );
  }

  const tu = raw('tuning') as { concurrency: number; rows: Array<{ label: string; stats: PurchaseStats }> } | undefined;
  if (tu?.rows?.length) {
    const base = tu.rows[0].stats.ratePerSec;
    const worst = tu.rows.reduce((a, b) => (b.stats.ratePerSec < a.stats.ratePerSec ? b : a));
    // The second defaults run only measures the noise; it is not a setting.
    const best = tu.rows.filter((r) => !r.label.startsWith('defaults again')).reduce((a, b) => (b.stats.ratePerSec > a.stats.ratePerSec ? b : a));
    const again = tu.rows.find((r) => r.label.startsWith('defaults again'));
    const hurt = worst.stats.ratePerSec < base * 0.8;
    const gain = best.stats.ratePerSec / base - 1;
    out.push(
      `**Worker settings${gain < 0.1 ? ' do not beat the defaults' : ' help'} here.** At ${tu.concurrency} purchasers the best setting (${best.label}) did ${fmt(best.stats.ratePerSec)} /s against ` +
        `${fmt(base)} /s for the defaults${again ? ` (${fmt(again.stats.ratePerSec)} /s when they ran again at the end: that much is noise)` : ''}` +
        (hurt ? `; what clearly hurt was ${worst.label} (${fmt(worst.stats.ratePerSec)} /s, ${fmt(((worst.stats.ratePerSec - base) / base) * 100, 0)} %)` : '') +
        (gain < 0.1
          ? '. The defaults of worker/create-worker.ts and lib/db.ts are right for this machine while the Temporal store is the limit; re-run the sweep against a production Temporal, where it no longer hides them.'
          : '.'),
    );
  }

  // The verdict.
  if (ce?.steps?.length) {
    const ratioLib = v.stats.ratePerSec / bestOf(ce.steps).stats.ratePerSec;
    const ratioWal = wal?.vpay?.length && wal.bare?.length ? bestOf(wal.vpay).stats.ratePerSec / bestOf(wal.bare).stats.ratePerSec : Number.NaN;
    const ok = ratioLib >= 0.8 && (!Number.isFinite(ratioWal) || ratioWal >= 0.8);
    out.push(
      ok
        ? `**Verdict: vpay is not the bottleneck.** It reaches ${fmt(ratioLib * 100, 0)} %${Number.isFinite(ratioWal) ? ` and ${fmt(ratioWal * 100, 0)} %` : ''} of a bare workflow of its shape on the same server` +
            `${Number.isFinite(ratioWal) ? 's' : ''}. What limits it on this machine is the Temporal dev server: its SQLite store as lib/temporal-dev-server.ts configures it, and then the CPU that Temporal's server and SDK need per workflow.`
        : `**Verdict: vpay itself costs throughput.** It reaches only ${fmt(ratioLib * 100, 0)} %${Number.isFinite(ratioWal) ? ` (${fmt(ratioWal * 100, 0)} % on the WAL store)` : ''} of a bare workflow of its shape; see the CPU per purchase above for where.`,
    );
  }
  return out;
}

/** One line per scenario with its headline figures, for the top of the report. */
export function glance(results: ScenarioResult[]): Table | undefined {
  const rows: string[][] = [];
  const raw = (name: string) => results.find((r) => r.name === name && !r.error)?.raw as Record<string, any> | undefined;
  const p99s = (s: PurchaseStats) => `request ${fmt(s.req.p99, 0)} ms, callback ${fmt(s.cb.p99, 0)} ms, callback→delivered ${fmt(s.c2d.p99, 0)} ms`;
  const tp = raw('throughput');
  const vBest = tp?.steps?.length ? bestOf(tp.steps as StepRow[]) : undefined;
  if (vBest) rows.push(['1. throughput', `${fmt(vBest.stats.ratePerSec)} purchases/s at ${vBest.concurrency} concurrent`, `p99: ${p99s(vBest.stats)}`]);
  const ce = raw('ceiling');
  if (ce?.steps?.length) {
    const c = bestOf(ce.steps as StepRow[]);
    rows.push(['2. ceiling', `${fmt(c.stats.ratePerSec)} bare purchases/s at ${c.concurrency} concurrent`, vBest ? `vpay / ceiling = ${fmt(vBest.stats.ratePerSec / c.stats.ratePerSec, 2)}` : '']);
  }
  const wal = raw('walstore');
  if (wal?.vpay?.length && wal?.bare?.length) {
    const wv = bestOf(wal.vpay as StepRow[]);
    const wb = bestOf(wal.bare as StepRow[]);
    rows.push(['2b. WAL store', `vpay ${fmt(wv.stats.ratePerSec)} /s, bare ${fmt(wb.stats.ratePerSec)} /s`, `vpay / ceiling = ${fmt(wv.stats.ratePerSec / wb.stats.ratePerSec, 2)}; p99: ${p99s(wv.stats)}`]);
  }
  const tu = raw('tuning');
  if (tu?.rows?.length) {
    const base = tu.rows[0].stats.ratePerSec as number;
    const best = (tu.rows as Array<{ label: string; stats: PurchaseStats }>)
      .filter((r) => !r.label.startsWith('defaults again'))
      .reduce((a, b) => (b.stats.ratePerSec > a.stats.ratePerSec ? b : a));
    rows.push(['3. tuning', `best: ${best.label}, ${fmt(best.stats.ratePerSec)} /s`, `defaults ${fmt(base)} /s at ${tu.concurrency} concurrent`]);
  }
  const sc = raw('scale');
  if (sc?.fullPay) {
    const ex = sc.exports?.[0];
    rows.push([
      '4. scale',
      `${fmtInt(sc.tableRows)} orders: payment request p99 ${fmt(sc.emptyPay.req.p99, 0)} → ${fmt(sc.fullPay.req.p99, 0)} ms, order query p99 ${fmt(sc.emptyQuery.latency.p99, 1)} → ${fmt(Math.max(sc.recentQuery.latency.p99, sc.oldQuery.latency.p99), 1)} ms`,
      ex ? `export of ${fmtInt(ex.rows)} rows by cursor: ${fmt(ex.seconds, 1)} s, RSS +${fmt(ex.rssPeakMiB - ex.rssBeforeMiB, 0)} MiB` : '',
    ]);
  }
  const bl = raw('backlog');
  if (bl?.drain) {
    const peak = Math.max(...(bl.rss as Array<{ rssMiB: number }>).map((x) => x.rssMiB));
    rows.push([
      '5. backlog',
      `${fmtInt(bl.created.created)} paid orders drained in ${fmt(bl.drain.drainMs / 1000, 1)} s (${fmt(bl.drain.delivered / (bl.drain.drainMs / 1000), 1)} deliveries/s)`,
      `peak RSS ${fmt(peak, 0)} MiB; each delivered once: ${bl.reconciliation?.agent?.developer?.okOnce === bl.created.created ? 'yes' : 'no'}`,
    ]);
  }
  const sk = raw('soak');
  if (sk?.stats) {
    const first = sk.rssFirstMedianMiB ?? sk.rss[0]?.rssMiB;
    const last = sk.rssLastMedianMiB ?? sk.rss[sk.rss.length - 1]?.rssMiB;
    rows.push(['6. soak', `${fmt(sk.rate)} /s for ${fmt(sk.stats.windowSec / 60, 1)} min: ${fmt(sk.stats.completed, 0)} purchases, ${sk.stats.launched - sk.stats.completed} lost`, `RSS ${fmt(first, 0)} → ${fmt(last, 0)} MiB; p99: ${p99s(sk.stats)}`]);
  }
  return rows.length ? { columns: ['scenario', 'result', ''], rows } : undefined;
}
