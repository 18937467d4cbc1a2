// The sizes of each scenario: the full benchmark, and --smoke (a few seconds each; asserts
// correctness only, never speed).

export interface Profile {
  /** Unrecorded load before measuring (JIT, pools, caches). */
  warmupMs: number;
  /** Delivery of one purchase must arrive within this, or it counts as lost. */
  deliveryTimeoutMs: number;
  /**
   * `pairedRounds`: after the ceiling sweep, rounds of one vpay step, one bare step and one step of
   * Temporal's floor back to back (order rotating through all six; 6 rounds run each order once),
   * whose median ratios are the targets' figures.
   */
  throughput: { concurrencies: number[]; stepMs: number; pairedRounds: number };
  tuning: { stepMs: number; warmupMs: number; defaultConcurrency: number; full: boolean };
  scale: { rows: number; concurrency: number; queryConcurrency: number; stepMs: number; fetchRows: number };
  backlog: {
    orders: number;
    createConcurrency: number;
    createTimeLimitMs: number;
    holdMs: number;
    drainTimeoutMs: number;
    rssEveryMs: number;
  };
  soak: { durationMs: number; rssEveryMs: number; windowMs: number; calibrateConcurrency: number; calibrateMs: number };
  /**
   * The latency levers each alone (three vpay instances) and Temporal's floor: rounds of an open
   * loop at a light rate on each of the four; `histories` sampled per instance.
   */
  steps: { rounds: number; stepMs: number; ratePerSec: number; histories: number };
  /**
   * The bare workflow with the callback's PAID row as an activity task against a local activity,
   * and Temporal's floor: rounds of an open loop at a light rate each; `histories` sampled per side.
   */
  paidLocal: { rounds: number; stepMs: number; ratePerSec: number; histories: number };
  /** Open-loop steps at these percents of capacity (the throughput sweep's, or calibrated here). */
  offeredLoad: { percents: number[]; stepMs: number; calibrateConcurrency: number; calibrateMs: number };
  /** Orders left unpaid in steps of `multiples` × `cacheSize` (WORKER_MAX_CACHED_WORKFLOWS), memory sampled `settleMs` after each. */
  pending: {
    cacheSize: number;
    multiples: number[];
    paymentTimeoutMs: number;
    createConcurrency: number;
    stepTimeLimitMs: number;
    settleMs: number;
    drainTimeoutMs: number;
  };
  /** An open loop at `percent` of capacity; the worker process SIGKILLed at `workerKillAtMs`, the Temporal server at `temporalKillAtMs`. */
  crash: {
    percent: number;
    durationMs: number;
    workerKillAtMs: number;
    temporalKillAtMs: number;
    max503Retries: number;
    bucketMs: number;
    calibrateConcurrency: number;
    calibrateMs: number;
  };
  /**
   * One app's endpoint slow (answering past the 10 s delivery timeout) for `slowOrders` paid
   * purchases, beside an open loop of another app at `percent` % of capacity; steps of `stepMs`.
   */
  slowDeveloper: {
    slowOrders: number;
    percent: number;
    stepMs: number;
    calibrateConcurrency: number;
    calibrateMs: number;
    /** 1d' (bench/scenarios/slow-share.ts): rounds of four slow steps, two with the endpoint's share and two without. */
    shareRounds: number;
  };
  /** Rounds of a closed loop on vpay and the bare workflow, each with and without the separate delivery queue; the order balanced (rounds a multiple of 4). */
  deliveryQueue: { rounds: number; stepMs: number };
  /** Rounds of a closed loop on vpay with both latency levers (npm start), neither, and the request's alone; the order balanced. */
  levers: { rounds: number; stepMs: number };
  /** Rounds of a closed loop on vpay with the purchaseV2 workflow type (npm start) and the patched purchase type, the first side alternating. */
  workflowType: { rounds: number; stepMs: number };
  /** Rounds of a closed loop on vpay (separate and shared delivery queue) and the bare workflow, each on the default and on one task-queue partition. */
  partitions: { rounds: number; stepMs: number };
  /** Rounds of a closed loop on vpay and the bare workflow, each on a dev server with eager activity dispatch (the default) and without; the order balanced. */
  eager: { rounds: number; stepMs: number };
  /** Rounds of a closed loop on vpay over TCP and over a Unix socket to PostgreSQL; the first alternating. */
  pgsocket: { rounds: number; stepMs: number };
  /**
   * vpay on the multi-service Temporal cluster and on the dev server, in `rounds` alternating
   * rounds: a closed loop at the sweep's best concurrency (else `concurrency`) for `capacityMs`,
   * then an open loop at `ratePerSec` for `lightMs`; memory sampled every `memoryEveryMs`.
   */
  cluster: { rounds: number; capacityMs: number; lightMs: number; ratePerSec: number; concurrency: number; memoryEveryMs: number };
}

