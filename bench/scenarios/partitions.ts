// 2c (extra). The dev server's task-queue partitions: vpay and the bare workflow on two fresh dev
// servers, one as `npm start` runs it (the Temporal server's default of 4 partitions per task queue)
// and one with a single partition, side by side at saturation. The dev server is one matching
// host, where a task written to a partition with no poller waiting is forwarded to another, and
// vpay's separate delivery queue doubles the queues that do so: this measures what that costs, and
// how much of the separate queue's cost (scenario 1f) it is. Both servers are fresh, so neither
// carries the history of the scenarios before it. One round runs every side once, the order
// balanced over the rounds.
// (The first runs, on 48d2015, compared the stack's server, used by the scenarios before, against
// a fresh one with one partition; their raw data has no `fresh: true`.)
import { saturationConcurrency, newResult, type BenchContext, type ScenarioResult } from '../context';
import { fmt } from '../stats';
import { SERVER_DEFAULT_TASK_QUEUE_PARTITIONS, taskQueuePartitionFlags } from '../../tools/dev/temporal-dev-server';
import { freshServers, type FreshServer } from './fresh-servers';
import {
  cpuPerPurchaseTable,
  saturationRaw,
  saturationRounds,
  saturationTable,
  type RoundRatio,
  type SaturationSide,
} from './saturation-rounds';

/** The other server's partitions per task queue. */
const ONE = 1;

type Server = FreshServer;

/** The sides on the two servers; indexes as RATIOS uses them (the same as the first runs'). */
function sides(npmStart: Server, one: Server): SaturationSide[] {
  const shared = { SEPARATE_DELIVERY_QUEUE: 'false' };
  return [
    { name: 'part-default', label: 'vpay, default partitions (npm start)', env: {}, temporal: npmStart },
    { name: 'part-one', label: 'vpay, one partition', env: {}, temporal: one },
    { name: 'part-default-shared', label: 'vpay, default partitions, one shared queue', env: shared, temporal: npmStart },
    { name: 'part-one-shared', label: 'vpay, one partition, one shared queue', env: shared, temporal: one },
    { name: 'part-bare-default', label: 'bare workflow, default partitions', env: {}, bare: true, temporal: npmStart },
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
  const concurrency = saturationConcurrency(ctx);
  const res = newResult(
    'partitions',
    "2c. The dev server's task-queue partitions: the default (npm start) against one, side by side at saturation",
    'Not one of the six scenarios asked for. Two fresh dev servers started by tools/dev/temporal-dev-server.ts: one as `npm start` starts its own, every task ' +
      `queue in the Temporal server's default of ${SERVER_DEFAULT_TASK_QUEUE_PARTITIONS} partitions, and one with \`${taskQueuePartitionFlags(ONE).join(' ')}\`. ` +
      'Six sides: vpay on each server with its deliveries on their own queue (`npm start`) and with one shared ' +
      'queue (SEPARATE_DELIVERY_QUEUE=false), and the bare purchase-shaped workflow (scenario 2) on each. ' +
      `In each of ${rounds} rounds a closed loop of ${concurrency} concurrent whole purchases for ${stepMs / 1000} s on each side, back to back, ` +
      "the order balanced over the rounds (bench/balanced-orders.ts); judged on the medians of the rounds' ratios. The Temporal server's CPU is " +
      "each side's own server's; the other servers, idle meanwhile, count among the other processes. Everything else as `npm start` runs it.",
  );
  const servers = freshServers(ctx);
  try {
    const s = sides(await servers.start('partitions-default'), await servers.start('partitions-one', { taskQueuePartitions: ONE }));
    const p = await saturationRounds(ctx, res, { what: 'partitions', sides: s, rounds, stepMs });
    const { table, medians } = saturationTable(p, s, RATIOS, { order: 'order' });
    res.tables.push(table, cpuPerPurchaseTable(p, s));
    const [vpayGain, bareGain, ratioDefault, ratioOne, queueDefault, queueOne] = medians;
    res.findings.push(
      `At ${p.concurrency} concurrent (medians of ${rounds} rounds' ratios), one partition ran vpay at ${fmt(vpayGain, 2)}× and the bare workflow at ` +
        `${fmt(bareGain, 2)}× their rates on the default partitions; vpay / bare was ${fmt(ratioDefault, 2)} on the default and ${fmt(ratioOne, 2)} on one. ` +
        `Deliveries on their own queue against one shared queue: ${fmt(queueDefault, 2)}× on the default partitions, ${fmt(queueOne, 2)}× on one.`,
    );
    res.raw = { partitions: ONE, fresh: true, ...saturationRaw(p, s, RATIOS, medians) };
  } finally {
    await servers.stopAll();
  }
  return res;
}
