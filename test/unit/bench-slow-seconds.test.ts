// Scenario 1d second by second (bench/slow-seconds.ts): each payment request lands in the second
// it was meant to be sent and each delivery in the second it arrived; a second follows a drain
// (many of the measured app's deliveries at once), a wave of timeouts, both, or neither; runs that
// did not record seconds give none.
import { byKind, DRAIN_FACTOR, kindOf, secondsOf, WAVE_ENDED, type SecondsOfStep } from '../../bench/slow-seconds';

/** A step with the given purchases: [intended start ms, request ms, whole purchase ms]. */
const step = (ended: number[], cores: number[], purchases: Array<[number, number, number]>): SecondsOfStep => ({
  slowEndedPerSecond: ended,
  coresPerSecond: cores,
  stats: {
    raw: {
      startMs: purchases.map(([at]) => at),
      reqMs: purchases.map(([, req]) => req),
      wholeMs: purchases.map(([, , whole]) => whole),
    },
  },
});

const OFFERED = 2;

describe('scenario 1d second by second', () => {
  // Second 0: one purchase delivered within it. Second 1: a wave of timeouts. Seconds 2-5: quiet,
  // but for second 4, where four purchases held back since second 0 are delivered at once (over
  // DRAIN_FACTOR x 2/s), so seconds 4, 5 and 6 follow a drain.
  const s = step(
    [0, WAVE_ENDED, 0, 0, 0, 0, 0, 0],
    [1.0, 1.5, 1.4, 1.0, 1.9, 1.8, 1.8, 1.0],
    [
      [100, 50, 300],
      [999, 60, 700],
      [500, 70, 4_000],
      [600, 70, 3_900],
      [700, 70, 3_800],
      [800, 70, 3_700],
      [1_000, 80, 500],
      [2_500, 90, 400],
      [4_200, 700, 900],
      [5_100, 900, 1_200],
      [6_100, 400, 600],
      [7_100, 60, 200],
    ],
  );

  it('puts each request in the second it was meant to be sent, and each delivery in the second it arrived', () => {
    const seconds = secondsOf(s);
    expect(seconds.map((sec) => sec.reqMs)).toEqual([[50, 70, 70, 70, 70, 60], [80], [90], [], [700], [900], [400], [60]]);
    expect(seconds.map((sec) => sec.delivered)).toEqual([1, 2, 1, 0, 4, 1, 2, 1]);
  });

  it('puts an event on a whole second in the second it begins, and keeps only the seconds both series cover', () => {
    const edge = secondsOf(step([0, 0, 0], [1, 1], [[1_000, 10, 1_000]]));
    expect(edge.map((sec) => [sec.reqMs, sec.delivered])).toEqual([
      [[], 0],
      [[10], 0],
    ]);
  });

  it('tells a second after a drain from one after a wave of timeouts, and from one after both', () => {
    const seconds = secondsOf(s);
    expect(seconds.map((_, i) => kindOf(seconds, i, OFFERED))).toEqual([
      'other',
      'wave',
      'wave',
      'other',
      'drain',
      'drain',
      'drain',
      'other',
    ]);
    // The same drain just after a wave: second 4 follows both, 5 and 6 the drain alone.
    const both = secondsOf({ ...s, slowEndedPerSecond: [0, 0, 0, WAVE_ENDED, 0, 0, 0, 0] });
    expect(both.map((_, i) => kindOf(both, i, OFFERED))).toEqual([
      'other',
      'other',
      'other',
      'wave',
      'drain and wave',
      'drain',
      'drain',
      'other',
    ]);
    // A delivery rate of exactly DRAIN_FACTOR x offered, and one ended attempt short of a wave, are neither.
    const calm = secondsOf(
      step(
        [0, WAVE_ENDED - 1],
        [1, 1],
        [
          [0, 10, 100],
          [0, 10, 200],
          [0, 10, 300],
        ],
      ),
    );
    expect(calm.map((_, i) => kindOf(calm, i, 3 / DRAIN_FACTOR))).toEqual(['other', 'other']);
  });

  it('pools the seconds of each kind over the steps', () => {
    const k = byKind([s, s], OFFERED)!;
    expect(k.drain.seconds).toBe(6);
    expect(k.drain.meanCores).toBeCloseTo((1.9 + 1.8 + 1.8) / 3);
    expect(k.drain.req.n).toBe(6);
    expect(k.drain.req.max).toBe(900);
    expect(k.wave.seconds).toBe(4);
    expect(k.wave.req.max).toBe(90);
    expect(k.other.seconds).toBe(6);
    expect(k.other.req.max).toBe(70);
    expect(k['drain and wave'].seconds).toBe(0);
  });

  it('sorts each step on its own: a drain at the end of one step is not carried into the next', () => {
    const endsInDrain = step(
      [0, 0],
      [1, 1],
      [...Array(4)].map((): [number, number, number] => [0, 10, 1_500]),
    );
    const quiet = step([0, 0], [1, 1], [[0, 10, 100]]);
    const k = byKind([endsInDrain, quiet], OFFERED)!;
    expect(k.drain.seconds).toBe(1);
    expect(k.other.seconds).toBe(3);
  });

  it('gives nothing for a run that did not record seconds', () => {
    const old: SecondsOfStep = { coresPerSecond: [1, 1], stats: { raw: { reqMs: [1], wholeMs: [2] } } };
    expect(secondsOf(old)).toEqual([]);
    expect(byKind([old], OFFERED)).toBeUndefined();
  });
});