export const FULL: Profile = {
  warmupMs: 5_000,
  deliveryTimeoutMs: 120_000,
  throughput: { concurrencies: [8, 16, 32, 64], stepMs: 20_000, pairedRounds: 6 },
  tuning: { stepMs: 15_000, warmupMs: 3_000, defaultConcurrency: 32, full: true },
  scale: { rows: 1_000_000, concurrency: 4, queryConcurrency: 8, stepMs: 20_000, fetchRows: 5_000 },
  backlog: {
    orders: 3_000,
    createConcurrency: 32,
    createTimeLimitMs: 10 * 60_000,
    holdMs: 5_000,
    drainTimeoutMs: 20 * 60_000,
    rssEveryMs: 1_000,
  },
  soak: { durationMs: 6 * 60_000, rssEveryMs: 10_000, windowMs: 60_000, calibrateConcurrency: 32, calibrateMs: 15_000 },
  // 8 rounds run each of the four sides' 4 balanced orders twice (bench/balanced-orders.ts); 15 s
  // steps give each side 480 purchases, as the 6 rounds of 20 s of three sides did.
  steps: { rounds: 8, stepMs: 15_000, ratePerSec: 4, histories: 60 },
  // 6 rounds run each order of the three sides once (bench/balanced-orders.ts); 14 s
  // steps keep it to about 4 min of load, ~330 purchases per side.
  paidLocal: { rounds: 6, stepMs: 14_000, ratePerSec: 4, histories: 30 },
  offeredLoad: { percents: [25, 50, 75, 100, 150], stepMs: 30_000, calibrateConcurrency: 32, calibrateMs: 15_000 },
  pending: {
    cacheSize: 500,
    multiples: [0, 1, 2, 4, 8],
    paymentTimeoutMs: 3_600_000,
    createConcurrency: 16,
    stepTimeLimitMs: 60_000,
    settleMs: 5_000,
    drainTimeoutMs: 180_000,
  },
  crash: {
    percent: 50,
    durationMs: 150_000,
    workerKillAtMs: 30_000,
    temporalKillAtMs: 90_000,
    max503Retries: 120,
    bucketMs: 10_000,
    calibrateConcurrency: 32,
    calibrateMs: 15_000,
  },
  // 250 slow purchases: more than the 100 delivery slots, so they stay full through both slow steps.
  slowDeveloper: { slowOrders: 250, percent: 50, stepMs: 20_000, calibrateConcurrency: 32, calibrateMs: 15_000, shareRounds: 2 },
  deliveryQueue: { rounds: 8, stepMs: 20_000 },
  // 6 rounds run each order of the three sides once (bench/balanced-orders.ts): 6 min of load.
  levers: { rounds: 6, stepMs: 20_000 },
  workflowType: { rounds: 6, stepMs: 20_000 },
  // 6 rounds run each of the six orders of the six sides once (bench/balanced-orders.ts): 12 min of load.
  partitions: { rounds: 6, stepMs: 20_000 },
  eager: { rounds: 8, stepMs: 20_000 },
  pgsocket: { rounds: 8, stepMs: 20_000 },
  // 4 rounds run each order twice; ~320 light-load purchases a side for the p99.
  cluster: { rounds: 4, capacityMs: 20_000, lightMs: 20_000, ratePerSec: 4, concurrency: 16, memoryEveryMs: 1_000 },
};

export const SMOKE: Profile = {
  warmupMs: 1_000,
  deliveryTimeoutMs: 60_000,
  throughput: { concurrencies: [4], stepMs: 3_000, pairedRounds: 2 },
  tuning: { stepMs: 3_000, warmupMs: 500, defaultConcurrency: 4, full: false },
  scale: { rows: 1_000, concurrency: 4, queryConcurrency: 4, stepMs: 2_000, fetchRows: 200 },
  backlog: { orders: 20, createConcurrency: 4, createTimeLimitMs: 60_000, holdMs: 1_000, drainTimeoutMs: 60_000, rssEveryMs: 500 },
  soak: { durationMs: 20_000, rssEveryMs: 2_000, windowMs: 5_000, calibrateConcurrency: 4, calibrateMs: 3_000 },
  steps: { rounds: 2, stepMs: 3_000, ratePerSec: 2, histories: 4 },
  paidLocal: { rounds: 2, stepMs: 2_000, ratePerSec: 2, histories: 3 },
  offeredLoad: { percents: [25, 100, 150], stepMs: 3_000, calibrateConcurrency: 4, calibrateMs: 3_000 },
  pending: {
    cacheSize: 10,
    multiples: [0, 1, 2, 4],
    paymentTimeoutMs: 600_000,
    createConcurrency: 4,
    stepTimeLimitMs: 30_000,
    settleMs: 500,
    drainTimeoutMs: 60_000,
  },
  crash: {
    percent: 50,
    durationMs: 30_000,
    workerKillAtMs: 8_000,
    temporalKillAtMs: 18_000,
    max503Retries: 60,
    bucketMs: 2_000,
    calibrateConcurrency: 4,
    calibrateMs: 3_000,
  },
  slowDeveloper: { slowOrders: 6, percent: 50, stepMs: 3_000, calibrateConcurrency: 4, calibrateMs: 3_000, shareRounds: 1 },
  deliveryQueue: { rounds: 2, stepMs: 3_000 },
  levers: { rounds: 2, stepMs: 2_000 },
  workflowType: { rounds: 2, stepMs: 2_000 },
  partitions: { rounds: 1, stepMs: 2_000 },
  eager: { rounds: 1, stepMs: 2_000 },
  pgsocket: { rounds: 2, stepMs: 2_000 },
  cluster: { rounds: 2, capacityMs: 2_000, lightMs: 2_000, ratePerSec: 2, concurrency: 4, memoryEveryMs: 500 },
};
