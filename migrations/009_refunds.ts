// After-sales (CONTRACT.md 8): refunds, their notices to the game backend, and what each order
// has given back.
//
// The order row is the one writer of "how much of this order is refunded" (docs/ARCHITECTURE.md,
// *Refunds*): a refund claims its amount with one conditional UPDATE of the order
// (refunded_amount + refund_pending_amount + amount <= total_amount), in the transaction that inserts the refund;
// a SUCCEEDED refund moves its amount from pending to refunded_amount, a FAILED one releases it.
// The check constraint is the last line: no bug can make the order give back more than was paid.
//
// refunds.refund_id is vpay's id for refunds asked through vpay and the superapp's for refunds
// the superapp made (8.1); out_refund_no is the game's or console's own number, unique per app.
// The indexes serve the after-sales records (8.4): newest first within a createdAt range per app,
// cut by a keyset cursor (created_at, refund_id), and the order's refunds in its detail.
import type { Knex } from 'knex';

/**
 * Not run in the migrator's transaction (config below): the schema changes run in a transaction of
 * their own, and the check constraint on orders is validated after it commits. ADD CONSTRAINT ...
 * CHECK alone scans every orders row while holding ACCESS EXCLUSIVE on orders, blocking every
 * payment, delivery and order read for the whole scan. Added NOT VALID, it takes that lock only
 * for a catalog change (new and updated rows are checked from then on); VALIDATE CONSTRAINT then
 * scans the existing rows under SHARE UPDATE EXCLUSIVE, which lets reads and writes of orders go
 * on. Inside one transaction the first lock would be held through the scan, hence the split. A
 * run that stopped between the two finds the refunds table and only validates.
 */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  if (!(await knex.schema.hasTable('refunds'))) await knex.transaction((trx) => createRefunds(trx));
  await knex.raw('alter table orders validate constraint orders_refunds_within_payment');
}

async function createRefunds(knex: Knex): Promise<void> {
  await knex.raw('alter table orders add column if not exists refund_pending_amount bigint not null default 0');
  // What was refunded never exceeds what was paid. Pending amounts are not part of it: a refund the
  // superapp made itself (8.1) is recorded even when it overtakes refunds vpay asked for and is
  // still waiting on (the money already moved), and those are then FAILED rather than settled
  // (lib/db/repos/refunds.ts settleRefund). Claims through vpay still keep refunded + pending
  // within the payment by their conditional UPDATE.
  // NOT VALID: see `up` (validated after this transaction commits).
  await knex.raw(`alter table orders add constraint orders_refunds_within_payment
    check (refunded_amount >= 0 and refund_pending_amount >= 0 and refunded_amount <= total_amount) not valid`);

  await knex.schema.createTable('refunds', (t) => {
    t.string('refund_id', 64).primary();
    t.string('source', 16).notNullable();
    t.string('app_id', 64).notNullable().references('app_id').inTable('apps');
    t.string('order_id', 64).notNullable().references('order_id').inTable('orders');
    t.string('out_trade_no', 64).notNullable();
    t.string('out_refund_no', 64);
    t.string('open_id', 128).notNullable();
    t.string('transaction_id', 128).notNullable();
    t.bigInteger('refund_amount').notNullable();
    t.string('currency_type', 16).notNullable();
    t.text('reason').notNullable().defaultTo('');
    t.string('status', 16).notNullable();
    t.text('fail_reason');
    t.smallint('env').notNullable();
    /** When the refund was initiated (8.2's createdAt; the after-sales records select by it). */
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('refunded_at', { useTz: true });
    t.timestamp('notified_at', { useTz: true });
    t.integer('notify_attempts').notNullable().defaultTo(0);
    t.text('last_notify_error');
    t.timestamp('notify_alerted_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['app_id', 'created_at', 'refund_id'], 'refunds_app_created');
    t.index(['order_id', 'created_at'], 'refunds_order');
    t.index(['app_id', 'out_trade_no', 'created_at'], 'refunds_app_out_trade_no');
  });
  await knex.raw(`alter table refunds add constraint refunds_source check (source in ('superapp', 'game', 'console'))`);
  await knex.raw(`alter table refunds add constraint refunds_status check (status in ('PENDING', 'SUCCEEDED', 'FAILED'))`);
  await knex.raw('alter table refunds add constraint refunds_amount_positive check (refund_amount > 0)');
  // The idempotency key of refunds asked by a game or in the console (8.2), for as long as the row lives.
  await knex.raw('create unique index refunds_app_out_refund_no on refunds (app_id, out_refund_no) where out_refund_no is not null');

  // Each attempt to notify the game backend of a refund (8.3), like delivery_attempts for orders.
  await knex.schema.createTable('refund_notify_attempts', (t) => {
    t.bigIncrements('id');
    t.string('refund_id', 64).notNullable().references('refund_id').inTable('refunds').onDelete('CASCADE');
    t.integer('attempt').notNullable();
    t.string('url', 2048).notNullable();
    t.boolean('ok').notNullable();
    t.integer('http_status');
    t.text('error');
    t.integer('duration_ms').notNullable();
    t.timestamp('attempted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['refund_id', 'attempt']);
  });
  // The refunds whose notice waits for an endpoint to come back (the recovery wake-up, like
  // orders_waiting_delivery for deliveries).
  await knex.raw(`create index refunds_waiting_notice on refunds (app_id, env, refund_id)
    where status = 'SUCCEEDED' and notified_at is null`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => dropRefunds(trx));
}

async function dropRefunds(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('refund_notify_attempts');
  await knex.schema.dropTableIfExists('refunds');
  await knex.raw('alter table orders drop constraint if exists orders_refunds_within_payment');
  await knex.raw('alter table orders drop column if exists refund_pending_amount');
}
