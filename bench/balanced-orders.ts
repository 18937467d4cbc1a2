// The order of the sides in each round of a side-by-side scenario (steps, paidlocal, levers,
// deliveryqueue, the ceiling's paired rounds): a Williams design, so that over the orders each side
// runs in each position equally often and right after each other side equally often. A slow drift
// of the machine then favours no side, and neither does what ran just before (a warm cache, a
// Temporal server still busy with the previous side's deliveries).

/**
 * Orders of sides 0..n-1, one per round, round r running orders[(r - 1) % orders.length]. For n
 * even, n orders: each side once in each position and right after each other side once. For n odd,
 * 2n orders (no n orders can do it): the square and its mirror, each side twice in each position
 * and twice right after each other side; the square alone (the first n) has each side once in each
 * position. Consecutive orders, the last one followed by the first again, never run one side twice
 * in a row (for n >= 3). balancedOrders(3) is every order of three, as the scenarios cycled before.
 */
export function balancedOrders(n: number): number[][] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`balancedOrders: n must be a positive integer, got ${n}`);
  // 0, 1, n-1, 2, n-2, …: its neighbours' differences are 1, -2, 3, -4, …, every one a distinct
  // step mod n, so the cyclic shifts of it follow each side by each other side exactly once (n even).
  const first = Array.from({ length: n }, (_, k) => (k === 0 ? 0 : k % 2 ? (k + 1) / 2 : n - k / 2));
  const square = Array.from({ length: n }, (_, i) => first.map((s) => (s + i) % n));
  if (n % 2 === 0 || n === 1) return square;
  // The mirror, from shift n-2 down to 0 and then n-1, so that no round starts with the side the
  // round before it ended with.
  const mirrorShifts = [...Array.from({ length: n - 1 }, (_, k) => n - 2 - k), n - 1];
  return [...square, ...mirrorShifts.map((i) => [...square[i]].reverse())];
}
