// The pure parts of the after-sales records (CONTRACT.md 8.4): how far back `from` may reach
// (12 calendar months before now) and the range rules with that limit.
import { monthsBefore, REFUND_RECORDS_MONTHS, resolveDateRange } from '../../lib/domain/date-range';

describe('monthsBefore', () => {
  it.each([
    ['2026-12-01T14:30:00.123Z', 12, '2025-12-01T14:30:00.123Z'],
    ['2026-03-31T00:00:00.000Z', 1, '2026-02-28T00:00:00.000Z'],
    ['2028-02-29T10:00:00.000Z', 12, '2027-02-28T10:00:00.000Z'],
    ['2027-02-28T10:00:00.000Z', 12, '2026-02-28T10:00:00.000Z'],
    ['2026-01-15T00:00:00.000Z', 13, '2024-12-15T00:00:00.000Z'],
  ])('%s minus %d months is %s', (now, months, expected) => {
    expect(monthsBefore(new Date(now), months).toISOString()).toBe(expected);
  });
});

describe('resolveDateRange with the 12 months of the after-sales records', () => {
  const now = new Date('2026-12-01T14:30:00.000Z');
  const earliest = monthsBefore(now, REFUND_RECORDS_MONTHS);
  const resolve = (given: { from?: string; to?: string }) => resolveDateRange(given, now, { earliest });

  it('takes a from at the limit or after it, and the default week', () => {
    expect(resolve({ from: '2025-12-01T14:30:00Z' })).toEqual({ from: new Date('2025-12-01T14:30:00Z'), to: now });
    expect(resolve({})).toEqual({ from: new Date('2026-11-24T14:30:00Z'), to: now });
  });

  it('refuses a from before it, given or defaulted from an old to', () => {
    expect(resolve({ from: '2025-12-01T14:29:59.999Z' })).toEqual({ refused: expect.stringMatching(/oldest kept/) });
    expect(resolve({ to: '2025-12-05' })).toEqual({ refused: expect.stringMatching(/oldest kept/) });
  });

  it('judges a malformed date and a reversed range first', () => {
    expect(resolve({ from: '2020-13-01' })).toEqual({ refused: 'from is not an ISO 8601 date or time' });
    expect(resolve({ from: '2026-11-02', to: '2026-11-01' })).toEqual({ refused: 'to is before from' });
  });
});
