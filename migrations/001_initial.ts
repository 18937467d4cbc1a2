// The initial schema: apps and their keys, released items, users' session keys, and the orders
// projection (written only by the purchase workflow's activities) with every delivery attempt.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('apps', (t) => {
    t.string('app_id', 64).primary();
    t.string('name', 200).notNullable();
    // Kept in clear: vpay must compute HMACs with it. Never logged, returned only at creation.
    t.string('app_key', 128).notNullable();
    t.string('delivery_url', 2048).notNullable();
    t.string('delivery_test_url', 2048);
    t.boolean('payment_enabled').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('items', (t) => {
    t.string('app_id', 64).notNullable().references('app_id').inTable('apps').onDelete('CASCADE');
    t.string('product_id', 128).notNullable();
    t.string('name', 200).notNullable();
    t.bigInteger('price').notNullable();
    t.string('currency_type', 3).notNullable();
    t.string('image_url', 2048);
    t.boolean('released').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['app_id', 'product_id']);
  });

  await knex.schema.createTable('user_sessions', (t) => {
    t.string('app_id', 64).notNullable().references('app_id').inTable('apps').onDelete('CASCADE');
    t.string('open_id', 128).notNullable();
    t.string('session_key', 512).notNullable();
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['app_id', 'open_id']);
  });

  await knex.schema.createTable('orders', (t) => {
    t.string('order_id', 64).primary();
    t.string('app_id', 64).notNullable();
    t.string('open_id', 128).notNullable();
    t.string('out_trade_no', 64).notNullable();
    t.string('product_id', 128).notNullable();
    t.integer('buy_quantity').notNullable();
    t.bigInteger('goods_price').notNullable();
    t.bigInteger('total_amount').notNullable();
    t.string('currency_type', 3).notNullable();
    t.string('platform', 64);
    t.smallint('env').notNullable();
    t.string('attach', 512);
    t.text('sign_data').notNullable();
    t.string('status', 16).notNullable();
    t.string('close_reason', 32);
    t.string('prepay_id', 128);
    t.string('transaction_id', 128);
    t.bigInteger('paid_amount');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('paid_at', { useTz: true });
    t.timestamp('payment_recorded_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.integer('delivery_attempts').notNullable().defaultTo(0);
    t.text('last_delivery_error');
    t.timestamp('alerted_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // The lasting idempotency guard: Temporal forgets closed workflows after its retention.
    t.unique(['app_id', 'out_trade_no']);
    t.index(['app_id', 'created_at']);
    t.index(['status', 'updated_at']);
  });

  await knex.schema.createTable('delivery_attempts', (t) => {
    t.bigIncrements('id');
    t.string('order_id', 64).notNullable().references('order_id').inTable('orders').onDelete('CASCADE');
    t.integer('attempt').notNullable();
    t.string('url', 2048).notNullable();
    t.boolean('ok').notNullable();
    t.integer('http_status');
    t.text('error');
    t.integer('duration_ms').notNullable();
    t.timestamp('attempted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['order_id', 'attempt']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['delivery_attempts', 'orders', 'user_sessions', 'items', 'apps']) {
    await knex.schema.dropTableIfExists(table);
  }
}
