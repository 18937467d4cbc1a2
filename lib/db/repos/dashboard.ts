// The console dashboard's numbers (docs/CONSOLE.md, *Dashboard*), aggregated in PostgreSQL: one
// app's orders and refunds per day of the viewer's time zone, and what waits right now. Every
// query reads one app's rows through an index, within bounds: the per-day series a range of days
// of orders_app_created and refunds_app_created (at most 92 days, lib/domain/day-range.ts), the
// snapshot the partial indexes of migrations/010 (and 009's refunds_waiting_notice), which hold
// only what still waits. Nothing here writes.
import type { Knex } from 'knex';
import type { Db } from '../db';

/** One app's orders or refunds, of one env or both (as the order records' `env` filter). */
export interface DashboardScope {
  appId: string;
  env?: 0 | 1;
}

/** Calendar days of a time zone: `from` and `to` (YYYY-MM-DD) both included. */
export interface DayWindow extends DashboardScope {
  from: string;
  to: string;
  /** An IANA zone name PostgreSQL knows (time-zones.ts). */
  tz: string;
}

/**
 * The window's bounds on `column` as instants: from the first day's midnight in the zone to the
 * midnight after the last day (exclusive). Index conditions: PostgreSQL computes them once.
 */
const WITHIN_DAYS = (column: string) =>
  `${column} >= cast(:from as date)::timestamp at time zone :tz and ${column} < (cast(:to as date) + 1)::timestamp at time zone :tz`;

const ENV = (w: DashboardScope) => (w.env === undefined ? '' : 'and env = :env');

const bindings = (w: DashboardScope & Partial<DayWindow>) => ({ appId: w.appId, env: w.env ?? null, from: w.from, to: w.to, tz: w.tz });

/** Which grouping set a row of orderDays is (PostgreSQL's grouping(day, currency_type)). */
export type OrderDayLevel = 'dayCurrency' | 'day' | 'total';
const LEVELS: Record<number, OrderDayLevel> = { 0: 'dayCurrency', 1: 'day', 3: 'total' };

