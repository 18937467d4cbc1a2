// The fake game-developer backend of the tests, the benchmark and the demo: a real HTTP server that
// receives vpay's notifications (CONTRACT.md 4, and 8.3's refund notices, kept apart by their Event
// and counted per refund as `refund:<RefundId>`), checks PayEventSig with the app's key, and
// answers as told; an app can have an origin of its own (serveOnOwnOrigin), as every developer
// has in production. It always keeps counters per order and lets a purchase await its own
// delivery; it keeps whole deliveries only when recording (tests, demo), so under the
// benchmark's load it stays lean.
import type http from 'node:http';
import { performance } from 'node:perf_hooks';
import { payEventSigOf, REFUND_EVENT, signatureMatches } from '../../lib/domain/signatures';
import { deliveryIdFor } from '../../lib/outbound/delivery-notice';
import { refundNoticeIdFor } from '../../lib/outbound/refund-notice';

/** The key under which a refund's notices are counted in `records` (and awaited). */
export const refundRecordKey = (refundId: string): string => `refund:${refundId}`;
import { close, createServer, header, listen, replyJson } from './http-server';

/**
 * How to answer: 'ok' acknowledges with returnCode 0; every other mode fails the attempt:
 * 'http500'; 'badBody' (200 with returnCode 1); 'gone' (410); 'slow' (answers after 11 s, past
 * vpay's 10 s timeout); 'redirect' (302 to `redirectTo`, which must not be followed); 'huge' (200
 * with returnCode 0 padded past vpay's 64 KiB cap); 'flaky' (every other request fails); 'hold'
 * (no answer until releaseHeld(), which acknowledges: counted as failed here, but vpay sees a success).
 */
export type DeveloperMode = 'ok' | 'http500' | 'badBody' | 'gone' | 'slow' | 'redirect' | 'huge' | 'flaky' | 'garbled' | 'hold';

/**
 * What the 'garbled' mode answers (HTTP 500): a NUL, a lone surrogate, and an emoji whose two
 * halves are the body's characters 200 and 201, which vpay's 200-character cut would split: text
 * PostgreSQL refuses or cannot keep as it is (the lone surrogate goes out as U+FFFD: UTF-8
 * cannot carry it).
 */
export const GARBLED_BODY = `down\u0000\ud800${'x'.repeat(193)}\u{1F600}${'y'.repeat(20)}`;

export interface ReceivedDelivery {
  deliveryId: string;
  attempt: number;
  event: string;
  /** The Payload string as sent (what PayEventSig covers), and parsed. */
  rawPayload: string;
  payload: any;
  signatureValid: boolean;
  answeredOk: boolean;
}

export interface DeliveryRecord {
  /** Attempts acknowledged (answered 2xx returnCode 0). Exactly once per order is the point. */
  ok: number;
  /** Attempts answered as a failure. */
  failed: number;
  /** performance.now() at the arrival of the first acknowledged attempt. */
  firstOkAt?: number;
  /**
   * Each acknowledged attempt's X-Vpay-Attempt and arrival (performance.now()), in arrival order:
   * what a test shows when an order was notified more than once.
   */
  acks: Array<{ attempt: number; at: number }>;
}

export interface DeveloperReport {
  orders: number;
  okOnce: number;
  okMoreThanOnce: number;
  neverOk: number;
  failedAttempts: number;
  badSignatures: number;
  badHeaders: number;
}

export interface FakeDeveloperOptions {
  /** Keep every delivery in `received` (the default). The benchmark turns it off: counters only. */
  record?: boolean;
  /**
   * Answer a notification whose PayEventSig does not verify with 401 returnCode 40101, as a real
   * backend would, and fail the waitFor of its order at once (the demo). By default a bad
   * signature is only counted, and the mode decides the answer.
   */
  rejectBadSignatures?: boolean;
}

interface Waiter {
  resolve(at: number): void;
  reject(err: Error): void;
}

const OK_BODY = { returnCode: 0, returnMessage: 'OK' };

export class FakeDeveloper {
  /** Where an app delivers when `appKey` is its key; deliveryUrlFor gives a URL per app. */
  url = '';
  /** The key PayEventSig is checked with for deliveries to `url`. */
  appKey = '';
  /** Keys by the app named in deliveryUrlFor, for fakes shared by several apps. */
  readonly appKeys = new Map<string, string>();
  mode: DeveloperMode = 'ok';
  /** Modes of single apps (by the app named in deliveryUrlFor), over `mode`: one slow developer among others. */
  readonly appModes = new Map<string, DeveloperMode>();
  redirectTo = 'http://127.0.0.1:9/';
  /** Every notification received, when recording. */
  readonly received: ReceivedDelivery[] = [];
  readonly records = new Map<string, DeliveryRecord>();
  badSignatures = 0;
  /** Notifications whose X-Vpay-Delivery-Id is not the order's or whose X-Vpay-Attempt is not >= 1. */
  badHeaders = 0;
  private readonly record: boolean;
  private readonly rejectBadSignatures: boolean;
  private flakyRequests = 0;
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly slowAnswers = new Set<NodeJS.Timeout>();
  /** 'slow' notifications whose sender still waits (its connection open): what vpay has in flight. */
  private slowOpen = 0;
  /** 'slow' notifications ended so far: their sender gave up at its timeout (or took the late answer). */
  private slowClosed = 0;
  /** Notifications answered nothing yet in 'hold' mode, until releaseHeld(). */
  private readonly held: http.ServerResponse[] = [];
  private server?: http.Server;
  /** Apps served on an origin of their own (serveOnOwnOrigin): their server and their `url`. */
  private readonly ownOrigins = new Map<string, { server: http.Server; url: string }>();

