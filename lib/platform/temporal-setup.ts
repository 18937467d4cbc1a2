// Makes sure the namespace has the given Keyword search attributes (vpay's are listed in
// workflows/definitions.ts, CONTRACT.md 4b). The dev server gets them as start flags; a cluster
// given by TEMPORAL_ADDRESS gets them here, once, at start.
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

export async function ensureSearchAttributes(connection: Connection, namespace: string, names: readonly string[]): Promise<void> {
  let missing: readonly string[] = names;
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const custom = existing.customAttributes ?? {};
    missing = names.filter((n) => !(n in custom));
  } catch (err) {
    // The time-skipping test server cannot list them, but can add them.
    if (!/UNIMPLEMENTED/i.test((err as Error).message)) throw err;
  }
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((n) => [n, KEYWORD])),
    });
  } catch (err) {
    // Another process may have added them meanwhile.
    if (!/already exists/i.test((err as Error).message)) throw err;
  }
}
