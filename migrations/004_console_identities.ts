// The console's identities (CONTRACT.md 7.1): teams, their users with one of six roles and a
// bearer token kept only as its SHA-256, the apps' teams, and the audit log of every change (7.8).
// A console-made app starts with no delivery URL and no key (7.4 issues them), so both may be null.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('teams', (t) => {
    t.string('team_id', 64).primary();
    t.string('name', 200).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('console_users', (t) => {
    t.string('user_id', 64).primary();
    t.string('name', 200).notNullable();
    t.string('role', 32).notNullable();
    t.string('team_id', 64).references('team_id').inTable('teams');
    // SHA-256 of the token; the token itself is shown once, at creation, and kept nowhere.
    t.binary('token_hash').notNullable().unique();
    t.string('created_by', 64).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
    t.index(['team_id']);
  });
  await knex.schema.alterTable('apps', (t) => {
    t.string('team_id', 64).references('team_id').inTable('teams');
    t.index(['team_id']);
  });
  await knex.raw('alter table apps alter column app_key drop not null, alter column delivery_url drop not null');
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('user_id', 64).notNullable();
    t.string('role', 32).notNullable();
    t.string('action', 64).notNullable();
    t.string('app_id', 64);
    // The team whose app or user the change concerns: what an mp_admin may read.
    t.string('team_id', 64);
    t.string('target', 256);
    t.string('summary', 2000).notNullable();
    t.index(['app_id', 'id']);
    t.index(['team_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  await knex.schema.alterTable('apps', (t) => t.dropColumn('team_id'));
  await knex.schema.dropTable('console_users');
  await knex.schema.dropTable('teams');
}
