// 2c (extra). The dev server's task-queue partitions: vpay and the bare workflow on `npm start`'s
// dev server (the server's default of 4 partitions per task queue) and on a second, fresh dev
// server with one partition, side by side at saturation. On a one-process server a task written to
// a partition with no poller waiting is forwarded to another, and vpay's separate delivery queue
// doubles the queues that do so; this measures what that costs, and whether the separate queue's
// cost (scenario 1f) is mostly that. One round runs every side once, the order balanced.
import path from 'node:path';
import { newResult, type BenchContext, type ScenarioResult } from '../context';
import { fmt } from '../stats';
import { freePort } from '../../tools/dev/free-port';
import { startTemporalDevServer, taskQueuePartitionFlags } from '../../tools/dev/temporal-dev-server';
import {
  cpuPerPurchaseTable,
  saturationRaw,
  saturationRounds,
  saturationTable,
  type RoundRatio,
  type SaturationSide,
} from './saturation-rounds';

/** The second server's partitions per task queue. */
const PARTITIONS = 1;

/** The sides, the one-partition server's given (indexes as RATIOS uses them). */
function sides(one: { address: string; pid: number }): SaturationSide[] {
  const shared = { SEPARATE_DELIVERY_QUEUE: 'false' };
  return [
    { name: 'part-default', label: 'vpay, default partitions (npm start)', env: {} },
    { name: 'part-one', label: 'vpay, one partition', env: {}, temporal: one },
    { name: 'part-default-shared', label: 'vpay, default partitions, one shared queue', env: shared },
    { name: 'part-one-shared', label: 'vpay, one partition, one shared queue', env: shared, temporal: one },
    { name: 'part-bare-default', label: 'bare workflow, default partitions', env: {}, bare: true },
    { name: 'part-bare-one', label: 'bare workflow, one partition', env: {}, bare: true, temporal: one },
  ];
}

const RATIOS: RoundRatio[] = [
  { label: 'vpay: one / default', num: 1, den: 0 },
  { label: 'bare: one / default', num: 5, den: 4 },
  { label: 'vpay / bare, default', num: 0, den: 4 },
  { label: 'vpay / bare, one', num: 1, den: 5 },
  { label: 'separate / shared queue, default', num: 0, den: 2 },
  { label: 'separate / shared queue, one', num: 1, den: 3 },
];

export async function partitions(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs } = ctx.profile.partitions;
  const concurrency = ctx.shared.bestConcurrency ?? ctx.profile.throughput.concurrencies[0];
  const flags = taskQueuePartitionFlags(PARTITIONS).join(' ');
  const res = newResult(
    'partitions',
    "2c. The dev server's task-queue partitions: the default against one, side by side at saturation",
    "Not one of the six scenarios asked for. `npm start`'s dev server leaves every task queue at the server's default of 4 partitions; a second, fresh " +
      `dev server here runs with \`${flags}\`. Six sides: vpay on each server with its deliveries on their own queue (\`npm start\`) and with one shared ` +
      'queue (SEPARATE_DELIVERY_QUEUE=false), and the bare purchase-shaped workflow (scenario 2) on each. ' +
      `In each of ${rounds} rounds a closed loop of ${concurrency} concurrent whole purchases for ${stepMs / 1000} s on each side, back to back, ` +
      "the order balanced over the rounds (bench/balanced-orders.ts); judged on the medians of the rounds' ratios. The Temporal server's CPU is " +
      "each side's own server's. Everything else as `npm start` runs it.",
  );
  const one = await startTemporalDevServer({
    dbFile: path.join(ctx.stack.dir, 'temporal-one-partition', 'temporal.db'),
    grpcPort: await freePort(),
    taskQueuePartitions: PARTITIONS,
  });
  const stopOne = ctx.cleanup.add('stop the one-partition Temporal dev server', () => one.stop());
  try {
    const s = sides({ address: one.address, pid: one.pid });
    const p = await saturationRounds(ctx, res, { what: 'partitions', sides: s, rounds, stepMs });
    const { table, medians } = saturationTable(p, s, RATIOS, { order: 'order' });
    res.tables.push(table, cpuPerPurchaseTable(p, s));
    const [vpayGain, bareGain, ratioDefault, ratioOne, queueDefault, queueOne] = medians;
    res.findings.push(
      `At ${p.concurrency} concurrent (medians of ${rounds} rounds' ratios), one partition ran vpay at ${fmt(vpayGain, 2)}× and the bare workflow at ` +
        `${fmt(bareGain, 2)}× their rates on the default partitions; vpay / bare was ${fmt(ratioDefault, 2)} on the default and ${fmt(ratioOne, 2)} on one. ` +
        `Deliveries on their own queue against one shared queue: ${fmt(queueDefault, 2)}× on the default partitions, ${fmt(queueOne, 2)}× on one.`,
    );
    res.raw = { partitions: PARTITIONS, ...saturationRaw(p, s, RATIOS, medians) };
  } finally {
    await stopOne();
  }
  return res;
}
