// The load agent's commands, as the benchmark process calls them over IPC. The agent is a child
// process holding the fake superapp, the fake developer and the load generator, so their CPU is
// not taken from vpay's event loop and vpay's process RSS is vpay's alone.
import type { LoopError } from './loops';
import type { DeveloperReport } from '../tools/fakes/fake-developer';
import type { Summary } from './stats';

export interface PurchaseStats {
  /** Purchases completed (delivered) inside the load window, per second. */
  ratePerSec: number;
  completed: number;
  launched: number;
  /** Open loop: purchases not started because too many were in flight. */
  skipped: number;
  errorCount: number;
  errors: LoopError[];
  /**
   * 503 answers retried: payment requests and callbacks vpay could not serve (50301, 50302; same
   * request again after 1 s), and payment requests shed by its admission bound (50303; again after
   * Retry-After). `shed` is absent from results made before the bound.
   */
  retried503: { payment: number; callback: number; shed?: number; shedAnswers?: number };
  windowSec: number;
  /** From the start to the last purchase finished (the window plus the tail). */
  elapsedSec: number;
  req: Summary;
  cb: Summary;
  c2d: Summary;
  /** Callback sent -> delivered. */
  s2d: Summary;
  /** The whole purchase: request (its intended send in an open loop) -> delivered. */
  whole: Summary;
  perSecond: number[];
  /** In completion order; `startMs` (with raw 'timeline'): each purchase's intended start, ms after the loop's. */
  raw?: { reqMs: number[]; cbMs: number[]; c2dMs: number[]; s2dMs: number[]; wholeMs: number[]; startMs?: number[] };
}

export interface CreatePaidStats {
  created: number;
  /** Not all asked for were created before the time limit. */
  timedOut: boolean;
  retried503: { payment: number; callback: number; shed?: number; shedAnswers?: number };
  errorCount: number;
  errors: LoopError[];
  elapsedSec: number;
  req: Summary;
  cb: Summary;
}

export interface QueryStats {
  ratePerSec: number;
  completed: number;
  errorCount: number;
  errors: LoopError[];
  latency: Summary;
}

export interface DrainStats {
  orders: number;
  delivered: number;
  /** From the developer coming back up to the last first-delivery (ms); NaN if not all came. */
  drainMs: number;
  /** First deliveries per second after the developer came back. */
  perSecond: number[];
}

export interface AgentReport {
  made: number;
  developer: DeveloperReport;
  /** Orders of `made` confirmed to the superapp at least once / more than once. */
  confirmed: number;
  confirmedMoreThanOnce: number;
  prepays: number;
  superappBadSignatures: number;
}

export interface AgentApi {
  init(a: { secret: string }): Promise<{ superappUrl: string; developerUrl: string }>;
  /**
   * `instance` names the app too (a second app of one vpay instance takes a name of its own).
   * `ownOrigin`: the fake developer serves the app on an origin (port) of its own, as production
   * would, instead of a path of its shared one. Answers the app's delivery URL.
   */
  setupApp(a: {
    instance: string;
    vpayUrl: string;
    adminToken: string;
    users: number;
    ownOrigin?: boolean;
  }): Promise<{ appId: string; deliveryUrl: string }>;
  /** The instance's API moved (restarted on another port). */
  setVpayUrl(a: { instance: string; vpayUrl: string }): Promise<void>;
  closedLoop(a: {
    instance: string;
    concurrency: number;
    durationMs: number;
    tag: string;
    deliveryTimeoutMs: number;
    raw?: boolean;
  }): Promise<PurchaseStats>;
  openLoop(a: {
    instance: string;
    ratePerSec: number;
    durationMs: number;
    maxInFlight: number;
    tag: string;
    deliveryTimeoutMs: number;
    raw?: boolean | 'timeline';
    /** Retries of one request on 503 before it fails (default 10, one a second). */
    max503Retries?: number;
  }): Promise<PurchaseStats>;
  /** 503 answers retried so far by this agent (all instances), to tell the phases of one long loop apart. */
  retried503(a: Record<string, never>): Promise<{ payment: number; callback: number; shed: number; shedAnswers: number }>;
  /** Orders requested and left unpaid (PREPAID, waiting for their payment); the agent keeps their ids for payPending. */
  createPending(a: { instance: string; n: number; concurrency: number; tag: string; timeLimitMs: number }): Promise<CreatePaidStats>;
  /** The payment callback for every order createPending left unpaid, without waiting for their delivery. */
  payPending(a: { instance: string; concurrency: number }): Promise<CreatePaidStats>;
  /** Paid orders without waiting for their delivery (the backlog). */
  createPaid(a: { instance: string; n: number; concurrency: number; tag: string; timeLimitMs: number }): Promise<CreatePaidStats>;
  developerMode(a: { mode: 'ok' | 'http500' }): Promise<void>;
  /** One app's endpoint (by the instance name it was set up under) answers in `mode`; 'ok' ends it. */
  developerAppMode(a: { instance: string; mode: 'ok' | 'slow' }): Promise<void>;
  /** Notifications the fake developer is answering slowly whose sender still waits (vpay's attempts in flight). */
  slowInFlight(): Promise<number>;
  /** Slow notifications ended so far (their sender gave up at its timeout), cumulative. */
  slowEnded(): Promise<number>;
  waitDelivered(a: { instance: string; timeoutMs: number }): Promise<DrainStats>;
  queryLoop(a: { instance: string; concurrency: number; durationMs: number; outTradeNos?: string[] }): Promise<QueryStats>;
  /** Up to `max` distinct outTradeNos of the instance's completed purchases, drawn at random (all if fewer). */
  tradeNos(a: { instance: string; max: number }): Promise<string[]>;
  report(a: { instance: string }): Promise<AgentReport>;
}

export type AgentCommand = keyof AgentApi;
export interface AgentRequest {
  id: number;
  cmd: AgentCommand;
  args: unknown;
}
export type AgentResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