export interface OrderDayRow {
  level: OrderDayLevel;
  /** YYYY-MM-DD in the zone; null on the total. */
  day: string | null;
  /** On 'dayCurrency' rows only. */
  currencyType: string | null;
  created: number;
  /** PAID, DELIVERED or REFUNDED: the payment was recorded (docs/API.md, *Refunds*, "paid"). */
  paid: number;
  /** What the paid orders took, in minor units (meaningful per currency, on 'dayCurrency' rows). */
  paidAmount: number;
  delivered: number;
  /** Delivered by their first attempt. */
  deliveredFirstAttempt: number;
  /** From the payment recorded to the delivery acknowledged, of the delivered orders. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

/**
 * The orders created on each day of the window, counted once each in the day they were created:
 * per day and currency (the revenue), per day (counts, rates, latency percentiles) and over the
 * whole window (the percentiles cannot be added up from the days'). One index range scan.
 *
 * "Delivered by the first attempt": an order delivered with one attempt counted is; one with
 * more (failed attempts first, or redeliveries after) is when its attempt 1 succeeded, which one
 * lookup of delivery_attempts' (order_id, attempt) index tells, for those orders only.
 */
export function orderDaysQuery(db: Db, w: DayWindow): Knex.Raw {
  return db.raw(
    `select to_char(day, 'YYYY-MM-DD') as day, currency_type, grouping(day, currency_type) as level,
       count(*)::int as created,
       count(*) filter (where paid)::int as paid,
       coalesce(sum(paid_amount) filter (where paid), 0)::bigint as paid_amount,
       count(*) filter (where delivered)::int as delivered,
       count(*) filter (where delivered_first)::int as delivered_first,
       percentile_cont(0.5) within group (order by latency_s) as p50_s,
       percentile_cont(0.95) within group (order by latency_s) as p95_s
     from (
       select (created_at at time zone :tz)::date as day, currency_type,
         status in ('PAID', 'DELIVERED', 'REFUNDED') as paid,
         coalesce(paid_amount, total_amount) as paid_amount,
         delivered_at is not null as delivered,
         case
           when delivered_at is null then false
           when delivery_attempts <= 1 then true
           else exists (select 1 from delivery_attempts a where a.order_id = o.order_id and a.attempt = 1 and a.ok)
         end as delivered_first,
         extract(epoch from delivered_at - payment_recorded_at) as latency_s
       from orders o
       where app_id = :appId and ${WITHIN_DAYS('created_at')} ${ENV(w)}
     ) r
     group by grouping sets ((day, currency_type), (day), ())`,
    bindings(w),
  );
}

const ms = (seconds: unknown): number | null => (seconds === null || seconds === undefined ? null : Math.round(Number(seconds) * 1000));

export async function orderDays(db: Db, w: DayWindow): Promise<OrderDayRow[]> {
  const { rows } = await orderDaysQuery(db, w);
  return rows.map((r: any) => ({
    level: LEVELS[r.level],
    day: r.day,
    currencyType: r.currency_type,
    created: r.created,
    paid: r.paid,
    paidAmount: Number(r.paid_amount),
    delivered: r.delivered,
    deliveredFirstAttempt: r.delivered_first,
    latencyP50Ms: ms(r.p50_s),
    latencyP95Ms: ms(r.p95_s),
  }));
}

export interface RefundDayRow {
  /** YYYY-MM-DD in the zone. */
  day: string;
  currencyType: string;
  initiated: number;
  succeeded: number;
  pending: number;
  failed: number;
  /** The SUCCEEDED refunds' amounts, in minor units. */
  refundedAmount: number;
}

/** The refunds initiated (created) on each day of the window, per day and currency. One index range scan. */
export function refundDaysQuery(db: Db, w: DayWindow): Knex.Raw {
  return db.raw(
    `select to_char((created_at at time zone :tz)::date, 'YYYY-MM-DD') as day, currency_type,
       count(*)::int as initiated,
       count(*) filter (where status = 'SUCCEEDED')::int as succeeded,
       count(*) filter (where status = 'PENDING')::int as pending,
       count(*) filter (where status = 'FAILED')::int as failed,
       coalesce(sum(refund_amount) filter (where status = 'SUCCEEDED'), 0)::bigint as refunded
     from refunds
     where app_id = :appId and ${WITHIN_DAYS('created_at')} ${ENV(w)}
     group by 1, 2`,
    bindings(w),
  );
}

export async function refundDays(db: Db, w: DayWindow): Promise<RefundDayRow[]> {
  const { rows } = await refundDaysQuery(db, w);
  return rows.map((r: any) => ({
    day: r.day,
    currencyType: r.currency_type,
    initiated: r.initiated,
    succeeded: r.succeeded,
    pending: r.pending,
    failed: r.failed,
    refundedAmount: Number(r.refunded),
  }));
}

export interface WaitingDelivery {
  /** Paid orders not delivered yet (status PAID). */
  waiting: number;
  /** Of those, the ones alerted, or waiting longer than the alert's delay. */
  stuck: number;
  /** When the payment of the oldest waiting order was recorded. */
  oldestPaidAt: Date | null;
  /** How long it has waited, on PostgreSQL's clock. */
  oldestWaitingMs: number | null;
}

/**
 * The app's orders waiting for their delivery now, through orders_app_paid (only PAID orders).
 * Stuck: the purchase raised its delivery_stuck alert (alerted_at), or has waited `stuckAfterMs`
 * (DELIVERY_ALERT_AFTER_MS, when the alert is due; an alert whose webhook keeps failing is not
 * marked yet, and is stuck all the same).
 */
export function waitingDeliveryQuery(db: Db, s: DashboardScope, stuckAfterMs: number): Knex.Raw {
  return db.raw(
    `select count(*)::int as waiting,
       count(*) filter (where alerted_at is not null or payment_recorded_at <= now() - make_interval(secs => :stuckAfterS))::int as stuck,
       min(payment_recorded_at) as oldest,
       extract(epoch from now() - min(payment_recorded_at)) as oldest_s
     from orders
     where app_id = :appId and status = 'PAID' ${ENV(s)}`,
    { ...bindings(s), stuckAfterS: stuckAfterMs / 1000 },
  );
}

export async function waitingDelivery(db: Db, s: DashboardScope, stuckAfterMs: number): Promise<WaitingDelivery> {
  const { rows } = await waitingDeliveryQuery(db, s, stuckAfterMs);
  const r = rows[0];
  return { waiting: r.waiting, stuck: r.stuck, oldestPaidAt: r.oldest, oldestWaitingMs: ms(r.oldest_s) };
}

export interface RefundsOutstanding {
  /** Asked of the superapp, not answered yet (PENDING). */
  pending: number;
  /** SUCCEEDED, their notice (CONTRACT.md 8.3) not acknowledged by the game backend yet. */
  noticesWaiting: number;
  /** Of those, the ones whose refund_notify_stuck alert was raised. */
  noticesStuck: number;
}

/** The app's refunds still under way, through refunds_app_pending and refunds_waiting_notice. */
export function refundsOutstandingQuery(db: Db, s: DashboardScope): Knex.Raw {
  return db.raw(
    `select
       (select count(*) from refunds where app_id = :appId and status = 'PENDING' ${ENV(s)})::int as pending,
       w.waiting::int as notices_waiting, w.stuck::int as notices_stuck
     from (
       select count(*) as waiting, count(*) filter (where notify_alerted_at is not null) as stuck
       from refunds where app_id = :appId and status = 'SUCCEEDED' and notified_at is null ${ENV(s)}
     ) w`,
    bindings(s),
  );
}

export async function refundsOutstanding(db: Db, s: DashboardScope): Promise<RefundsOutstanding> {
  const { rows } = await refundsOutstandingQuery(db, s);
  const r = rows[0];
  return { pending: r.pending, noticesWaiting: r.notices_waiting, noticesStuck: r.notices_stuck };
}

/** Today's date (YYYY-MM-DD) in the zone, on PostgreSQL's clock and zone data (those the series use). */
export async function todayIn(db: Db, tz: string): Promise<string> {
  const { rows } = await db.raw(`select to_char((now() at time zone :tz)::date, 'YYYY-MM-DD') as today`, { tz });
  return rows[0].today;
}
