// Whether each app's delivery endpoint (per env: the live and the test URL differ) is failing,
// so the first success after an outage can wake the orders still waiting out their backoff
// (activities/delivery-recovery.ts), and a partial index that finds those orders without a scan.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('delivery_endpoint_health', (t) => {
    t.string('app_id', 64).notNullable();
    t.smallint('env').notNullable();
    /** Set by the first failed attempt of an outage, cleared by the success that ends it. */
    t.timestamp('failing_since', { useTz: true });
    /** The last recovery wake-up, which spaces them out for an endpoint that flaps. */
    t.timestamp('last_wake_at', { useTz: true });
    t.primary(['app_id', 'env']);
  });
  await knex.raw(`create index orders_waiting_delivery on orders (app_id, env, order_id) where status = 'PAID' and delivery_attempts > 0`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists orders_waiting_delivery');
  await knex.schema.dropTableIfExists('delivery_endpoint_health');
}