  constructor(o: FakeDeveloperOptions = {}) {
    this.record = o.record ?? true;
    this.rejectBadSignatures = o.rejectBadSignatures ?? false;
  }

  /**
   * Starts (or, after close(), restarts) the server; `port` 0 picks a free one. The apps served on
   * origins of their own come back on their old ports.
   */
  async start(port = 0): Promise<void> {
    this.server = this.newServer();
    this.url = `${await listen(this.server, port)}/deliver`;
    for (const [appId, own] of this.ownOrigins) await this.listenOwn(appId, Number(new URL(own.url).port));
  }

  /**
   * Serves the app (named as in deliveryUrlFor) on an origin of its own, another port of
   * 127.0.0.1 with the same handling, and answers its delivery URL there. vpay pools its sockets
   * per origin (lib/outbound/safe-post.ts SOCKETS_PER_ORIGIN); in production every developer has
   * an origin of its own, so a slow one holds only its own sockets. Call before the URL is given
   * to vpay (deliveryUrlFor names the app's origin from then on).
   */
  async serveOnOwnOrigin(appId: string): Promise<string> {
    if (!this.ownOrigins.has(appId)) await this.listenOwn(appId, 0);
    return this.deliveryUrlFor(appId);
  }

  /** A delivery URL whose notifications are checked with appKeys.get(appId): on the app's own origin if it has one. */
  deliveryUrlFor(appId: string): string {
    return `${this.ownOrigins.get(appId)?.url ?? this.url}/${appId}`;
  }

  /** How many 'slow' notifications are still awaited by their sender (it gives up at its timeout). */
  get slowInFlight(): number {
    return this.slowOpen;
  }

  /** How many 'slow' notifications have ended so far (nearly all by their sender's timeout). */
  get slowEnded(): number {
    return this.slowClosed;
  }

  /** How many notifications 'hold' mode is holding. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Acknowledges (200 returnCode 0) every notification 'hold' mode was holding. */
  releaseHeld(): void {
    for (const res of this.held.splice(0)) replyJson(res, 200, OK_BODY);
  }

  /** Every refund notice received (8.3), when recording. */
  get refundNotices(): ReceivedDelivery[] {
    return this.received.filter((r) => r.event === REFUND_EVENT);
  }

  /** Acknowledged notices of the refund. */
  refundNoticesAcknowledged(refundId: string): number {
    return this.acknowledged(refundRecordKey(refundId));
  }

  /** Resolves when the refund's first notice is acknowledged. */
  waitForRefundNotice(refundId: string, timeoutMs: number): Promise<number> {
    return this.waitFor(refundRecordKey(refundId), timeoutMs);
  }

  /** Acknowledged deliveries of the order. */
  acknowledged(orderId: string): number {
    return this.records.get(orderId)?.ok ?? 0;
  }

