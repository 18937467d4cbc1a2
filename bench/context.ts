// What every scenario gets (the stack, the sizes, a log) and what it hands back (tables for the
// report, correctness checks, targets, and its raw data for bench/results/).
import type { Cleanup } from './cleanup';
import type { Profile } from './profile';
import type { Stack } from './stack';

export interface Table {
  title?: string;
  columns: string[];
  rows: string[][];
}

/** Correctness: a failed check fails the run (exit code 1), in --smoke and in the full run. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Speed or resource goals from the issue: reported, never failing the run. */
export interface Target {
  name: string;
  goal: string;
  value: string;
  met: boolean;
}

export interface ScenarioResult {
  name: string;
  title: string;
  /** What was run, in a sentence or two, for the report. */
  setup: string;
  tables: Table[];
  checks: Check[];
  targets: Target[];
  /** Facts for "What the numbers show". */
  findings: string[];
  raw: Record<string, unknown>;
  durationSec?: number;
  error?: string;
}

/** Figures one scenario leaves for the next ones of the same run. */
export interface Shared {
  /** Concurrency at which vpay completed the most purchases per second. */
  bestConcurrency?: number;
  /** Those purchases per second (saturation). */
  saturationRate?: number;
  /** vpay purchases/s per concurrency, for the ceiling's ratio. */
  vpayRates?: Record<number, number>;
  /** CPU ms per purchase by process at vpay's best step. */
  vpayCpuMsPerPurchase?: Record<string, number>;
  /** Cores each process uses with nothing running (measured before the throughput sweep). */
  idleCores?: Record<string, number>;
  /** Bare-workflow purchases/s per concurrency on the stack's Temporal server (scenario 2). */
  ceilingRates?: Record<number, number>;
}

export interface BenchContext {
  smoke: boolean;
  profile: Profile;
  stack: Stack;
  cleanup: Cleanup;
  shared: Shared;
  log(line: string): void;
}

export type Scenario = (ctx: BenchContext) => Promise<ScenarioResult>;

export function newResult(name: string, title: string, setup: string): ScenarioResult {
  return { name, title, setup, tables: [], checks: [], targets: [], findings: [], raw: {} };
}

/**
 * The concurrency the side-by-side scenarios run at: the throughput sweep's best when it ran,
 * else the profile's first (scenarios name it in their description before their rounds run).
 */
export function saturationConcurrency(ctx: BenchContext): number {
  return ctx.shared.bestConcurrency ?? ctx.profile.throughput.concurrencies[0];
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
