// The console dashboard as the OpenAPI document describes it: the queries are the schemas
// ./routes.ts parses with; the answers are application/console/dashboard.ts' shapes.
import { z } from 'zod';
import { err, int, isoTime, ok } from '../../openapi/route-doc';
import { ConsoleCodes as C } from '../errors';
import { appNotFound, consoleGroup, needs } from '../openapi-support';
import { AppPath } from '../validators';
import { DashboardDaysQuery, DashboardNowQuery } from './validators';

const day = z.string().meta({ description: 'YYYY-MM-DD in `tz`' });
const ratio = z.number().nullable().meta({ description: 'from 0 to 1; null without a paid order' });
const millis = int.nullable().meta({ description: 'ms; null without a delivered order' });
const env = z
  .union([z.literal(0), z.literal(1)])
  .nullable()
  .meta({ description: 'the env asked for; null: both' });

const Numbers = {
  orders: z.looseObject({
    created: int.meta({ description: 'orders created that day' }),
    paid: int.meta({ description: 'of those, paid (PAID, DELIVERED or REFUNDED)' }),
    delivered: int.meta({ description: 'of those, delivered (the game backend acknowledged the notification)' }),
    deliveredFirstAttempt: int.meta({ description: 'of those, delivered by their first attempt' }),
  }),
  delivery: z.looseObject({
    successRate: ratio.meta({ description: 'delivered / paid, from 0 to 1; null without a paid order' }),
    firstAttemptRate: ratio.meta({ description: 'deliveredFirstAttempt / paid, from 0 to 1; null without a paid order' }),
    latencyP50Ms: millis.meta({ description: 'median time from the payment recorded to the delivery acknowledged, ms' }),
    latencyP95Ms: millis.meta({ description: '95th percentile of the same, ms' }),
  }),
  revenue: z
    .array(
      z.looseObject({
        currencyType: z.string(),
        paid: int.meta({ description: 'what the paid orders created that day took, minor units' }),
        refunded: int.meta({ description: 'what the refunds initiated that day gave back once they succeeded, minor units' }),
      }),
    )
    .meta({ description: 'one line per currency with money that day, by currency code' }),
  refunds: z.looseObject({
    initiated: int.meta({ description: 'refunds initiated that day' }),
    succeeded: int,
    pending: int,
    failed: int,
  }),
};

const DaysAnswer = ok({
  from: day,
  to: day,
  tz: z.string(),
  env,
  days: z.array(z.looseObject({ day, ...Numbers })).meta({ description: 'every day from `from` to `to`, in order' }),
  total: z.looseObject(Numbers).meta({ description: 'the whole range; its percentiles are over every delivery of the range' }),
});

const NowAnswer = ok({
  at: isoTime,
  env,
  waitingDelivery: int.meta({ description: 'paid orders not delivered yet (PAID)' }),
  stuck: int.meta({ description: 'of those, alerted or waiting longer than stuckAfterMs since their payment' }),
  stuckAfterMs: int.meta({ description: 'DELIVERY_ALERT_AFTER_MS' }),
  oldestWaitingSince: isoTime.nullable().meta({ description: "when the oldest waiting order's payment was recorded" }),
  oldestWaitingMs: millis.meta({ description: 'how long the oldest waiting order has waited, ms; null when none waits' }),
  refundsPending: int.meta({ description: 'refunds asked of the superapp, not answered yet' }),
  refundNoticesWaiting: int.meta({ description: 'succeeded refunds whose notice (8.3) the game backend has not acknowledged' }),
  refundNoticesStuck: int.meta({ description: 'of those, the ones alerted (refund_notify_stuck)' }),
});

export const dashboardRoutes = consoleGroup(
  'Console: dashboard',
  "An app's orders, revenue, deliveries and refunds per day of the viewer's time zone, and what waits now. `orders.view`; reads along indexes, bounded to 92 days.",
  [
    {
      method: 'get',
      path: '/apps/{appId}/dashboard/days',
      summary: "An app's numbers per day",
      description:
        'Each order counts in the day it was created (in `tz`), each refund in the day it was initiated. `from`/`to` are days, both included: the last 7 days by default, at most 92.',
      params: AppPath,
      query: DashboardDaysQuery,
      success: { status: 200, description: 'every day of the range, and the range as a whole', schema: DaysAnswer },
      errors: [
        appNotFound,
        needs('orders.view'),
        err(400, C.malformed, 'tz not a time zone name PostgreSQL knows (or also an abbreviation, such as CET), env not 0 or 1'),
        err(400, C.badDateRange, 'from/to not a day (YYYY-MM-DD), to before from, or more than 92 days'),
      ],
    },
    {
      method: 'get',
      path: '/apps/{appId}/dashboard/now',
      summary: 'What waits for an app now',
      description: 'Orders waiting for delivery and the stuck ones, refunds waiting for the superapp or for their notice.',
      params: AppPath,
      query: DashboardNowQuery,
      success: { status: 200, description: 'the counts, read now', schema: NowAnswer },
      errors: [appNotFound, needs('orders.view')],
    },
  ],
);
