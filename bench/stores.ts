// Which SQLite journal each of a run's two Temporal dev servers used: the stack's (scenario 1, 2
// and all the others) and scenario 2b's second server. Until tools/dev/temporal-dev-server.ts made WAL
// its default, the stack had the rollback journal and 2b tried WAL; since then 2b keeps the old
// rollback-journal store for comparison. Raw JSON of both eras must read right (--report-from and
// the "what changed" table load earlier runs), so this looks at what the walstore raw data says.

export type Journal = 'WAL' | 'rollback journal';

export interface Stores {
  /** The stack's Temporal dev server (scenarios 1 and 2, and everything else). */
  main: Journal;
  /** Scenario 2b's second dev server. */
  second: Journal;
}

/** What scenario 2b records in its raw data. */
export const CURRENT_STORES: Stores = { main: 'WAL', second: 'rollback journal' };

/** The stores of a run, from its walstore raw data; undefined when that tells nothing. */
export function storesOf(walstoreRaw: Record<string, unknown> | undefined): Stores | undefined {
  const s = walstoreRaw?.stores as Partial<Stores> | undefined;
  if (s?.main && s.second) return { main: s.main, second: s.second };
  // Before the flip, 2b's raw data listed the pragmas its WAL server was started with.
  const pragmas = walstoreRaw?.pragmas;
  if (Array.isArray(pragmas) && pragmas.includes('journal_mode=wal')) return { main: 'rollback journal', second: 'WAL' };
  return undefined;
}
