// 2d (extra). Eager activity dispatch: vpay and the bare workflow on two fresh dev servers, one as
// `npm start` runs it (the server's default, which in the pinned CLI's server is eager dispatch on)
// and one with `system.enableActivityEagerExecution=false`, side by side at saturation. With it, an
// activity a workflow task schedules on its own task queue comes back to the worker in the answer
// to that task, with no trip through matching (no task written, none polled). In vpay as `npm
// start` runs it the request's steps and the PAID row are local activities and the deliveries run
// on a queue of their own, so the confirmation is the one activity of a purchase that can go
// eagerly; so in the bare workflow, which mirrors that shape (in raw data whose bare sides name no
// deliveryQueue, the first runs, its deliveries were on its one queue and went eagerly too). Each server's
// own count of eager dispatches (its Prometheus metrics) shows what it did. The order of the sides
// is balanced over the rounds.
import { saturationConcurrency, newResult, type BenchContext, type ScenarioResult } from '../context';
import { fmt } from '../stats';
import { eagerDispatches } from '../prometheus';
import { ACTIVITY_EAGER_EXECUTION_KEY } from '../../tools/dev/temporal-dev-server';
import { freshServers, type FreshServer } from './fresh-servers';
import {
  cpuPerPurchaseTable,
  saturationRaw,
  saturationRounds,
  saturationTable,
  type RoundRatio,
  type SaturationSide,
} from './saturation-rounds';

type Server = FreshServer;

/** The sides on the two servers; indexes as RATIOS uses them. */
function sides(npmStart: Server, off: Server): SaturationSide[] {
  return [
    { name: 'eager-default', label: 'vpay, eager dispatch (npm start)', env: {}, temporal: npmStart },
    { name: 'eager-off', label: 'vpay, no eager dispatch', env: {}, temporal: off },
    { name: 'eager-bare-default', label: 'bare workflow, eager dispatch', env: {}, bare: true, temporal: npmStart },
    { name: 'eager-bare-off', label: 'bare workflow, no eager dispatch', env: {}, bare: true, temporal: off },
  ];
}

const RATIOS: RoundRatio[] = [
  { label: 'vpay: eager / off', num: 0, den: 1 },
  { label: 'bare: eager / off', num: 2, den: 3 },
  { label: 'vpay / bare, eager', num: 0, den: 2 },
  { label: 'vpay / bare, off', num: 1, den: 3 },
];

export async function eager(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs } = ctx.profile.eager;
  const concurrency = saturationConcurrency(ctx);
  const res = newResult(
    'eager',
    "2d. Eager activity dispatch: the server's default, on (npm start), against off, side by side at saturation",
    'Not one of the six scenarios asked for. Two fresh dev servers started by tools/dev/temporal-dev-server.ts: one as `npm start` starts its own ' +
      `(the server's default for eager activity dispatch, which is on) and one with \`--dynamic-config-value ${ACTIVITY_EAGER_EXECUTION_KEY}=false\`. ` +
      'Four sides: vpay on each server as `npm start` runs it, and the bare purchase-shaped workflow (scenario 2) on each. The confirmation can go ' +
      'eagerly, the deliveries cannot (they run on a queue of their own, in vpay and in the bare workflow alike; the bare workflow mirrors ' +
      "vpay's second queue since 15d0740, and in scenario 2 of earlier runs ran its deliveries on its one queue). " +
      `In each of ${rounds} rounds a closed loop of ${concurrency} concurrent whole purchases for ${stepMs / 1000} s on each side, back to back, ` +
      "the order balanced over the rounds (bench/balanced-orders.ts); judged on the medians of the rounds' ratios. The Temporal server's CPU is " +
      "each side's own server's; the other server, idle meanwhile, counts among the other processes. Everything else as `npm start` runs it.",
  );
  const servers = freshServers(ctx);
  try {
    const npmStart = await servers.start('eager-default');
    const off = await servers.start('eager-off', { activityEagerExecution: false });
    const s = sides(npmStart, off);
    const p = await saturationRounds(ctx, res, { what: 'eager', sides: s, rounds, stepMs });
    const dispatched = { default: await eagerDispatches(npmStart.metricsUrl), off: await eagerDispatches(off.metricsUrl) };
    res.checks.push({
      name: "eager: npm start's server dispatched activities eagerly, the one with it off none",
      ok: dispatched.default > 0 && dispatched.off === 0,
      detail: `activity_eager_execution: ${dispatched.default} on npm start's, ${dispatched.off} on the other`,
    });
    const { table, medians } = saturationTable(p, s, RATIOS, { order: 'order' });
    res.tables.push(table, cpuPerPurchaseTable(p, s));
    const [vpayGain, bareGain, ratioOn, ratioOff] = medians;
    res.findings.push(
      `At ${p.concurrency} concurrent (medians of ${rounds} rounds' ratios), eager dispatch (npm start) ran vpay at ${fmt(vpayGain, 2)}× and the bare workflow at ` +
        `${fmt(bareGain, 2)}× their rates without it; vpay / bare was ${fmt(ratioOn, 2)} with it and ${fmt(ratioOff, 2)} without. ` +
        `npm start's server dispatched ${dispatched.default} activities eagerly, the other ${dispatched.off}.`,
    );
    // Which server each side ran on: its eager setting is the server's (omitted: the server's default, on).
    const serverOf = Object.fromEntries(s.map((side) => [side.name, side.temporal === off ? false : 'default']));
    res.raw = { eagerDispatches: dispatched, activityEagerExecution: serverOf, ...saturationRaw(p, s, RATIOS, medians) };
  } finally {
    await servers.stopAll();
  }
  return res;
}
