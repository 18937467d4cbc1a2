// The fake superapp backend of the tests and the benchmark: the built-in sandbox's
// SuperappSimulator (api/sandbox/superapp-simulator.ts) served on its own bare HTTP server on
// 127.0.0.1, so that what the tests check is what `npm start` runs. On top of it, what the tests
// and the benchmark look at: the bodies vpay sent (when recording) and confirmations per order.
import type http from 'node:http';
import { ApiError, CommonCodes } from '../../api/http/api-error';
import {
  SuperappSimulator,
  type CallBody,
  type ConfirmMode,
  type PrepayMode,
  type RefundMode,
  type SimulatorAnswer,
  type VpayCall,
} from '../../api/sandbox/superapp-simulator';
import { close, createServer, header, listen, replyJson } from './http-server';

export type { ConfirmMode, PrepayMode, RefundMode };

export interface FakeSuperappOptions {
  /**
   * Keep the body of every prepay call and confirmation in `prepays` and `confirmations` (the
   * default, for tests). The benchmark turns it off: it only counts.
   */
  record?: boolean;
}

export class FakeSuperapp {
  url = '';
  readonly simulator: SuperappSimulator;
  /** prepays, confirmations (signed calls) and badSignatures, whatever `record` says. */
  readonly counts: SuperappSimulator['counts'];
  readonly prepays: Array<Record<string, any>> = [];
  readonly confirmations: Array<Record<string, any>> = [];
  /** Every prepayId answered, with the orderId it was created for, when recording. */
  readonly issuedPrepayIds = new Map<string, string>();
  /** The refunds vpay asked for (8.2), when recording. */
  readonly refunds: Array<Record<string, any>> = [];
  /** Confirmations per orderId: the benchmark's check that each payment is confirmed once. */
  readonly confirmationsPerOrder = new Map<string, number>();
  /**
   * While true, each prepay call is answered (as prepayMode says) only when releasePrepays() is
   * called: a test holds payment requests in flight for as long as it needs, without leaning on
   * vpay's prepay timeout. A call vpay gives up on meanwhile gets nothing; its retry is held the same way.
   */
  holdPrepays = false;
  private readonly held: Array<() => void> = [];
  private readonly hanging = new Set<http.ServerResponse>();
  private server?: http.Server;

  constructor(secret: string, o: FakeSuperappOptions = {}) {
    this.simulator = new SuperappSimulator({ secret, prepayIdPrefix: 'prepay_' });
    this.counts = this.simulator.counts;
    const record = o.record ?? true;
    if (record) this.simulator.onPrepay = (body) => this.prepays.push(body);
    if (record) this.simulator.onPrepayIssued = (prepayId, orderId) => this.issuedPrepayIds.set(prepayId, orderId);
    if (record) this.simulator.onRefund = (body) => this.refunds.push(body);
    this.simulator.onConfirmation = (body) => {
      if (record) this.confirmations.push(body);
      const orderId = String(body.orderId);
      this.confirmationsPerOrder.set(orderId, (this.confirmationsPerOrder.get(orderId) ?? 0) + 1);
    };
  }

  get secret(): string {
    return this.simulator.secret;
  }
  get prepayMode(): PrepayMode {
    return this.simulator.prepayMode;
  }
  set prepayMode(mode: PrepayMode) {
    this.simulator.prepayMode = mode;
  }
  /** See SuperappSimulator.freshPrepayIds: a new prepayId per prepay call. */
  get freshPrepayIds(): boolean {
    return this.simulator.freshPrepayIds;
  }
  set freshPrepayIds(fresh: boolean) {
    this.simulator.freshPrepayIds = fresh;
  }
  get prepayReply(): SuperappSimulator['prepayReply'] {
    return this.simulator.prepayReply;
  }
  set prepayReply(reply: SuperappSimulator['prepayReply']) {
    this.simulator.prepayReply = reply;
  }
  get confirmMode(): ConfirmMode {
    return this.simulator.confirmMode;
  }
  set confirmMode(mode: ConfirmMode) {
    this.simulator.confirmMode = mode;
  }

  get refundMode(): RefundMode {
    return this.simulator.refundMode;
  }
  set refundMode(mode: RefundMode) {
    this.simulator.refundMode = mode;
  }

