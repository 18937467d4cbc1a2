// Payment enablement requests (CONTRACT.md 7.3) and each app's review exemption (7.5).
// A payment request is a row per request, kept after review (the list shows the history); the
// review exemption is one row per app, its current state (the audit log keeps its history), and
// no row means NONE.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payment_requests', (t) => {
    // The list's order, newest first: a sequence is exact where timestamps can tie.
    t.bigIncrements('seq').primary();
    t.string('request_id', 64).notNullable().unique();
    t.string('app_id', 64).notNullable().references('app_id').inTable('apps').onDelete('CASCADE');
    t.string('status', 16).notNullable();
    t.string('message', 500).notNullable();
    t.string('reason', 500);
    t.string('requested_by', 64).notNullable();
    t.string('reviewed_by', 64);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('reviewed_at', { useTz: true });
    t.index(['app_id', 'seq']);
    t.index(['status', 'seq']);
  });
  // At most one pending request per app, whatever the code around it does.
  await knex.raw(`create unique index payment_requests_one_pending on payment_requests (app_id) where status = 'PENDING'`);

  await knex.schema.createTable('review_exemptions', (t) => {
    t.string('app_id', 64).primary().references('app_id').inTable('apps').onDelete('CASCADE');
    t.string('status', 16).notNullable();
    t.string('message', 500).notNullable();
    // The reviewer's reason for the last approval, rejection or revocation; null while pending.
    t.string('reason', 500);
    t.string('requested_by', 64).notNullable();
    t.string('reviewed_by', 64);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('review_exemptions');
  await knex.raw('drop index if exists payment_requests_one_pending');
  await knex.schema.dropTableIfExists('payment_requests');
}
