// Runs the floor (floorWorkflow in ./workflows.ts) in this process: its own worker on its own task
// queue, with vpay's worker settings, and an open loop of update-with-start calls measured from
// each call's intended send time (its slot in the loop), as the steps scenario measures vpay's
// payment request.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { closedLoop, openLoop, type LoopError } from '../loops';
import { summarize, type Summary } from '../stats';
import { floorAnswerUpdate, type floorWorkflow } from './workflows';

export interface Floor {
  run(o: {
    ratePerSec: number;
    durationMs: number;
    tag: string;
  }): Promise<{ ratePerSec: number; errorCount: number; skipped: number; answerMs: number[]; answer: Summary }>;
  /** A closed loop of `concurrency` callers: the floor's saturated rate (workflows answered per second). */
  saturate(o: {
    concurrency: number;
    durationMs: number;
    tag: string;
  }): Promise<{ ratePerSec: number; errorCount: number; errors: LoopError[]; answer: Summary }>;
  stop(): Promise<void>;
}

export async function startFloor(o: { address: string; taskQueue: string; workflowBundleCode: string }): Promise<Floor> {
  const nativeConnection = await NativeConnection.connect({ address: o.address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: o.taskQueue,
    workflowBundle: { code: o.workflowBundleCode },
    // The same as vpay's worker/create-worker.ts.
    maxConcurrentActivityTaskExecutions: 100,
    maxConcurrentWorkflowTaskExecutions: 100,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: o.address });
  const client = new Client({ connection });
  const run = randomBytes(4).toString('hex');

  /** One call; its answer time counts from `intendedAt`, its slot in the open loop. */
  const once = async (tag: string, seq: number, intendedAt: number) => {
    await client.workflow.executeUpdateWithStart(floorAnswerUpdate, {
      args: [{ signData: `{"outTradeNo":"${tag}-${seq}"}` }],
      startWorkflowOperation: new WithStartWorkflowOperation<typeof floorWorkflow>('floorWorkflow', {
        workflowId: `floor:${run}:${tag}:${seq}`,
        taskQueue: o.taskQueue,
        workflowIdConflictPolicy: 'USE_EXISTING',
      }),
    });
    const doneAt = performance.now();
    return { ms: doneAt - intendedAt, doneAt };
  };

  return {
    async run({ ratePerSec, durationMs, tag }) {
      const r = await openLoop({
        ratePerSec,
        durationMs,
        maxInFlight: 64,
        iterate: (seq, intendedAt) => once(tag, seq, intendedAt),
      });
      const answerMs = r.samples.map((s) => s.ms);
      return { ratePerSec: r.ratePerSec, errorCount: r.errorCount, skipped: r.skipped, answerMs, answer: summarize(answerMs) };
    },
    async saturate({ concurrency, durationMs, tag }) {
      const r = await closedLoop({
        concurrency,
        durationMs,
        iterate: (worker, seq) => once(`${tag}-${worker}`, seq, performance.now()),
      });
      return { ratePerSec: r.ratePerSec, errorCount: r.errorCount, errors: r.errors, answer: summarize(r.samples.map((s) => s.ms)) };
    },
    async stop() {
      await connection.close().catch(() => undefined);
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await nativeConnection.close().catch(() => undefined);
    },
  };
}
