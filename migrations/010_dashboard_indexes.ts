// The console dashboard's "now" (docs/CONSOLE.md, *Dashboard*): what waits for delivery and which
// refunds still wait for the superapp, per app, read without walking an app's whole history.
//
// Both are partial indexes over rows that are normally few and short-lived, so they stay small
// and cost only the writes of those rows:
// - orders_app_paid: the paid orders still waiting for their delivery (status PAID), by when the
//   payment was recorded (the oldest waiting first), with alerted_at alongside so counting the
//   stuck ones reads the index alone. 002's orders_waiting_delivery does not serve it: it holds
//   only the orders with a failed attempt (the endpoint recovery's wake-up list).
// - refunds_app_pending: the refunds asked of the superapp and not yet answered.
// Plain CREATE INDEX (not CONCURRENTLY), in the migration's transaction, as 008: on a large live
// table, build them CONCURRENTLY by hand first; `if not exists` then skips them here.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index if not exists orders_app_paid on orders (app_id, env, payment_recorded_at)
    include (alerted_at) where status = 'PAID'`);
  await knex.raw(`create index if not exists refunds_app_pending on refunds (app_id, env, created_at) where status = 'PENDING'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists refunds_app_pending');
  await knex.raw('drop index if exists orders_app_paid');
}
