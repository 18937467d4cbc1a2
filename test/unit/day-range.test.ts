// The dashboard's days (lib/domain/day-range.ts): calendar days, both ends included, the last 7 by
// default, at most 92; real days only.
import { addDays, resolveDayRange } from '../../lib/domain/day-range';

describe('addDays', () => {
  it.each([
    ['2026-02-28', 1, '2026-03-01'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-01-01', -1, '2026-12-31'],
    ['0099-12-31', 1, '0100-01-01'],
  ])('%s + %d is %s', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
  });
});

describe('resolveDayRange', () => {
  const today = '2026-12-01';

  it('defaults to the 7 days up to today, or up to `to`', () => {
    expect(resolveDayRange({}, today)).toEqual({
      from: '2026-11-25',
      to: '2026-12-01',
      days: ['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01'],
    });
    expect(resolveDayRange({ to: '2026-03-02' }, today)).toMatchObject({ from: '2026-02-24', to: '2026-03-02' });
  });

  it('takes one day, and 92 days, not 93', () => {
    expect(resolveDayRange({ from: today, to: today }, today)).toEqual({ from: today, to: today, days: [today] });
    const quarter = resolveDayRange({ from: '2026-09-01', to: today }, today);
    expect('days' in quarter && quarter.days).toHaveLength(92);
    expect(resolveDayRange({ from: '2026-08-31', to: today }, today)).toEqual({
      refused: 'from 2026-08-31 to 2026-12-01 is 93 days; at most 92 days can be shown at once',
    });
  });

  it.each([
    [{ from: '2026-02-29' }, 'from is not a day (YYYY-MM-DD)'],
    [{ to: '2026-12-01T00:00:00Z' }, 'to is not a day (YYYY-MM-DD)'],
    [{ from: '2026-1-01' }, 'from is not a day (YYYY-MM-DD)'],
    [{ from: '0000-01-01' }, 'from is not a day (YYYY-MM-DD)'],
    [{ from: '2026-12-02', to: '2026-12-01' }, 'to is before from'],
  ])('refuses %j: %s', (given, refused) => {
    expect(resolveDayRange(given, today)).toEqual({ refused });
  });
});
