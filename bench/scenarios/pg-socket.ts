// 2e (extra). PostgreSQL over a Unix socket against TCP on the loopback: two vpay instances on the
// stack's servers, identical but for how they reach PostgreSQL, side by side at saturation. A
// purchase makes 9 statements (test/integration/purchase-statements.test.ts), each a round trip
// whose bytes cross the kernel's TCP stack twice over TCP and a plain socket buffer over the Unix
// socket. The order of the sides alternates over the rounds.
import { saturationConcurrency, newResult, type BenchContext, type ScenarioResult } from '../context';
import { fmt } from '../stats';
import {
  cpuPerPurchaseTable,
  saturationRaw,
  saturationRounds,
  saturationTable,
  type RoundRatio,
  type SaturationSide,
} from './saturation-rounds';

const SIDES: SaturationSide[] = [
  { name: 'pg-tcp', label: 'vpay, PostgreSQL over TCP (npm start)', env: {} },
  { name: 'pg-socket', label: 'vpay, PostgreSQL over a Unix socket', env: {}, pgSocket: true },
];

const RATIOS: RoundRatio[] = [{ label: 'Unix socket / TCP', num: 1, den: 0 }];

export async function pgSocket(ctx: BenchContext): Promise<ScenarioResult> {
  const { rounds, stepMs } = ctx.profile.pgsocket;
  const concurrency = saturationConcurrency(ctx);
  const res = newResult(
    'pgsocket',
    '2e. PostgreSQL over a Unix socket against TCP on the loopback, side by side at saturation',
    'Not one of the six scenarios asked for. Two vpay instances on the stack, as `npm start` runs it, but for how they reach PostgreSQL: ' +
      "one over TCP on 127.0.0.1 (`npm start`), one over the Unix socket the benchmark's PostgreSQL also listens on (DATABASE_URL with " +
      '`?host=<socket directory>`). Each instance checks that its connections are over what it asks for. ' +
      `In each of ${rounds} rounds a closed loop of ${concurrency} concurrent whole purchases for ${stepMs / 1000} s on each side, back to back, ` +
      "the first side alternating; judged on the median of the rounds' ratios.",
  );
  const p = await saturationRounds(ctx, res, { what: 'pgsocket', sides: SIDES, rounds, stepMs });
  const { table, medians } = saturationTable(p, SIDES, RATIOS, { order: 'first' });
  res.tables.push(table, cpuPerPurchaseTable(p, SIDES));
  res.findings.push(
    `At ${p.concurrency} concurrent, vpay over the Unix socket ran ${fmt(medians[0], 2)}× its rate over TCP (the median of ${rounds} rounds' ratios).`,
  );
  res.raw = saturationRaw(p, SIDES, RATIOS, medians);
  return res;
}
