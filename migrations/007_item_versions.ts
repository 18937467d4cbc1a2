// Items get a draft and a live version (CONTRACT.md 7.6): the team edits the draft (the existing
// name, price, currency_type, image_url columns) while players buy the live version (live_*), so
// an edit never changes what a purchase is checked against until it is released again. The live
// version sits in the item's row rather than a table of its own: the payment request reads one
// row, and an item has at most one live version.
//
// Existing rows: released -> RELEASED with the row's values live; not released -> DRAFT with no
// live version. `released` goes: `status` and the live version say it, and two sources would drift.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('items', (t) => {
    t.string('status', 16).notNullable().defaultTo('DRAFT');
    t.string('live_name', 200);
    t.bigInteger('live_price');
    t.string('live_currency_type', 3);
    t.string('live_image_url', 2048);
    t.timestamp('live_released_at', { useTz: true });
    // Why the last review decided as it did (a rejection's reason, shown to the team).
    t.string('review_reason', 500);
    // Set when the item first goes live and never cleared: an item ever released is never
    // deleted (orders name it), only removed, even once its live version is gone.
    t.timestamp('first_released_at', { useTz: true });
  });
  await knex.raw(`
    update items set
      status = case when released then 'RELEASED' else 'DRAFT' end,
      live_name = case when released then name end,
      live_price = case when released then price end,
      live_currency_type = case when released then currency_type end,
      live_image_url = case when released then image_url end,
      live_released_at = case when released then updated_at end,
      first_released_at = case when released then updated_at end`);
  await knex.schema.alterTable('items', (t) => t.dropColumn('released'));
  await knex.raw(`
    alter table items
      add constraint items_status_known check (status in ('DRAFT', 'PENDING_REVIEW', 'RELEASED', 'REJECTED', 'REMOVED')),
      -- A live version is whole or absent: the purchase check must never see half of one.
      add constraint items_live_whole check (
        (live_released_at is null and live_name is null and live_price is null and live_currency_type is null and live_image_url is null)
        or (live_released_at is not null and live_name is not null and live_price is not null and live_currency_type is not null)),
      add constraint items_released_is_live check (status <> 'RELEASED' or live_released_at is not null)`);
  // The console's list (newest first, per app) and the review queue (every app's pending items).
  await knex.raw('create index items_app_newest on items (app_id, created_at desc, product_id desc)');
  await knex.raw(
    `create index items_pending_review on items (updated_at desc, app_id desc, product_id desc) where status = 'PENDING_REVIEW'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists items_pending_review');
  await knex.raw('drop index if exists items_app_newest');
  await knex.raw(
    'alter table items drop constraint if exists items_released_is_live, drop constraint if exists items_live_whole, drop constraint if exists items_status_known',
  );
  await knex.schema.alterTable('items', (t) => t.boolean('released').notNullable().defaultTo(false));
  // Going back, what sold was the live version: it becomes the item again, released.
  await knex.raw(`
    update items set released = true, name = live_name, price = live_price, currency_type = live_currency_type, image_url = live_image_url
    where live_released_at is not null and status <> 'REMOVED'`);
  await knex.schema.alterTable('items', (t) => {
    for (const c of [
      'status',
      'live_name',
      'live_price',
      'live_currency_type',
      'live_image_url',
      'live_released_at',
      'review_reason',
      'first_released_at',
    ]) {
      t.dropColumn(c);
    }
  });
}
