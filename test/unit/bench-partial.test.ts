// --report-from with --with-partial (bench/rerender.ts, bench/partial.ts) over the raw JSON kept in
// bench/results: the full run of 2026-12-01 21:04 plus scenario 9 from the partial run of
// 2026-12-02 00:04. The cluster's section must say where it comes from, its raw JSON must be
// listed, and the lead table must stay the full run's own.
import fs from 'node:fs';
import path from 'node:path';
import { renderAgain } from '../../bench/rerender';

const ROOT = path.join(__dirname, '../..');
const FULL = '2026-12-01T21-04-00Z';
const PARTIAL = '2026-12-02T00-04-04Z';
const PARTIAL_JSON = `bench/results/partial/${PARTIAL}-cluster.json`;
// run.ts's scenario order; only the names' order matters here.
const ORDER = [
  'steps',
  'throughput',
  'offered',
  'slowdev',
  'deliveryqueue',
  'levers',
  'paidlocal',
  'ceiling',
  'walstore',
  'tuning',
  'scale',
  'backlog',
  'soak',
  'pending',
  'crash',
  'cluster',
];

const partialRaw = JSON.parse(fs.readFileSync(path.join(ROOT, PARTIAL_JSON), 'utf8'));
/** The Markdown between a heading starting with `title` and the next `## `. */
const section = (md: string, title: string) => {
  const start = md.indexOf(`\n## ${title}`);
  if (start < 0) return undefined;
  const end = md.indexOf('\n## ', start + 1);
  return md.slice(start, end < 0 ? undefined : end);
};
const leadRow = (md: string, what: string) =>
  section(md, 'In one table')!
    .split('\n')
    .find((l) => l.startsWith(`| ${what}`));

describe('the report of a full run with a partial run added', () => {
  const plain = renderAgain(ROOT, FULL, [], ORDER);
  const withPartial = renderAgain(ROOT, FULL, [PARTIAL], ORDER, `npm run bench -- --report-from ${FULL} --with-partial ${PARTIAL}`);
  const md = withPartial.markdown;

  it("adds the cluster's section, saying it is from the partial run, with its commit, duration and load", () => {
    expect(section(plain.markdown, '9. ')).toBeUndefined();
    const cluster = section(md, '9. ')!;
    expect(cluster).toBeDefined();
    expect(cluster).toContain(`(partial run ${PARTIAL})`);
    expect(cluster).toContain(`From the partial run ${PARTIAL}`);
    expect(cluster).toContain(`\`${partialRaw.run.command}\``);
    expect(cluster).toContain(`on commit \`${partialRaw.run.git.commit.slice(0, 7)}\``);
    expect(cluster).toContain(`this scenario took ${(partialRaw.durationSec / 60).toFixed(1)} min`);
    expect(cluster).toContain(
      `load average at its start ${partialRaw.run.machine.loadAvgAtStart.map((v: number) => v.toFixed(2)).join(' / ')}`,
    );
    // Its own tables, from its raw JSON.
    for (const t of partialRaw.tables) expect(cluster).toContain(`**${t.title}**`);
  });

  it('lists its raw JSON and marks its glance row and checks as from the partial run', () => {
    expect(section(md, 'Raw data')).toContain(`- \`${PARTIAL_JSON}\``);
    expect(section(plain.markdown, 'Raw data')).not.toContain(PARTIAL_JSON);
    expect(withPartial.files).toContain(PARTIAL_JSON);
    expect(section(md, 'At a glance')).toContain(`| 9. cluster (partial run ${PARTIAL}) |`);
    const checks = partialRaw.checks.length;
    expect(section(md, 'Correctness checks')!.split(`| cluster (partial run ${PARTIAL}) |`).length - 1).toBe(checks);
    expect(md).toMatch(new RegExp(`all (\\d+) checks passed \\((\\d+) of this run, ${checks} of the partial runs below\\)`));
  });

  it("keeps the lead table, the machine and the analysis the full run's", () => {
    expect(leadRow(md, 'Capacity')).toContain('**13.7 /s**');
    expect(leadRow(md, 'Since the previous run')).toContain('capacity');
    expect(section(md, 'In one table')).toBe(section(plain.markdown, 'In one table'));
    expect(section(md, 'Machine')).toBe(section(plain.markdown, 'Machine'));
    expect(section(md, 'What changed since the previous run')).toBe(section(plain.markdown, 'What changed since the previous run'));
    // Every section of the full run is there unchanged.
    for (const title of ['1. Throughput', '2. Ceiling', '8. Crashes']) expect(section(md, title)).toBe(section(plain.markdown, title));
    expect(withPartial.full).toBe(true);
  });

  it('says when a report was rendered again from the raw JSON, and with what', () => {
    const again = renderAgain(ROOT, FULL, [], ORDER, `npm run bench -- --report-from ${FULL}`).markdown;
    expect(again).toContain(`Rendered again from the run's raw JSON with \`npm run bench -- --report-from ${FULL}\`: the analysis (`);
    expect(plain.markdown).not.toContain('Rendered again');
  });

  it('takes only the scenarios named after a partial run, and refuses a name the run lacks', () => {
    // 2026-12-03T06-38-27Z ran throughput, eager and pgsocket; the full run of 21:04 had neither of the last two.
    const ORDER2 = [...ORDER.slice(0, ORDER.indexOf('walstore') + 1), 'eager', 'pgsocket', ...ORDER.slice(ORDER.indexOf('walstore') + 1)];
    const md = renderAgain(ROOT, FULL, ['2026-12-03T06-38-27Z:pgsocket'], ORDER2).markdown;
    expect(md).toContain('## 2e. PostgreSQL over a Unix socket');
    expect(md).not.toContain('## 2d. Eager activity dispatch');
    expect(() => renderAgain(ROOT, FULL, ['2026-12-03T06-38-27Z:cluster'], ORDER2)).toThrow(/has no scenario cluster/);
    expect(() => renderAgain(ROOT, FULL, ['2026-12-03T06-38-27Z:pgsocket+throughput'], ORDER2)).toThrow(
      /the full run has throughput already/,
    );
    expect(() => renderAgain(ROOT, FULL, ['2026-12-03T06-38-27Z:'], ORDER2)).toThrow(/no scenario named/);
  });

  it('refuses a partial run that adds no scenario the full run lacks', () => {
    // 2026-12-01T19-10-06Z ran throughput and offered, both in the full run.
    expect(() => renderAgain(ROOT, FULL, ['2026-12-01T19-10-06Z'], ORDER)).toThrow(/has no scenario the full run lacks/);
  });
});
