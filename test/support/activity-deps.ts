// What activity tests run on: ActivityDeps with real config, logger and metrics (cheap), HTTP
// answered by a script and no database unless the test brings one; a MockActivityEnvironment
// to run an activity in; the failure it threw.
import { expect } from '@jest/globals';
import type { Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Db } from '../../lib/db/db';
import { loadConfig, type Config } from '../../lib/platform/config';
import { createLogger } from '../../lib/platform/logger';
import { createMetrics, type Metrics } from '../../lib/platform/metrics';
import type { SafePostOptions, SafePostResult } from '../../lib/outbound/safe-post';
import type { ActivityDeps } from '../../activities/deps';

export const SUPERAPP_URL = 'http://superapp.test';
export const SUPERAPP_SECRET = 'superapp-secret-0123456789';

export interface PostCall {
  url: string;
  body: string;
  opts: SafePostOptions;
}

/**
 * One scripted HTTP answer: a status with a JSON body, or an error thrown by the request; or a
 * function run when the request arrives (to break something while the developer answers) that
 * gives the answer.
 */
export type Answer = ScriptedAnswer | (() => ScriptedAnswer);
type ScriptedAnswer = { status: number; json?: unknown } | Error;

export interface TestDeps {
  deps: ActivityDeps;
  config: Config;
  metrics: Metrics;
  /** Every POST the activities made, in order. */
  posts: PostCall[];
  /** Every log line, parsed. */
  logs: Array<Record<string, unknown>>;
  /** The purchases signalled to retry their delivery now, by business keys. */
  woken: Array<{ appId: string; outTradeNo: string }>;
  /** The refunds signalled to retry their notice now. */
  wokenRefunds: Array<{ appId: string; source: string; refundId: string; outRefundNo: string | null }>;
}

/** `answers` are given out in order, one per POST; a POST beyond them fails the test. */
export function testDeps(answers: Answer[], o: { db?: Db; env?: Record<string, string> } = {}): TestDeps {
  const config = loadConfig({
    SUPERAPP_BASE_URL: SUPERAPP_URL,
    SUPERAPP_SECRET,
    ADMIN_TOKEN: 'admin-token-0123456789',
    ...o.env,
  });
  const metrics = createMetrics(false);
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger('debug', {}, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const posts: PostCall[] = [];
  const woken: TestDeps['woken'] = [];
  const wokenRefunds: TestDeps['wokenRefunds'] = [];
  const post = async (url: string, body: string, opts: SafePostOptions): Promise<SafePostResult> => {
    posts.push({ url, body, opts });
    const scripted = answers[posts.length - 1];
    const a = typeof scripted === 'function' ? scripted() : scripted;
    if (a === undefined) throw new Error(`unexpected POST #${posts.length} to ${url}`);
    if (a instanceof Error) throw a;
    return { status: a.status, body: a.json === undefined ? '' : JSON.stringify(a.json), json: a.json };
  };
  const deps: ActivityDeps = {
    db: o.db ?? noDatabase(),
    config,
    post,
    logger,
    metrics,
    wakePurchase: async (purchase) => void woken.push(purchase),
    wakeRefund: async (refund) => void wokenRefunds.push(refund),
  };
  return { deps, config, metrics, posts, logs, woken, wokenRefunds };
}

/**
 * The environment to run one activity in. The SDK's own log lines ("Activity failed" with the
 * whole failure) are dropped: the tests assert each failure themselves.
 */
export function activityEnvironment(info?: Partial<Info>): MockActivityEnvironment {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR', () => undefined) });
}

/** The failure an activity threw; fails the test if it resolved or threw something else. */
export async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

/** A Db that fails loudly when used: these activities must not touch the database. */
function noDatabase(): Db {
  const fail = () => {
    throw new Error('this activity used the database');
  };
  return new Proxy(fail, { get: fail, apply: fail }) as unknown as Db;
}
