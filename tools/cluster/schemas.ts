// The Temporal server's two PostgreSQL databases (persistence and visibility), created and set up
// on first use with temporal-sql-tool (its schemas are built into it), then migrated to the
// server's version at every start. The tool takes the password only as an argument (no
// environment variable in v1.32); the local cluster's PostgreSQL is this machine's own.
import pg from 'pg';
import { runToCompletion } from '../dev/managed-process';
import { DATABASES, type PostgresTarget } from './server-config';

/** Creates the two databases and their schemas on first use, then migrates them to this server's version. */
export async function prepareSchemas(sqlTool: string, target: PostgresTarget, log: (line: string) => void): Promise<void> {
  const base = ['--plugin', 'postgres12', '--ep', target.host, '-p', String(target.port), '-u', target.user, '--pw', target.password];
  const tool = (args: string[]) => runToCompletion({ name: 'temporal-sql-tool', command: sqlTool, args: [...base, ...args], onLog: log });
  for (const [db, schema] of [
    [DATABASES.default, 'postgresql/v12/temporal'],
    [DATABASES.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    const state = await schemaState(target, db);
    if (state === 'no-database') await tool(['--db', db, 'create-database']);
    // setup-schema writes version 0.0: run it once only, or update-schema would start over.
    if (state !== 'versioned') await tool(['--db', db, 'setup-schema', '-v', '0.0']);
    await tool(['--db', db, 'update-schema', '--schema-name', schema]);
  }
}

async function schemaState(target: PostgresTarget, db: string): Promise<'no-database' | 'empty' | 'versioned'> {
  const admin = new pg.Client({ ...target, database: 'postgres' });
  await admin.connect();
  try {
    const r = await admin.query('select 1 from pg_database where datname = $1', [db]);
    if (r.rowCount === 0) return 'no-database';
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ ...target, database: db });
  await client.connect();
  try {
    const r = await client.query("select to_regclass('schema_version') is not null as versioned");
    return r.rows[0].versioned ? 'versioned' : 'empty';
  } finally {
    await client.end();
  }
}
