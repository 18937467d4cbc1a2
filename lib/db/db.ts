// The Postgres connection (knex over pg) and the schema migrations.
import knex, { type Knex } from 'knex';
import { types } from 'pg';
import { migrationSource } from '../../migrations';
import type { Logger } from '../platform/logger';

// Money columns are bigint; vpay bounds every amount to Number.MAX_SAFE_INTEGER, so reading them
// as numbers is exact and keeps the wire format integers (CONTRACT.md 0).
types.setTypeParser(types.builtins.INT8, (v) => Number(v));

export type Db = Knex;

export function createDb(databaseUrl: string, poolMax = 10, logger?: Logger): Db {
  return knex({
    // knex logs lost connections to the console by default; keep them in the JSON log.
    ...(logger && {
      log: {
        warn: (m: unknown) => logger.warn({ component: 'knex' }, String(m)),
        error: (m: unknown) => logger.error({ component: 'knex' }, String(m)),
        deprecate: (m: unknown) => logger.warn({ component: 'knex' }, String(m)),
        debug: () => undefined,
      },
    }),
    client: 'pg',
    connection: databaseUrl,
    pool: { min: 0, max: poolMax },
    // A request must fail fast with a clear 503 rather than hang when Postgres is unreachable.
    acquireConnectionTimeout: 5_000,
  });
}

export async function migrateToLatest(db: Db): Promise<void> {
  await db.migrate.latest({ migrationSource });
}

/** Applies migrations on a connection of its own (knex serialises concurrent runs with its lock table). */
export async function prepareDatabase(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, 1);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}
