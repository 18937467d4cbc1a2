// "At a glance": one line per scenario with its headline figures, for the top of the report.
// Computed from the raw data, so a report rendered again from an earlier run reads right too.
import type { ScenarioResult, Table } from './context';
import type { StepRow } from './scenarios/throughput';
import type { PurchaseStats } from './agent-protocol';
import { bestOf, storeName } from './analysis';
import { storesOf } from './stores';
import { tuningBest } from './tuning-best';
import { fmt, fmtInt, median } from './stats';
import { clusterCores, pooled, type ClusterStep } from './scenarios/cluster-report';

export function glance(results: ScenarioResult[]): Table | undefined {
  const rows: string[][] = [];
  const raw = (name: string) => results.find((r) => r.name === name && !r.error)?.raw as Record<string, any> | undefined;
  const p99s = (s: PurchaseStats) =>
    `request ${fmt(s.req.p99, 0)} ms, callback ${fmt(s.cb.p99, 0)} ms, callback→delivered ${fmt(s.c2d.p99, 0)} ms`;
  const tp = raw('throughput');
  const vBest = tp?.steps?.length ? bestOf(tp.steps as StepRow[]) : undefined;
  if (vBest)
    rows.push([
      '1. throughput',
      `${fmt(vBest.stats.ratePerSec)} purchases/s at ${vBest.concurrency} concurrent`,
      `p99: ${p99s(vBest.stats)}`,
    ]);
  const lv = raw('levers');
  const lvRatios = lv?.ratios as Array<{ label?: string; median?: number }> | undefined;
  if (lvRatios?.length)
    rows.push([
      '1g. levers',
      lvRatios.map((q) => `${q.label} ${fmt(q.median, 2)}`).join('; '),
      `purchases/s at saturation, medians of ${lv?.rounds?.length} rounds' ratios at ${lv?.concurrency} concurrent; above 1: the lever costs throughput`,
    ]);
  const ce = raw('ceiling');
  if (ce?.steps?.length) {
    const c = bestOf(ce.steps as StepRow[]);
    const bestToBest = vBest ? `best against best ${fmt(vBest.stats.ratePerSec / c.stats.ratePerSec, 2)}` : '';
    const paired =
      typeof ce.paired?.medianRatio === 'number'
        ? `vpay / ceiling = ${fmt(ce.paired.medianRatio, 2)} (median of ${ce.paired.rounds.length} paired rounds)`
        : '';
    rows.push([
      '2. ceiling',
      `${fmt(c.stats.ratePerSec)} bare purchases/s at ${c.concurrency} concurrent`,
      [paired, bestToBest].filter(Boolean).join('; '),
    ]);
  }
  const store2b = raw('walstore');
  if (store2b?.vpay?.length && store2b?.bare?.length) {
    const v2b = bestOf(store2b.vpay as StepRow[]);
    const b2b = bestOf(store2b.bare as StepRow[]);
    const stores = storesOf(store2b);
    rows.push([
      `2b. ${stores ? storeName(stores.second) : 'second store'}`,
      `vpay ${fmt(v2b.stats.ratePerSec)} /s, bare ${fmt(b2b.stats.ratePerSec)} /s`,
      `vpay / ceiling = ${fmt(v2b.stats.ratePerSec / b2b.stats.ratePerSec, 2)} (information)` +
        (stores && vBest ? `; vpay on the ${storeName(stores.main)} (scenario 1): ${fmt(vBest.stats.ratePerSec)} /s` : '') +
        `; p99: ${p99s(v2b.stats)}`,
    ]);
  }
  const tu = raw('tuning');
  const tb = tu?.rows?.length ? tuningBest(tu.rows as Array<{ label: string; tuning?: object; stats: PurchaseStats }>) : undefined;
  if (tu && tb) {
    const change = tb.bestChange;
    rows.push([
      '3. tuning',
      `best: ${tb.setting}${tb.repeat ? ' (repeat run)' : ''}, ${fmt(tb.run.stats.ratePerSec)} /s`,
      `defaults ${tb.defaults.map((r) => fmt(r)).join(' / ')} /s at ${tu.concurrency} concurrent` +
        (tb.isDefaults && change ? `; best change of a knob: ${change.label}, ${fmt(change.stats.ratePerSec)} /s` : ''),
    ]);
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
    rows.push([
      '6. soak',
      `${fmt(sk.rate)} /s for ${fmt(sk.stats.windowSec / 60, 1)} min: ${fmt(sk.stats.completed, 0)} purchases, ${sk.stats.launched - sk.stats.completed} lost`,
      `RSS ${fmt(first, 0)} → ${fmt(last, 0)} MiB; p99: ${p99s(sk.stats)}`,
    ]);
  }
  const pe = raw('pending');
  if (pe?.steps?.length) {
    const first = pe.steps[0];
    const last = pe.steps[pe.steps.length - 1];
    const slope = (key: string) => fmt(pe.slopes.find((x: { key: string }) => x.key === key)?.all, 1);
    rows.push([
      '7. pending',
      `${fmtInt(last.pending)} orders awaiting payment (cache ${fmtInt(pe.cacheSize)}): vpay RSS ${fmt(first.vpayMiB, 0)} → ${fmt(last.vpayMiB, 0)} MiB${pe.vpayPlateaus ? ', levels off past the cache' : ''}`,
      `MiB per 1,000: vpay ${slope('vpayMiB')}, Temporal ${slope('temporalMiB')} RSS + ${slope('temporalDiskMiB')} disk, PostgreSQL ${slope('postgresMiB')} + ${slope('postgresDiskMiB')} disk`,
    ]);
  }
  const cr = raw('crash');
  if (cr?.impacts?.length === 2) {
    const [w, t] = cr.impacts;
    rows.push([
      '8. crash',
      `worker SIGKILL: back in ${fmt(cr.workerDownMs / 1000, 1)} s, caught up in ${fmt(w.caughtUpMs / 1000, 1)} s; Temporal SIGKILL: back in ${fmt(cr.temporalDownMs / 1000, 1)} s, caught up in ${fmt(t.caughtUpMs / 1000, 1)} s`,
      `${fmtInt(cr.stats.completed)} purchases at ${fmt(cr.rate)} /s, ${cr.stats.errorCount} failed, 503s retried ${cr.stats.retried503.payment + cr.stats.retried503.callback}, shed ${cr.stats.retried503.shed ?? 0}; reconcile ${cr.opsReconcile?.ok ? 'clean' : 'NOT clean'}`,
    ]);
  }
  const cl = raw('cluster');
  if (cl?.steps?.length) {
    const steps = cl.steps as ClusterStep[];
    const of = (side: string, kind: string) => steps.filter((x) => x.side === side && x.kind === kind);
    const cap = (side: string) => median(of(side, 'capacity').map((x) => x.stats!.ratePerSec));
    const whole = (side: string) => pooled(of(side, 'light')).whole;
    const cores = of('cluster', 'capacity').map((x) => clusterCores(x.cores, Object.keys(cl.clusterParts)));
    rows.push([
      '9. cluster',
      `${fmt(cap('cluster'))} /s on the multi-service cluster, ${fmt(cap('dev'))} /s on the dev server (${cl.concurrency} concurrent)`,
      `whole purchase p50 / p99 at light load: ${fmt(whole('cluster').p50, 0)} / ${fmt(whole('cluster').p99, 0)} ms against ${fmt(whole('dev').p50, 0)} / ${fmt(whole('dev').p99, 0)} ms; ` +
        `the cluster's processes ${fmt(cores.reduce((a, b) => a + b, 0) / cores.length, 2)} cores at capacity`,
    ]);
  }
  return rows.length ? { columns: ['scenario', 'result', ''], rows } : undefined;
}
