// The console's order records (CONTRACT.md 7.7): the refunded amount each order shows (0 until
// refunds exist), and the indexes its lists and exports read along, newest first.
//
// Every list is `created_at desc, order_id desc` within a createdAt range, cut by a keyset
// cursor, so each index ends in (created_at, order_id): the scan walks it backwards, stops after
// `limit` rows and never sorts. One per way the console narrows a list:
// - orders_app_created: one app's orders (the list, the export); it supersedes the
//   (app_id, created_at) index of 001, which is dropped rather than kept as a second copy that
//   every order write would maintain.
// - orders_app_open_id / orders_app_product: a player's or an item's orders within one app,
//   found directly rather than filtered out of the app's whole range.
// - orders_created: every app's orders (the platform roles' list across apps).
// orderId and outTradeNo searches use the primary key and the (app_id, out_trade_no) unique key.
// Plain CREATE INDEX (not CONCURRENTLY): knex runs each migration in a transaction. On a large
// live table, build them CONCURRENTLY by hand first; `if not exists` then skips them here.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // A constant default: PostgreSQL 11+ adds the column without rewriting the table.
  await knex.raw('alter table orders add column if not exists refunded_amount bigint not null default 0');
  await knex.raw('create index if not exists orders_app_created on orders (app_id, created_at, order_id)');
  await knex.raw('create index if not exists orders_app_open_id on orders (app_id, open_id, created_at, order_id)');
  await knex.raw('create index if not exists orders_app_product on orders (app_id, product_id, created_at, order_id)');
  await knex.raw('create index if not exists orders_created on orders (created_at, order_id)');
  await knex.raw('drop index if exists orders_app_id_created_at_index');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('create index if not exists orders_app_id_created_at_index on orders (app_id, created_at)');
  for (const name of ['orders_created', 'orders_app_product', 'orders_app_open_id', 'orders_app_created']) {
    await knex.raw(`drop index if exists ${name}`);
  }
  await knex.raw('alter table orders drop column if exists refunded_amount');
}
