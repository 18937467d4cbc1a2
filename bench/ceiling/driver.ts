// Runs the ceiling in this process: a worker for the bare workflow on its own task queue, and a
// closed or open loop that drives it directly with the Temporal client the way vpay's API does
// (one update-with-start, then one update), counting a purchase complete when deliverOrder has run.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { closedLoop, openLoop } from '../loops';
import { purchaseStats } from '../purchase-stats';
import type { PurchaseStats } from '../agent-protocol';
import type { PurchaseSample } from '../purchaser';
import {
  recordPaymentUpdate,
  requestPaymentUpdate,
  SA_APP_ID,
  SA_ORDER_STATUS,
  SA_OUT_TRADE_NO,
  type OrderDraft,
  type PurchaseTimings,
} from '../../workflows/definitions';
import { createCeilingActivities } from './activities';
import { startCeilingWorkers, type CeilingWorkers, type DeliveryWorkerOptions } from './workers';
import type { barePurchase } from './workflows';

export interface Ceiling {
  run(o: { concurrency: number; durationMs: number; tag: string; raw?: boolean }): Promise<PurchaseStats>;
  /**
   * An open loop at `ratePerSec`: the request's latency (and the whole purchase's) counts from
   * each purchase's intended send time, its slot in the loop, so a late start is not hidden; the
   * callback's from its send, right after the request's answer, as vpay's load agent measures it.
   */
  runOpen(o: { ratePerSec: number; durationMs: number; maxInFlight: number; tag: string; raw?: boolean }): Promise<PurchaseStats>;
  /** The workflow ids of the purchases made so far, in the order their requests were answered. */
  workflowIds(): readonly string[];
  /**
   * Exactly-once accounting: every started purchase delivered once; and where the deliveries ran:
   * `deliveryQueue` is the shape asked for (none: no second Worker), `onDeliveryQueue` and
   * `onMainQueue` the deliverOrder calls each Worker ran.
   */
  report(): {
    made: number;
    deliveredOnce: number;
    deliveredMoreThanOnce: number;
    neverDelivered: number;
    deliveryQueue: 'separate' | 'shared' | 'none';
    onDeliveryQueue: number;
    onMainQueue: number;
  };
  stop(): Promise<void>;
}

