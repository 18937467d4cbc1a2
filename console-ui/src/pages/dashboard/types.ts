// The dashboard's answers (GET /v1/console/apps/{appId}/dashboard/days and /now; docs/CONSOLE.md,
// *Dashboard*), as the page reads them.

export interface RevenueLine {
  currencyType: string;
  /** Minor units the orders created that day and paid took. */
  paid: number;
  /** Minor units the refunds initiated that day gave back. */
  refunded: number;
}

export interface DashboardNumbers {
  orders: { created: number; paid: number; delivered: number; deliveredFirstAttempt: number };
  delivery: { successRate: number | null; firstAttemptRate: number | null; latencyP50Ms: number | null; latencyP95Ms: number | null };
  revenue: RevenueLine[];
  refunds: { initiated: number; succeeded: number; pending: number; failed: number };
}

export interface DashboardDays {
  from: string;
  to: string;
  tz: string;
  env: 0 | 1 | null;
  days: Array<{ day: string } & DashboardNumbers>;
  total: DashboardNumbers;
}

export interface DashboardNow {
  at: string;
  waitingDelivery: number;
  stuck: number;
  stuckAfterMs: number;
  oldestWaitingSince: string | null;
  oldestWaitingMs: number | null;
  refundsPending: number;
  refundNoticesWaiting: number;
  refundNoticesStuck: number;
}
