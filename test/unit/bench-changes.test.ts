// The report's "what changed" table (bench/changes.ts): a figure of the bare workflow is compared
// across runs only when the workflow had the same shape in both (it mirrors vpay's delivery queue
// since 2026-12-03; older raw data names no delivery queue).
import { changesTable, type RunRaw } from '../../bench/changes';

const run = (bareRate: number, deliveryQueue?: string): RunRaw => ({
  throughput: { steps: [{ stats: { ratePerSec: 28 } }] },
  ceiling: {
    steps: [{ stats: { ratePerSec: bareRate } }],
    paired: { medianRatio: 28 / bareRate },
    ...(deliveryQueue ? { deliveryQueue } : {}),
  },
});
const row = (before: RunRaw, after: RunRaw, name: string) => changesTable(before, after).rows.find((r) => r[0] === name)!;
const BARE = 'best bare-workflow purchases/s (scenario 2)';
const PAIRED = 'vpay / ceiling (median of the paired rounds)';

describe('changesTable', () => {
  it("computes no change of a bare-workflow figure across a change of the workflow's shape, and says so", () => {
    const r = row(run(36), run(32, 'separate'), BARE);
    expect(r.slice(1, 3)).toEqual(['36.0', '32.0']);
    expect(r[3]).toBe('– (the bare workflow changed: one queue → deliveries on their own queue)');
    expect(row(run(36), run(32, 'separate'), PAIRED)[3]).toMatch(/^– \(the bare workflow changed/);
  });

  it('reads the first raw data of the mirrored shape, which recorded it as true', () => {
    const first: RunRaw = { ...run(32), ceiling: { ...run(32).ceiling, deliveryQueue: true } };
    expect(row(first, run(36, 'separate'), BARE)[3]).toBe('×1.13');
  });

  it('computes it when the shape is the same', () => {
    expect(row(run(32, 'separate'), run(36, 'separate'), BARE)[3]).toBe('×1.13');
    expect(row(run(32), run(36), BARE)[3]).toBe('×1.13');
  });

  it('leaves figures of vpay alone', () => {
    expect(row(run(36), run(32, 'separate'), 'best vpay purchases/s (scenario 1)')[3]).toBe('×1.00');
  });
});
