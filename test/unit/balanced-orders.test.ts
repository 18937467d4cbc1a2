// The benchmark's orders of sides per round (bench/balanced-orders.ts): over the orders, each side
// must run in each position equally often and right after each other side equally often, and no
// side twice in a row from one round to the next.
import { balancedOrders } from '../../bench/balanced-orders';

/** How often side s ran in position p: counts[s][p]. */
function positions(orders: number[][], n: number): number[][] {
  const counts = Array.from({ length: n }, () => Array<number>(n).fill(0));
  for (const o of orders) o.forEach((s, p) => counts[s][p]++);
  return counts;
}

/** How often side b ran right after side a within a round: counts[a][b]. */
function followers(orders: number[][], n: number): number[][] {
  const counts = Array.from({ length: n }, () => Array<number>(n).fill(0));
  for (const o of orders) for (let i = 1; i < o.length; i++) counts[o[i - 1]][o[i]]++;
  return counts;
}

const offDiagonal = (m: number[][]) => m.flatMap((row, a) => row.filter((_, b) => b !== a));

describe('balancedOrders', () => {
  it('for 4 sides: 4 orders, each side in each position once and right after each other side once', () => {
    const orders = balancedOrders(4);
    expect(orders).toHaveLength(4);
    for (const o of orders) expect([...o].sort()).toEqual([0, 1, 2, 3]);
    expect(positions(orders, 4).flat()).toEqual(Array(16).fill(1));
    const f = followers(orders, 4);
    expect(offDiagonal(f)).toEqual(Array(12).fill(1));
    expect(f.map((row, a) => row[a])).toEqual([0, 0, 0, 0]);
  });

  it('for 3 sides: the six orders, each side in each position twice and right after each other side twice', () => {
    const orders = balancedOrders(3);
    expect(orders).toHaveLength(6);
    expect(new Set(orders.map((o) => o.join(''))).size).toBe(6);
    expect(positions(orders, 3).flat()).toEqual(Array(9).fill(2));
    expect(offDiagonal(followers(orders, 3))).toEqual(Array(6).fill(2));
    // The first three alone already have each side once in each position.
    expect(positions(orders.slice(0, 3), 3).flat()).toEqual(Array(9).fill(1));
    // The order the steps and paidlocal scenarios cycled through before, kept so their runs compare.
    expect(orders).toEqual([
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
      [0, 2, 1],
      [2, 1, 0],
      [1, 0, 2],
    ]);
  });

  it.each([2, 5, 6])('for %i sides: balanced positions and followers', (n) => {
    const orders = balancedOrders(n);
    const times = n % 2 === 0 ? 1 : 2;
    expect(orders).toHaveLength(n * times);
    expect(positions(orders, n).flat()).toEqual(Array(n * n).fill(times));
    expect(offDiagonal(followers(orders, n))).toEqual(Array(n * (n - 1)).fill(times));
  });

  it.each([3, 4, 5, 6])('for %i sides: no side runs twice in a row across rounds, the last order followed by the first', (n) => {
    const orders = balancedOrders(n);
    for (let r = 0; r < orders.length; r++) {
      const next = orders[(r + 1) % orders.length];
      expect(next[0]).not.toBe(orders[r][n - 1]);
    }
  });

  it('alternates two sides, and refuses a count that is no number of sides', () => {
    expect(balancedOrders(2)).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(balancedOrders(1)).toEqual([[0]]);
    expect(() => balancedOrders(0)).toThrow(/positive integer/);
    expect(() => balancedOrders(2.5)).toThrow(/positive integer/);
  });
});
