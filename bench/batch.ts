// A batch of N independent calls, `concurrency` at a time, stopped at a time limit: how the load
// agent creates paid orders (backlog), unpaid ones and pays them later (pending). Counts the 503s
// retried meanwhile and keeps the payment request and callback latencies each call reports.
import { performance } from 'node:perf_hooks';
import { retried } from './purchaser';
import { summarize } from './stats';
import type { CreatePaidStats } from './agent-protocol';

export async function runBatch(o: {
  n: number;
  concurrency: number;
  tag: string;
  timeLimitMs: number;
  call: (i: number, worker: number) => Promise<{ reqMs?: number; cbMs?: number }>;
}): Promise<CreatePaidStats> {
  const before = { ...retried };
  const stopAt = performance.now() + o.timeLimitMs;
  let timedOut = false;
  let lastLog = performance.now();
  const req: number[] = [];
  const cb: number[] = [];
  const errors = new Map<string, number>();
  let errorCount = 0;
  let done = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(o.concurrency, o.n) }, async (_, worker) => {
      while (next < o.n) {
        if (performance.now() > stopAt) {
          timedOut = true;
          break;
        }
        const i = next++;
        if (performance.now() - lastLog > 30_000) {
          lastLog = performance.now();
          process.stdout.write(
            `[agent] ${o.tag}: ${done} of ${o.n} done, ${errorCount} failed, ${retried.payment - before.payment + retried.callback - before.callback} 503s retried, ${retried.shed - before.shed} shed\n`,
          );
        }
        try {
          const r = await o.call(i, worker);
          done++;
          if (r.reqMs !== undefined) req.push(r.reqMs);
          if (r.cbMs !== undefined) cb.push(r.cbMs);
        } catch (err) {
          errorCount++;
          const m = (err as Error).message.slice(0, 300);
          if (errors.size < 20 || errors.has(m)) errors.set(m, (errors.get(m) ?? 0) + 1);
        }
      }
    }),
  );
  return {
    created: done,
    timedOut,
    retried503: {
      payment: retried.payment - before.payment,
      callback: retried.callback - before.callback,
      shed: retried.shed - before.shed,
    },
    errorCount,
    errors: [...errors].map(([message, count]) => ({ message, count })),
    elapsedSec: (performance.now() - t0) / 1000,
    req: summarize(req),
    cb: summarize(cb),
  };
}