  /** Resolves with the arrival time (performance.now()) of the order's first acknowledged delivery. */
  waitFor(orderId: string, timeoutMs: number): Promise<number> {
    const done = this.records.get(orderId)?.firstOkAt;
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(orderId, (w) => w !== waiter);
        reject(new Error(`no delivery of ${orderId} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.set(orderId, [...(this.waiters.get(orderId) ?? []), waiter]);
    });
  }

  /** Exactly-once accounting over the given orders. */
  report(orderIds: Iterable<string>): DeveloperReport {
    const r: DeveloperReport = {
      orders: 0,
      okOnce: 0,
      okMoreThanOnce: 0,
      neverOk: 0,
      failedAttempts: 0,
      badSignatures: this.badSignatures,
      badHeaders: this.badHeaders,
    };
    for (const id of orderIds) {
      r.orders++;
      const rec = this.records.get(id);
      const ok = rec?.ok ?? 0;
      if (ok === 1) r.okOnce++;
      else if (ok > 1) r.okMoreThanOnce++;
      else r.neverOk++;
      r.failedAttempts += rec?.failed ?? 0;
    }
    return r;
  }

  async close(): Promise<void> {
    for (const t of this.slowAnswers) clearTimeout(t);
    for (const res of this.held.splice(0)) res.destroy();
    for (const orderId of [...this.waiters.keys()]) {
      this.settle(orderId, (w) => w.reject(new Error('the fake developer closed')));
    }
    await Promise.all([close(this.server), ...[...this.ownOrigins.values()].map((own) => close(own.server))]);
  }

  private newServer(): http.Server {
    return createServer((req, rawBody, res) => this.receive(req, rawBody, res));
  }

  private async listenOwn(appId: string, port: number): Promise<void> {
    const server = this.newServer();
    this.ownOrigins.set(appId, { server, url: `${await listen(server, port)}/deliver` });
  }

  private receive(req: http.IncomingMessage, rawBody: Buffer, res: http.ServerResponse): void {
    const at = performance.now();
    let body: { Event?: unknown; Payload?: unknown; PayEventSig?: unknown };
    let payload: any;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
      payload = JSON.parse(String(body.Payload));
    } catch {
      replyJson(res, 400, { returnCode: 40001, returnMessage: 'not a notification' });
      return;
    }
    const rawPayload = String(body.Payload);
    const isRefund = body.Event === REFUND_EVENT;
    // A refund's notices are counted and awaited per refund, never as the order's deliveries.
    const orderId = isRefund ? refundRecordKey(String(payload?.RefundId)) : String(payload?.OrderId);
    const appId = (req.url ?? '').split('?')[0].split('/')[2];
    const key = (appId === undefined ? undefined : this.appKeys.get(appId)) ?? this.appKey;
    const signatureValid = signatureMatches(body.PayEventSig, payEventSigOf(key, rawPayload, String(body.Event)));
    const deliveryId = header(req, 'x-vpay-delivery-id') ?? '';
    const attempt = Number(header(req, 'x-vpay-attempt'));
    if (!signatureValid) this.badSignatures++;
    const expectedId = isRefund ? refundNoticeIdFor(String(payload?.RefundId)) : deliveryIdFor(orderId);
    if (deliveryId !== expectedId || !(attempt >= 1)) this.badHeaders++;

    const mode = (appId === undefined ? undefined : this.appModes.get(appId)) ?? this.mode;
    const refused = !signatureValid && this.rejectBadSignatures;
    const answeredOk = !refused && (mode === 'ok' || (mode === 'flaky' && this.flakyRequests++ % 2 === 1));
    let rec = this.records.get(orderId);
    if (!rec) this.records.set(orderId, (rec = { ok: 0, failed: 0, acks: [] }));
    if (answeredOk) {
      rec.ok++;
      rec.acks.push({ attempt, at });
    } else rec.failed++;
    if (this.record) {
      this.received.push({ deliveryId, attempt, event: String(body.Event), rawPayload, payload, signatureValid, answeredOk });
    }

    if (refused) {
      this.settle(orderId, (w) => w.reject(new Error(`the notification of ${orderId} failed PayEventSig`)));
      replyJson(res, 401, { returnCode: 40101, returnMessage: 'PayEventSig does not verify' });
      return;
    }
    if (answeredOk && rec.firstOkAt === undefined) {
      rec.firstOkAt = at;
      this.settle(orderId, (w) => w.resolve(at));
    }
    this.answer(answeredOk ? 'ok' : mode, res);
  }

  /** Hands the order's waiters to `each`, keeping only those it returns true for. */
  private settle(orderId: string, each: (w: Waiter) => unknown): void {
    const list = this.waiters.get(orderId);
    if (!list) return;
    const kept = list.filter((w) => each(w) === true);
    if (kept.length > 0) this.waiters.set(orderId, kept);
    else this.waiters.delete(orderId);
  }

  private answer(mode: DeveloperMode, res: http.ServerResponse): void {
    switch (mode) {
      case 'ok':
        return replyJson(res, 200, OK_BODY);
      case 'badBody':
        return replyJson(res, 200, { returnCode: 1, returnMessage: 'not now' });
      case 'gone':
        res.writeHead(410).end('gone');
        return;
      case 'redirect':
        res.writeHead(302, { location: this.redirectTo }).end();
        return;
      case 'huge':
        return replyJson(res, 200, { returnCode: 0, pad: 'x'.repeat(70 * 1024) });
      case 'garbled':
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(GARBLED_BODY);
        return;
      case 'hold':
        // Answered by releaseHeld(): an attempt under way for as long as a test needs.
        this.held.push(res);
        return;
      case 'slow': {
        this.slowOpen++;
        res.once('close', () => {
          this.slowOpen--;
          this.slowClosed++;
        });
        const t = setTimeout(() => {
          this.slowAnswers.delete(t);
          replyJson(res, 200, OK_BODY);
        }, 11_000);
        this.slowAnswers.add(t);
        return;
      }
      default:
        res.writeHead(500).end('down');
    }
  }
}

export async function startFakeDeveloper(o: FakeDeveloperOptions = {}): Promise<FakeDeveloper> {
  const fake = new FakeDeveloper(o);
  await fake.start();
  return fake;
}
