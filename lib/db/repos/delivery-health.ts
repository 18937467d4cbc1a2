// The delivery_endpoint_health table: one row per (app, env) endpoint that has ever failed.
// Only failed attempts and the success that ends an outage write; a healthy endpoint costs none.
import type { Db } from '../db';

export interface Endpoint {
  appId: string;
  env: 0 | 1;
}

/**
 * Marks the endpoint failing (keeping the start of an outage already under way) and returns
 * for how long it has been failing, in ms.
 */
export async function markEndpointFailing(db: Db, e: Endpoint): Promise<number> {
  const { rows } = await db.raw(
    `insert into delivery_endpoint_health (app_id, env, failing_since) values (?, ?, now())
     on conflict (app_id, env) do update set failing_since = coalesce(delivery_endpoint_health.failing_since, now())
     returning extract(epoch from now() - failing_since) * 1000 as failing_ms`,
    [e.appId, e.env],
  );
  return Math.max(0, Math.round(Number(rows[0].failing_ms)));
}

/**
 * Called after a successful delivery: clears a failing mark and returns true for exactly one
 * caller per outage, the one that should wake the waiting orders. An endpoint woken less than
 * `minGapMs` ago stays marked, so a flapping endpoint is woken at most once per gap.
 */
export async function claimEndpointRecovery(db: Db, e: Endpoint, minGapMs: number): Promise<boolean> {
  const { rows } = await db.raw(
    `update delivery_endpoint_health set failing_since = null, last_wake_at = now()
     where app_id = ? and env = ? and failing_since is not null
       and (last_wake_at is null or last_wake_at < now() - make_interval(secs => ?))
     returning app_id`,
    [e.appId, e.env, minGapMs / 1000],
  );
  return rows.length > 0;
}

export interface WaitingOrder {
  orderId: string;
  outTradeNo: string;
}

/** Paid orders of the endpoint with at least one failed attempt, by orderId after `after`. */
export async function listOrdersWaitingDelivery(db: Db, e: Endpoint, after: string, limit: number): Promise<WaitingOrder[]> {
  const rows = await db('orders')
    .where({ app_id: e.appId, env: e.env, status: 'PAID' })
    .andWhere('delivery_attempts', '>', 0)
    .andWhere('order_id', '>', after)
    .orderBy('order_id')
    .limit(limit)
    .select('order_id', 'out_trade_no');
  return rows.map((r: { order_id: string; out_trade_no: string }) => ({ orderId: r.order_id, outTradeNo: r.out_trade_no }));
}
