// App keys with versions, and the delivery notification switch (CONTRACT.md 7.4). apps.app_key
// stays the CURRENT key, so everything that signs or verifies with it keeps working unchanged;
// app_keys keeps every version issued, so a rotated-out key can still verify incoming signatures
// until its valid_until (KEY_ROTATION_OVERLAP_MS after the rotation) and the console can show
// the version and when it was issued.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('app_keys', (t) => {
    t.string('app_id', 64).notNullable().references('app_id').inTable('apps').onDelete('CASCADE');
    t.integer('version').notNullable();
    // In clear, like apps.app_key: vpay computes HMACs with it. Never logged, never audited.
    t.string('key', 128).notNullable();
    t.timestamp('issued_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Null for the current key; set when a newer one replaces it.
    t.timestamp('valid_until', { useTz: true });
    t.primary(['app_id', 'version']);
  });
  // Apps made before this migration (section 6 made them with a key) have version 1.
  await knex.raw(
    `insert into app_keys (app_id, version, key, issued_at) select app_id, 1, app_key, created_at from apps where app_key is not null`,
  );
  await knex.schema.alterTable('apps', (t) => {
    // On unless a developer turns notifications off: what every app did before the console.
    t.boolean('notify_enabled').notNullable().defaultTo(true);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('apps', (t) => t.dropColumn('notify_enabled'));
  await knex.schema.dropTable('app_keys');
}