export async function startCeiling(o: {
  address: string;
  namespace: string;
  taskQueue: string;
  workflowBundleCode: string;
  timings: PurchaseTimings;
  /** As vpay's API sets it from PURCHASE_LOCAL_STEPS, so the bare workflow keeps vpay's shape. */
  localSteps: boolean;
  /** The callback's PAID row as a local activity (BarePurchaseInput.paidLocal); vpay's shape when absent. */
  paidLocal?: boolean;
  /** No patch asked for (BarePurchaseInput.noPatches), as vpay's purchaseV2. */
  noPatches?: boolean;
  /**
   * A second Worker on `${taskQueue}-delivery` with vpay's delivery slots, as vpay always runs one
   * (bench/ceiling/workers.ts); `separate` sends deliverOrder to it, as SEPARATE_DELIVERY_QUEUE
   * does. Absent: the one Worker, as the bare workflow ran before it mirrored vpay's second one.
   */
  deliveryWorker?: DeliveryWorkerOptions;
  deliveryTimeoutMs: number;
}): Promise<Ceiling> {
  const delivered = new Map<string, number>();
  const waiters = new Map<string, (at: number) => void>();
  const made = new Set<string>();
  const workflowIds: string[] = [];
  const onDelivered = (orderId: string) => {
    delivered.set(orderId, (delivered.get(orderId) ?? 0) + 1);
    waiters.get(orderId)?.(performance.now());
    waiters.delete(orderId);
  };

  const nativeConnection = await NativeConnection.connect({ address: o.address });
  let workers: CeilingWorkers;
  try {
    workers = await startCeilingWorkers({
      connection: nativeConnection,
      namespace: o.namespace,
      taskQueue: o.taskQueue,
      workflowBundleCode: o.workflowBundleCode,
      activities: createCeilingActivities(onDelivered),
      delivery: o.deliveryWorker,
    });
  } catch (err) {
    await nativeConnection.close().catch(() => undefined);
    throw err;
  }
  const { deliveryTaskQueue } = workers;
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: o.address });
  } catch (err) {
    await workers.stop().catch(() => undefined);
    await nativeConnection.close().catch(() => undefined);
    throw err;
  }
  const client = new Client({ connection, namespace: o.namespace });
  const appId = `appceiling${randomBytes(6).toString('hex')}`;
  let seq = 0;

  /** `intendedAt`: the open loop's slot, from which the request's latency counts (else its send). */
  const onePurchase = async (tag: string, worker: number, intendedAt?: number): Promise<PurchaseSample> => {
    const orderId = `ord${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;
    const outTradeNo = `${tag}-${(++seq).toString(36)}-${randomBytes(3).toString('hex')}`;
    const signData = JSON.stringify({
      mode: 'goods',
      buyQuantity: 1,
      env: 0,
      currencyType: 'USD',
      platform: 'android',
      productId: 'gem_pack_100',
      goodsPrice: 199,
      outTradeNo,
      attach: `bench:${tag}`,
    });
    // The same fields and sizes as the draft vpay's API starts a purchase with.
    const draft: OrderDraft = {
      orderId,
      appId,
      openId: `player${worker % 16}`,
      outTradeNo,
      productId: 'gem_pack_100',
      buyQuantity: 1,
      goodsPrice: 199,
      totalAmount: 199,
      currencyType: 'USD',
      platform: 'android',
      env: 0,
      attach: `bench:${tag}`,
      signData,
      paySig: randomBytes(32).toString('hex'),
      signature: randomBytes(32).toString('hex'),
      createdAt: new Date().toISOString(),
    };
    const workflowId = `ceiling:${appId}:${outTradeNo}`;
    const t0 = intendedAt ?? performance.now();
    await client.workflow.executeUpdateWithStart(requestPaymentUpdate, {
      args: [{ signData, openId: draft.openId }],
      startWorkflowOperation: new WithStartWorkflowOperation<typeof barePurchase>('barePurchase', {
        workflowId,
        taskQueue: o.taskQueue,
        // paidLocal, noPatches and deliveryTaskQueue only when on, so other bare purchases carry the input they always did.
        args: [
          {
            order: draft,
            timings: o.timings,
            localSteps: o.localSteps,
            ...(o.paidLocal ? { paidLocal: true } : {}),
            ...(o.noPatches ? { noPatches: true } : {}),
            ...(deliveryTaskQueue ? { deliveryTaskQueue } : {}),
          },
        ],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SA_APP_ID, value: appId },
          { key: SA_OUT_TRADE_NO, value: outTradeNo },
          { key: SA_ORDER_STATUS, value: 'CREATED' },
        ],
      }),
    });
    const t1 = performance.now();
    made.add(orderId);
    workflowIds.push(workflowId);
    const done = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(orderId);
        reject(new Error(`ceiling purchase ${orderId} not delivered within ${o.deliveryTimeoutMs} ms`));
      }, o.deliveryTimeoutMs);
      waiters.set(orderId, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
    done.catch(() => undefined);
    const t2 = performance.now();
    await client.workflow.getHandle(workflowId).executeUpdate(recordPaymentUpdate, {
      args: [{ transactionId: `txn_${orderId}`, paidAmount: 199, currencyType: 'USD', paidAt: new Date().toISOString() }],
    });
    const t3 = performance.now();
    const at = await done;
    return { reqMs: t1 - t0, cbMs: t3 - t2, c2dMs: at - t3, s2dMs: at - t2, wholeMs: at - t0, startAt: t0, doneAt: performance.now() };
  };

  return {
    async run({ concurrency, durationMs, tag, raw }) {
      const r = await closedLoop({ concurrency, durationMs, iterate: (w) => onePurchase(tag, w) });
      return purchaseStats(r, raw ?? false);
    },
    async runOpen({ ratePerSec, durationMs, maxInFlight, tag, raw }) {
      const r = await openLoop({ ratePerSec, durationMs, maxInFlight, iterate: (seq, intendedAt) => onePurchase(tag, seq, intendedAt) });
      return purchaseStats(r, raw ?? false);
    },
    workflowIds: () => workflowIds,
    report() {
      let deliveredOnce = 0;
      let deliveredMoreThanOnce = 0;
      let neverDelivered = 0;
      for (const id of made) {
        const n = delivered.get(id) ?? 0;
        if (n === 1) deliveredOnce++;
        else if (n > 1) deliveredMoreThanOnce++;
        else neverDelivered++;
      }
      return {
        made: made.size,
        deliveredOnce,
        deliveredMoreThanOnce,
        neverDelivered,
        deliveryQueue: o.deliveryWorker ? (o.deliveryWorker.separate ? ('separate' as const) : ('shared' as const)) : ('none' as const),
        onDeliveryQueue: workers.onDeliveryQueue(),
        onMainQueue: workers.onMainQueue(),
      };
    },
    async stop() {
      await connection.close().catch(() => undefined);
      try {
        await workers.stop(); // a Worker that failed mid-run says so here
      } finally {
        await nativeConnection.close().catch(() => undefined);
      }
    },
  };
}
