// The load agent: a child process of bench/run.ts (forked with IPC) that runs the fake superapp,
// the fake developer and the load generator, and answers the commands of agent-protocol.ts.
// It exits when the benchmark process goes away (IPC disconnect), whatever the reason.
import { performance } from 'node:perf_hooks';
import { startFakeSuperapp, type FakeSuperapp } from '../tools/fakes/fake-superapp';
import { FakeDeveloper } from '../tools/fakes/fake-developer';
import { closedLoop, openLoop } from './loops';
import { purchaseStats } from './purchase-stats';
import { payOrder, purchase, queryOrder, requestAndPay, requestPayment, retried, setupApp, type BenchApp, type Retries } from './purchaser';
import { runBatch } from './batch';
import { destroyHttpClient } from './http-client';
import { sampleDistinct, summarize, perSecond } from './stats';
import type { AgentApi, AgentRequest, AgentResponse } from './agent-protocol';

let secret = '';
let superapp: FakeSuperapp | undefined;
// Lean fakes: counters per order, no bodies kept.
const developer = new FakeDeveloper({ record: false });
const apps = new Map<string, BenchApp>();
let developerUpAt = 0;
/** Per instance: orders createPending left unpaid, for payPending. */
const unpaidOrders = new Map<string, string[]>();

function unpaidOf(instance: string): string[] {
  let list = unpaidOrders.get(instance);
  if (!list) unpaidOrders.set(instance, (list = []));
  return list;
}

function appOf(instance: string): BenchApp {
  const app = apps.get(instance);
  if (!app) throw new Error(`no app set up for instance ${instance}`);
  return app;
}

/** The 503 retries counted since `before` (a copy of `retried`). */
const retriesSince = (before: Retries): Retries => ({
  payment: retried.payment - before.payment,
  callback: retried.callback - before.callback,
  shed: retried.shed - before.shed,
  shedAnswers: retried.shedAnswers - before.shedAnswers,
});

/** The 503 retries made while `fn` ran. */
async function countingRetries<T>(fn: () => Promise<T>): Promise<[T, Retries]> {
  const before = { ...retried };
  const r = await fn();
  return [r, retriesSince(before)];
}

