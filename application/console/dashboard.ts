// The console dashboard (docs/CONSOLE.md, *Dashboard*): one app's orders, revenue, deliveries and
// refunds per day of the viewer's time zone, and what waits for delivery or for the superapp now.
// The routes (api/console/dashboard) have already checked the app's visibility and `orders.view`.
// Reads: nothing here is audited, as the order records' reads are not.
import type { Db } from '../../lib/db/db';
import type { App } from '../../lib/db/repos/apps';
import type { Config } from '../../lib/platform/config';
import {
  orderDays,
  refundDays,
  refundsOutstanding,
  todayIn,
  waitingDelivery,
  type DashboardScope,
  type OrderDayRow,
  type RefundDayRow,
} from '../../lib/db/repos/dashboard';
import { checkTimeZone } from '../../lib/db/repos/time-zones';
import { resolveDayRange } from '../../lib/domain/day-range';
import { canSeeApp, type Principal } from '../../lib/domain/console/principal';
import { ConsoleRefused } from './refusals';

export interface DashboardDeps {
  db: Db;
  config: Pick<Config, 'deliveryAlertAfterMs'>;
}

/** The series' query, as the route parsed it (days still as given). */
export interface DashboardDaysQuery {
  from?: string;
  to?: string;
  /** An IANA zone name; the route defaults it to UTC. */
  tz: string;
  env?: 0 | 1;
}

export interface RevenueLine {
  currencyType: string;
  /** What the orders created that day and paid took (minor units). */
  paid: number;
  /** What the refunds initiated that day and succeeded gave back (minor units). */
  refunded: number;
}

/** The numbers of one day, or of the whole range. */
export interface DashboardNumbers {
  orders: { created: number; paid: number; delivered: number; deliveredFirstAttempt: number };
  delivery: {
    /** delivered / paid; null without a paid order. */
    successRate: number | null;
    /** deliveredFirstAttempt / paid; null without a paid order. */
    firstAttemptRate: number | null;
    latencyP50Ms: number | null;
    latencyP95Ms: number | null;
  };
  /** One line per currency, by currency code. */
  revenue: RevenueLine[];
  refunds: { initiated: number; succeeded: number; pending: number; failed: number };
}

export interface DashboardDays {
  /** The first and last day shown, both included (YYYY-MM-DD in `tz`). */
  from: string;
  to: string;
  tz: string;
  env: 0 | 1 | null;
  /** Every day of the range, in order, also the days without an order. */
  days: Array<{ day: string } & DashboardNumbers>;
  /** The whole range (its percentiles over every delivery of the range). */
  total: DashboardNumbers;
}

const refuseUnlessVisible = (p: Principal, app: App): void => {
  if (!canSeeApp(p, app)) throw new ConsoleRefused('appNotFound', 'unknown app');
};

/** A ratio to 4 decimals (a rate shown as a percentage with 2), null when nothing to divide. */
const rate = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

function numbersOf(orders: OrderDayRow | undefined, revenue: Map<string, RevenueLine>, refunds: RefundDayRow[]): DashboardNumbers {
  const o = orders ?? { created: 0, paid: 0, delivered: 0, deliveredFirstAttempt: 0, latencyP50Ms: null, latencyP95Ms: null };
  const sum = (k: 'initiated' | 'succeeded' | 'pending' | 'failed') => refunds.reduce((n, r) => n + r[k], 0);
  return {
    orders: { created: o.created, paid: o.paid, delivered: o.delivered, deliveredFirstAttempt: o.deliveredFirstAttempt },
    delivery: {
      successRate: rate(o.delivered, o.paid),
      firstAttemptRate: rate(o.deliveredFirstAttempt, o.paid),
      latencyP50Ms: o.latencyP50Ms,
      latencyP95Ms: o.latencyP95Ms,
    },
    revenue: [...revenue.values()].sort((a, b) => a.currencyType.localeCompare(b.currencyType)),
    refunds: { initiated: sum('initiated'), succeeded: sum('succeeded'), pending: sum('pending'), failed: sum('failed') },
  };
}

/** Adds paid and refunded amounts into `lines` by currency; a currency with neither stays out. */
function addRevenue(lines: Map<string, RevenueLine>, currencyType: string, paid: number, refunded: number): void {
  if (paid === 0 && refunded === 0) return;
  const line = lines.get(currencyType) ?? { currencyType, paid: 0, refunded: 0 };
  line.paid += paid;
  line.refunded += refunded;
  lines.set(currencyType, line);
}

