// The crash and pending scenarios' arithmetic (bench/crash-timeline.ts, bench/stats.ts): which kill
// a purchase belongs to, what counts as slowed and when a kill's backlog was gone; the slope of a
// memory figure per 1,000 pending orders.
import { killImpact, timedSamples, timeline, type TimedSample } from '../../bench/crash-timeline';
import { slopePer1000 } from '../../bench/stats';

const s = (startMs: number, wholeMs: number, reqMs = wholeMs / 2): TimedSample => ({ startMs, wholeMs, reqMs });

describe('killImpact', () => {
  // p99 before the kills 200 ms: slowed means over 1,200 ms (p99 + 1 s beats 2 × p99).
  const samples = [s(0, 150), s(900, 3_000), s(1_100, 2_000), s(2_000, 180), s(4_800, 1_500), s(5_100, 160)];

  it('takes the purchases delivered from the kill to the next, in flight at the kill included', () => {
    const k = killImpact(samples, 'worker', 1_000, 5_000, 200);
    expect(k.thresholdMs).toBe(1_200);
    // 900+3000 and 1100+2000 and 2000+180 end in [1000, 5000); 4800+1500 ends after the next kill.
    expect(k.purchases).toBe(3);
    expect(k.slowed).toBe(2);
    expect(k.slowWindowMs).toBe(100); // the last slowed one started 100 ms after the kill
    expect(k.caughtUpMs).toBe(2_900); // 900 + 3000 - 1000
    expect(k.whole.max).toBe(3_000);
  });

  it('gives a purchase in flight at the next kill to that kill', () => {
    const k = killImpact(samples, 'temporal', 5_000, Number.POSITIVE_INFINITY, 200);
    expect(k.purchases).toBe(2);
    expect(k.slowed).toBe(1);
    expect(k.slowWindowMs).toBe(0); // started before this kill
    expect(k.caughtUpMs).toBe(1_300);
  });

  it('reports nothing slowed when nothing was', () => {
    const k = killImpact([s(0, 100), s(2_000, 120)], 'worker', 1_000, 3_000, 200);
    expect(k).toMatchObject({ purchases: 1, slowed: 0, slowWindowMs: 0, caughtUpMs: 0 });
  });
});

it('buckets purchases by start, sorted from the raw timeline', () => {
  const samples = timedSamples({ startMs: [2_500, 100, 1_200], reqMs: [1, 2, 3], wholeMs: [10, 20, 30] });
  expect(samples.map((x) => x.startMs)).toEqual([100, 1_200, 2_500]);
  expect(timedSamples({ reqMs: [1], wholeMs: [1] })).toEqual([]);
  const b = timeline(samples, 1_000, 3_000);
  expect(b.map((x) => [x.fromMs, x.started, x.whole.max])).toEqual([
    [0, 1, 20],
    [1_000, 1, 30],
    [2_000, 1, 10],
  ]);
});

it('slopePer1000 is the least-squares slope per 1,000, NaN without two distinct x', () => {
  expect(
    slopePer1000([
      [0, 100],
      [1_000, 110],
      [2_000, 120],
    ]),
  ).toBeCloseTo(10);
  expect(slopePer1000([[500, 1]])).toBeNaN();
  expect(slopePer1000([])).toBeNaN();
});