  /** Sends the held prepay answers (holdPrepays), and answers the prepay calls after at once. */
  releasePrepays(): void {
    this.holdPrepays = false;
    for (const send of this.held.splice(0)) send();
  }

  /** Sends vpay a refund the superapp made (8.1), signed (or not) as asked. */
  refund(
    vpayUrl: string,
    body: CallBody | string,
    opts?: { timestamp?: number; badSignature?: boolean },
  ): Promise<{ status: number; json: any }> {
    return this.simulator.sendRefund(vpayUrl, body, opts);
  }

  /** Sends vpay a payment callback, signed (or not) as asked. */
  callback(
    vpayUrl: string,
    body: CallBody | string,
    opts?: { timestamp?: number; badSignature?: boolean },
  ): Promise<{ status: number; json: any }> {
    return this.simulator.sendCallback(vpayUrl, body, opts);
  }

  /**
   * A player paying the prepay order `prepayId` (what the mini game handed its frontend): the
   * callback names the order this superapp created that prepay order for. Throws for a prepayId
   * it never answered, as no player could pay one.
   */
  payPrepay(
    vpayUrl: string,
    prepayId: string,
    paid: { paidAmount: number; currencyType: string; transactionId?: string },
  ): Promise<{ status: number; json: any }> {
    const orderId = this.issuedPrepayIds.get(prepayId);
    if (orderId === undefined) throw new Error(`the superapp never created prepay order ${prepayId}`);
    return this.callback(vpayUrl, {
      orderId,
      transactionId: paid.transactionId ?? `txn_${prepayId}`,
      paidAmount: paid.paidAmount,
      currencyType: paid.currencyType,
      paidAt: new Date().toISOString(),
    });
  }

  /** Starts (or, after close(), restarts) the server; `port` 0 picks a free one. */
  async start(port = 0): Promise<void> {
    this.server = createServer((req, rawBody, res) => {
      const a = this.answer(req, { rawBody, timestamp: header(req, 'x-vpay-timestamp'), signature: header(req, 'x-vpay-signature') });
      if (a === 'drop') res.socket?.destroy();
      else if (a === 'hang') this.hang(res);
      else if (this.holdPrepays && isPrepay(req)) {
        this.hang(res);
        // vpay may have given up on the call meanwhile (its prepay timeout): nobody to answer then.
        this.held.push(() => {
          if (!res.destroyed) replyJson(res, a.status, a.json);
        });
      } else replyJson(res, a.status, a.json);
    });
    this.url = await listen(this.server, port);
  }

  async close(): Promise<void> {
    this.held.length = 0;
    for (const res of this.hanging) res.destroy();
    await close(this.server);
  }

  /** A request left unanswered for now; close() drops it. */
  private hang(res: http.ServerResponse): void {
    this.hanging.add(res);
    res.on('close', () => this.hanging.delete(res));
  }

  /** The simulator's answer, with its errors in the shape the sandbox's router writes them. */
  private answer(req: http.IncomingMessage, call: VpayCall): SimulatorAnswer {
    try {
      const path = (req.url ?? '').split('?')[0];
      if (isPrepay(req)) return this.simulator.prepay(call);
      if (req.method === 'POST' && path === '/minigame/payment-confirmations') return this.simulator.confirm(call);
      if (req.method === 'POST' && path === '/minigame/refunds') return this.simulator.refund(call);
      throw new ApiError(404, CommonCodes.routeNotFound, `no route ${req.method} ${path}`);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(500, CommonCodes.internal, 'internal error');
      return { status: e.httpStatus, json: { returnCode: e.code, returnMessage: e.message } };
    }
  }
}

const pathOf = (req: http.IncomingMessage): string => (req.url ?? '').split('?')[0] ?? '';
const isPrepay = (req: http.IncomingMessage): boolean => req.method === 'POST' && pathOf(req) === '/minigame/prepay-orders';

export async function startFakeSuperapp(secret: string, o: FakeSuperappOptions = {}): Promise<FakeSuperapp> {
  const fake = new FakeSuperapp(secret, o);
  await fake.start();
  return fake;
}