/**
 * The app's numbers per day of `from`..`to` (default: the 7 days up to today) in the zone `tz`:
 * 400/40001 for a zone PostgreSQL does not know or would read as an abbreviation (time-zones.ts),
 * 400/40003 for a bad range or one over 92 days.
 */
export async function dashboardDays(
  { db }: Pick<DashboardDeps, 'db'>,
  p: Principal,
  app: App,
  q: DashboardDaysQuery,
): Promise<DashboardDays> {
  refuseUnlessVisible(p, app);
  const zone = await checkTimeZone(db, q.tz);
  if (zone === 'unknown') {
    throw new ConsoleRefused(
      'invalid',
      `tz: ${JSON.stringify(q.tz)} is not a time zone name PostgreSQL knows (an IANA name such as Europe/Berlin)`,
    );
  }
  if (zone === 'abbreviation') {
    throw new ConsoleRefused(
      'invalid',
      `tz: ${JSON.stringify(q.tz)} is also a time zone abbreviation, which PostgreSQL reads as a fixed offset (no daylight saving): use a zone name such as Europe/Berlin`,
    );
  }
  const range = resolveDayRange({ from: q.from, to: q.to }, await todayIn(db, q.tz));
  if ('refused' in range) throw new ConsoleRefused('badDateRange', range.refused);

  const window = { appId: app.appId, env: q.env, from: range.from, to: range.to, tz: q.tz };
  const [orders, refunds] = await Promise.all([orderDays(db, window), refundDays(db, window)]);

  const revenueByDay = new Map<string, Map<string, RevenueLine>>(range.days.map((d) => [d, new Map()]));
  const totalRevenue = new Map<string, RevenueLine>();
  // Every row's day is one of the range's: the queries bound and bucket by the same zone.
  for (const o of orders.filter((r) => r.level === 'dayCurrency')) {
    for (const lines of [revenueByDay.get(o.day!), totalRevenue]) if (lines) addRevenue(lines, o.currencyType!, o.paidAmount, 0);
  }
  for (const r of refunds) {
    for (const lines of [revenueByDay.get(r.day), totalRevenue]) if (lines) addRevenue(lines, r.currencyType, 0, r.refundedAmount);
  }
  const ordersByDay = new Map(orders.filter((r) => r.level === 'day').map((r) => [r.day!, r]));
  return {
    from: range.from,
    to: range.to,
    tz: q.tz,
    env: q.env ?? null,
    days: range.days.map((day) => ({
      day,
      ...numbersOf(
        ordersByDay.get(day),
        revenueByDay.get(day) ?? new Map(),
        refunds.filter((r) => r.day === day),
      ),
    })),
    total: numbersOf(
      orders.find((r) => r.level === 'total'),
      totalRevenue,
      refunds,
    ),
  };
}

export interface DashboardNow {
  /** When it was read. */
  at: string;
  env: 0 | 1 | null;
  /** Paid orders not delivered yet (PAID). */
  waitingDelivery: number;
  /** Of those, alerted or waiting longer than `stuckAfterMs`. */
  stuck: number;
  /** DELIVERY_ALERT_AFTER_MS: how long after its payment a waiting order is stuck. */
  stuckAfterMs: number;
  /** When the payment of the oldest waiting order was recorded, and how long ago. */
  oldestWaitingSince: string | null;
  oldestWaitingMs: number | null;
  /** Refunds asked of the superapp and not answered yet. */
  refundsPending: number;
  /** Succeeded refunds whose notice the game backend has not acknowledged yet; of those, alerted. */
  refundNoticesWaiting: number;
  refundNoticesStuck: number;
}

/** What waits for the app right now: deliveries (and the stuck ones) and refunds. */
export async function dashboardNow({ db, config }: DashboardDeps, p: Principal, app: App, q: { env?: 0 | 1 }): Promise<DashboardNow> {
  refuseUnlessVisible(p, app);
  const scope: DashboardScope = { appId: app.appId, env: q.env };
  const [waiting, refunds] = await Promise.all([waitingDelivery(db, scope, config.deliveryAlertAfterMs), refundsOutstanding(db, scope)]);
  return {
    at: new Date().toISOString(),
    env: q.env ?? null,
    waitingDelivery: waiting.waiting,
    stuck: waiting.stuck,
    stuckAfterMs: config.deliveryAlertAfterMs,
    oldestWaitingSince: waiting.oldestPaidAt?.toISOString() ?? null,
    oldestWaitingMs: waiting.oldestWaitingMs,
    refundsPending: refunds.pending,
    refundNoticesWaiting: refunds.noticesWaiting,
    refundNoticesStuck: refunds.noticesStuck,
  };
}
