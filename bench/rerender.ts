// --report-from: the report again from a run's raw JSON (bench/results/<stamp>-*.json), e.g. after
// improving analysis.ts, with --with-partial the scenarios of partial runs it lacks added
// (bench/partial.ts). Apart from run.ts so that tests can render from the kept raw JSON.
import path from 'node:path';
import { loadRun, renderReport } from './report';
import { whatChanged } from './changes';
import { analyse } from './analysis';
import { addPartials, glanceWithPartials, partialNote } from './partial';

export interface Rendered {
  markdown: string;
  /** A full run (no --only, not smoke): its report is docs/BENCHMARKS.md. */
  full: boolean;
  /** Raw JSON files read, relative to the repository. */
  files: string[];
}

/**
 * `root` is the repository: results in root/bench/results, partial runs in its partial/.
 * `order` is the scenarios' order (run.ts's SCENARIOS); `command` is what to print as how it was rendered.
 */
export function renderAgain(root: string, stamp: string, partialStamps: string[], order: string[], command?: string): Rendered {
  const dir = path.join(root, 'bench', 'results');
  const rel = (f: string) => path.relative(root, f);
  const run = loadRun(dir, stamp, order);
  const { info } = run;
  // The run's own commit comes from its raw JSON (info.git), not from today's HEAD; "What
  // changed", the duration and the analysis are about the full run's own scenarios only.
  const changes = info.smoke ? undefined : whatChanged(dir, stamp, run.results, info.git);
  const durationSec = run.results.reduce((s, r) => s + (r.durationSec ?? 0), 0);
  const added = addPartials(run, path.join(dir, 'partial'), partialStamps, order, rel);
  const partials = Object.fromEntries(
    Object.entries(added.partials).map(([name, p]) => [name, { stamp: p.stamp, note: partialNote(p, info.machine) }]),
  );
  const markdown = renderReport(added.results, {
    ...info,
    durationSec,
    rawFiles: added.files.map(rel),
    analysis: analyse(run.results, info.machine.nproc),
    glance: glanceWithPartials(added.results, added.partials),
    changes,
    ...(partialStamps.length ? { partials } : {}),
    ...(command ? { renderedWith: command } : {}),
  });
  // A run recorded before a scenario was added is still a full run: what counts is that it was
  // not limited with --only.
  const full = !info.smoke && (run.results.length === order.length || !/--only\b/.test(info.command));
  return { markdown, full, files: added.files.map(rel) };
}