const handlers: AgentApi = {
  async init({ secret: s }) {
    secret = s;
    superapp = await startFakeSuperapp(secret, { record: false });
    await developer.start();
    return { superappUrl: superapp.url, developerUrl: developer.url };
  },

  async setupApp({ instance, vpayUrl, adminToken, users, ownOrigin }) {
    if (ownOrigin) await developer.serveOnOwnOrigin(instance);
    const app = await setupApp({ instance, vpayUrl, adminToken, developer, users });
    apps.set(instance, app);
    return { appId: app.appId, deliveryUrl: developer.deliveryUrlFor(instance) };
  },

  async setVpayUrl({ instance, vpayUrl }) {
    appOf(instance).vpayUrl = vpayUrl;
  },

  async closedLoop({ instance, concurrency, durationMs, tag, deliveryTimeoutMs, raw }) {
    const app = appOf(instance);
    const [r, retries] = await countingRetries(() =>
      closedLoop({ concurrency, durationMs, iterate: (worker) => purchase(app, secret, developer, tag, worker, deliveryTimeoutMs) }),
    );
    return purchaseStats(r, raw ?? false, retries);
  },

  async openLoop({ instance, ratePerSec, durationMs, maxInFlight, tag, deliveryTimeoutMs, raw, max503Retries }) {
    const app = appOf(instance);
    // The scenario's retry budget goes with these purchases only (a parameter, not a setting
    // shared with whatever else the agent runs meanwhile).
    const [r, retries] = await countingRetries(() =>
      openLoop({
        ratePerSec,
        durationMs,
        maxInFlight,
        iterate: (seq, intendedAt) => purchase(app, secret, developer, tag, seq, deliveryTimeoutMs, intendedAt, max503Retries),
      }),
    );
    return purchaseStats(r, raw ?? false, retries);
  },

  async createPaid({ instance, n, concurrency, tag, timeLimitMs }) {
    const app = appOf(instance);
    return runBatch({ n, concurrency, tag, timeLimitMs, call: (_, worker) => requestAndPay(app, secret, tag, worker) });
  },

  async createPending({ instance, n, concurrency, tag, timeLimitMs }) {
    const app = appOf(instance);
    const unpaid = unpaidOf(instance);
    return runBatch({
      n,
      concurrency,
      tag,
      timeLimitMs,
      call: async (_, worker) => {
        const r = await requestPayment(app, tag, worker);
        unpaid.push(r.orderId);
        return r;
      },
    });
  },

  async payPending({ instance, concurrency }) {
    const app = appOf(instance);
    const orders = unpaidOf(instance).splice(0);
    return runBatch({
      n: orders.length,
      concurrency,
      tag: `${instance} payments`,
      timeLimitMs: Number.POSITIVE_INFINITY,
      call: (i) => payOrder(app, secret, orders[i]),
    });
  },

  async retried503() {
    return { ...retried };
  },

  async developerMode({ mode }) {
    developer.mode = mode;
    if (mode === 'ok') developerUpAt = performance.now();
  },

  async developerAppMode({ instance, mode }) {
    if (mode === 'ok') developer.appModes.delete(instance);
    else developer.appModes.set(instance, mode);
  },

  async slowInFlight() {
    return developer.slowInFlight;
  },

  async slowEnded() {
    return developer.slowEnded;
  },

  async waitDelivered({ instance, timeoutMs }) {
    const app = appOf(instance);
    const deadline = performance.now() + timeoutMs;
    const pending = () => [...app.orders].filter((id) => developer.records.get(id)?.firstOkAt === undefined).length;
    while (pending() > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const firsts = [...app.orders].map((id) => developer.records.get(id)?.firstOkAt).filter((t): t is number => t !== undefined);
    const left = app.orders.size - firsts.length;
    return {
      orders: app.orders.size,
      delivered: firsts.length,
      drainMs: left === 0 && firsts.length > 0 ? Math.max(...firsts) - developerUpAt : Number.NaN,
      perSecond: perSecond(firsts, developerUpAt),
    };
  },

  async queryLoop({ instance, concurrency, durationMs, outTradeNos }) {
    const app = appOf(instance);
    const pool = outTradeNos && outTradeNos.length > 0 ? outTradeNos : app.tradeNos;
    if (pool.length === 0) throw new Error('no orders to query');
    const r = await closedLoop({
      concurrency,
      durationMs,
      iterate: () => queryOrder(app, pool[Math.floor(Math.random() * pool.length)]),
    });
    return {
      ratePerSec: r.ratePerSec,
      completed: r.samples.length,
      errorCount: r.errorCount,
      errors: r.errors,
      latency: summarize(r.samples.map((s) => s.ms)),
    };
  },

  async tradeNos({ instance, max }) {
    return sampleDistinct(appOf(instance).tradeNos, max);
  },

  async report({ instance }) {
    const app = appOf(instance);
    let confirmed = 0;
    let confirmedMoreThanOnce = 0;
    for (const id of app.orders) {
      const n = superapp?.confirmationsPerOrder.get(id) ?? 0;
      if (n >= 1) confirmed++;
      if (n > 1) confirmedMoreThanOnce++;
    }
    return {
      made: app.orders.size,
      developer: developer.report(app.orders),
      confirmed,
      confirmedMoreThanOnce,
      prepays: superapp?.counts.prepays ?? 0,
      superappBadSignatures: superapp?.counts.badSignatures ?? 0,
    };
  },
};

async function shutdown(code: number): Promise<never> {
  destroyHttpClient();
  await Promise.allSettled([superapp?.close(), developer.close()]);
  process.exit(code);
}

process.on('message', (msg: AgentRequest | { cmd: 'exit' }) => {
  if (msg.cmd === 'exit') {
    void shutdown(0);
    return;
  }
  const { id, cmd, args } = msg as AgentRequest;
  const handler = handlers[cmd] as (a: unknown) => Promise<unknown>;
  Promise.resolve()
    .then(() => handler(args))
    .then(
      (result) => process.send?.({ id, ok: true, result } satisfies AgentResponse),
      (err: unknown) =>
        process.send?.({ id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies AgentResponse),
    );
});

// The benchmark process is gone (finished, crashed or killed): stop too.
process.on('disconnect', () => void shutdown(0));
process.on('SIGINT', () => undefined); // the parent decides when we stop
process.send?.({ id: 0, ok: true, result: 'ready' } satisfies AgentResponse);
