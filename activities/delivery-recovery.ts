// Ends a delivery outage quickly without a retry storm while it lasts. Orders whose delivery
// failed wait out a backoff that grows to DELIVERY_RETRY_MAX_MS (an hour by default), which
// keeps a dead endpoint cheap; but when the endpoint comes back, the first delivery that gets
// through wakes every order of that endpoint still waiting (the retryDeliveryNow signal), so
// the backlog drains in seconds instead of up to an hour.
//
// Best effort by design: the wake-up is an optimisation, never needed for correctness. If this
// process dies mid-way, the orders not yet woken retry when their own timers fire.
import type { Db } from '../lib/db/db';
import type { Logger } from '../lib/platform/logger';
import type { Metrics } from '../lib/platform/metrics';
import { claimEndpointRecovery, listOrdersWaitingDelivery, markEndpointFailing, type Endpoint } from '../lib/db/repos/delivery-health';
import { listRefundsWaitingNotice, type WaitingRefund } from '../lib/db/repos/refunds';

/**
 * Signals one purchase, named by its business keys, to retry its delivery now. Injected: the
 * worker's is application/purchase-client.ts's wakePurchaseVia (activities never build
 * Temporal calls themselves).
 */
export type WakePurchase = (purchase: { appId: string; outTradeNo: string }) => Promise<void>;

/**
 * Signals one refund, named by its business keys, to retry its notice now (CONTRACT.md 8.3: refund
 * notices go to the same endpoint). The worker's is application/refund-client.ts's wakeRefundVia.
 */
export type WakeRefund = (refund: WaitingRefund) => Promise<void>;

export interface DeliveryRecoveryOptions {
  db: Db;
  wake: WakePurchase;
  /** Refunds whose notice waits on the same endpoint are woken too, after its orders. */
  wakeRefund?: WakeRefund;
  logger: Logger;
  metrics: Metrics;
  /** At most one wake-up per endpoint per this many ms (a flapping endpoint). Default 30 s. */
  minWakeGapMs?: number;
  /** A success with no earlier failure of its order re-checks the endpoint at most this often. */
  healthyRecheckMs?: number;
}

export interface DeliveryRecovery {
  /**
   * Records an attempt's outcome. A failure answers how long the endpoint has been failing (the
   * workflow paces its retries by it). A success that ends an outage starts the wake-up in the
   * background and returns it (tests await `wakeup`, the number of orders woken).
   */
  onAttempt(e: Endpoint, o: { ok: boolean; attempt: number }): Promise<{ failingForMs?: number; wakeup?: Promise<number> }>;
}

const PAGE = 500;
const SIGNALS_IN_FLIGHT = 16;

export function createDeliveryRecovery(o: DeliveryRecoveryOptions): DeliveryRecovery {
  const minWakeGapMs = o.minWakeGapMs ?? 30_000;
  const healthyRecheckMs = o.healthyRecheckMs ?? 10_000;
  /** When this process last found each endpoint unmarked: spares a query per normal delivery. */
  const checkedAt = new Map<string, number>();
  const key = (e: Endpoint) => `${e.env}:${e.appId}`;

  /** Wakes everything `list` pages through (by `keyOf`, ascending), SIGNALS_IN_FLIGHT at a time. */
  async function wakeAll<T>(
    list: (after: string) => Promise<T[]>,
    keyOf: (t: T) => string,
    wake: (t: T) => Promise<void>,
  ): Promise<{ woken: number; failed: number }> {
    let woken = 0;
    let failed = 0;
    let after = '';
    for (;;) {
      const page = await list(after);
      if (page.length === 0) break;
      after = keyOf(page[page.length - 1]);
      let next = 0;
      const lane = async () => {
        while (next < page.length) {
          const w = page[next++];
          try {
            await wake(w);
            woken++;
          } catch {
            failed++; // finished meanwhile, or Temporal unreachable: its own timer still fires
          }
        }
      };
      await Promise.all(Array.from({ length: SIGNALS_IN_FLIGHT }, lane));
      if (page.length < PAGE) break;
    }
    return { woken, failed };
  }

  async function wakeWaitingOrders(e: Endpoint): Promise<number> {
    const orders = await wakeAll(
      (after) => listOrdersWaitingDelivery(o.db, e, after, PAGE),
      (w) => w.orderId,
      (w) => o.wake({ appId: e.appId, outTradeNo: w.outTradeNo }),
    );
    const { wakeRefund } = o;
    const refunds = wakeRefund
      ? await wakeAll(
          (after) => listRefundsWaitingNotice(o.db, e, after, PAGE),
          (w) => w.refundId,
          wakeRefund,
        )
      : { woken: 0, failed: 0 };
    const woken = orders.woken + refunds.woken;
    o.metrics.deliveryWakeups.inc(woken);
    o.logger.info(
      {
        appId: e.appId,
        env: e.env,
        woken: orders.woken,
        failed: orders.failed,
        refundsWoken: refunds.woken,
        refundsFailed: refunds.failed,
      },
      'delivery endpoint recovered; woke the waiting orders and refund notices',
    );
    return woken;
  }

  return {
    async onAttempt(e, { ok, attempt }) {
      const k = key(e);
      if (!ok) {
        checkedAt.delete(k);
        return { failingForMs: await markEndpointFailing(o.db, e) };
      }
      // An order that failed before is evidence of an outage; otherwise look only now and then.
      const last = checkedAt.get(k);
      if (attempt === 1 && last !== undefined && Date.now() - last < healthyRecheckMs) return {};
      checkedAt.set(k, Date.now());
      if (!(await claimEndpointRecovery(o.db, e, minWakeGapMs))) return {};
      const wakeup = wakeWaitingOrders(e);
      wakeup.catch((err: Error) => o.logger.error({ appId: e.appId, env: e.env, error: err.message }, 'delivery wake-up failed'));
      return { wakeup };
    },
  };
}
