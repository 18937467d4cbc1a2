// A superapp backend's side of CONTRACT.md 3, with no transport of its own: it checks vpay's
// signature on the prepay and confirmation calls and answers them as told, and "pays" an order by
// sending vpay the signed payment callback. The built-in sandbox (router.ts) serves it under
// /sandbox; the tests' and the benchmark's fake superapp (tools/fakes/fake-superapp.ts) serves it
// on a bare node:http server, cheap under load. So the sandbox and the fakes cannot drift apart.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isFreshSuperappSignature } from '../../lib/domain/signatures';
import { safePostJson } from '../../lib/outbound/safe-post';
import { superappHeaders, type PostJson } from '../../lib/outbound/superapp-client';
import { parseJsonBytes } from '../http/body';
import { sandboxErrors } from './errors';

/** 'drop' closes the connection without an answer: a network error, as from a superapp that is down. */
export type PrepayMode = 'ok' | 'reject' | 'http400' | 'http500' | 'hang' | 'drop' | 'custom';
export type ConfirmMode = 'ok' | 'http500';
/**
 * How the superapp answers a refund vpay asks for (CONTRACT.md 8.2): 'ok' refunds; 'reject' (200
 * with returnCode 1002) and 'http400' refuse; 'http500' and 'drop' are a superapp that is down.
 */
export type RefundMode = 'ok' | 'reject' | 'http400' | 'http500' | 'drop';

/** A call from vpay as it arrived: the exact body bytes and the two signature headers. */
export interface VpayCall {
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** What to answer vpay; 'hang': nothing at all, so that vpay's call times out; 'drop': close the connection. */
export type SimulatorAnswer = { status: number; json: Record<string, unknown> } | 'hang' | 'drop';

export type CallBody = Record<string, unknown>;

export interface SimulatorOptions {
  secret: string;
  /** The prepayId answered is this prefix + the orderId (+ a call number, see freshPrepayIds). */
  prepayIdPrefix?: string;
  /** How payment callbacks are sent; the API passes its own (ApiDeps.post). */
  post?: PostJson;
}

/** What the sandbox reads of a prepay call (3.1): the orderId its prepayId is made from. */
export const PrepayBody = z.looseObject({ orderId: z.string().min(1) });
/** What the sandbox reads of a refund call (8.2): the refundId it answers for. */
export const RefundCallBody = z.looseObject({ refundId: z.string().min(1), orderId: z.string().min(1), refundAmount: z.number() });

const answer = (status: number, json: Record<string, unknown>): SimulatorAnswer => ({ status, json });

export class SuperappSimulator {
  prepayMode: PrepayMode = 'ok';
  /** The prepay answer in 'custom' mode (tests of odd superapp replies): [HTTP status, JSON body]. */
  prepayReply: (body: CallBody) => [number, Record<string, unknown>] = () => [200, { returnCode: 0, prepayId: 'custom' }];
  /**
   * A new prepayId on every prepay call, as a superapp that creates one prepay order per call
   * does: a second call for the same orderId then answers another prepayId. Off, the prepayId is
   * made from the orderId alone, so two calls for one order cannot be told apart by it.
   */
  freshPrepayIds = false;
  confirmMode: ConfirmMode = 'ok';
  refundMode: RefundMode = 'ok';
  /** Counters only, never bodies: the sandbox runs as long as the stack does. */
  readonly counts = { prepays: 0, confirmations: 0, refunds: 0, badSignatures: 0 };
  /** Sees every signed refund call's body (tests record them). */
  onRefund?: (body: CallBody) => void;
  /** Sees every signed prepay and confirmation body (tests record them, the benchmark counts per order). */
  onPrepay?: (body: CallBody) => void;
  /** Sees every prepayId answered, with the orderId it was created for (tests record them). */
  onPrepayIssued?: (prepayId: string, orderId: string) => void;
  onConfirmation?: (body: CallBody) => void;
  readonly secret: string;
  private readonly prepayIdPrefix: string;
  private readonly post: PostJson;

  constructor(o: SimulatorOptions) {
    this.secret = o.secret;
    this.prepayIdPrefix = o.prepayIdPrefix ?? 'sbxprepay_';
    this.post = o.post ?? safePostJson;
  }

  /** Create prepay order (3.1). Throws the sandbox's ApiError for a bad signature or body. */
  prepay(call: VpayCall): SimulatorAnswer {
    this.verify(call);
    const body = parseJsonBytes(call.rawBody, PrepayBody);
    this.counts.prepays++;
    this.onPrepay?.(body);
    switch (this.prepayMode) {
      case 'ok': {
        const prepayId = `${this.prepayIdPrefix}${body.orderId}${this.freshPrepayIds ? `_${this.counts.prepays}` : ''}`;
        this.onPrepayIssued?.(prepayId, body.orderId);
        return answer(200, { returnCode: 0, returnMessage: 'OK', prepayId });
      }
      case 'reject':
        return answer(200, { returnCode: 1001, returnMessage: 'risk control' });
      case 'http400':
        return answer(400, { returnCode: 40001, returnMessage: 'bad request' });
      case 'http500':
        return answer(500, { returnCode: 50000, returnMessage: 'superapp unavailable' });
      case 'hang':
        return 'hang';
      case 'drop':
        return 'drop';
      case 'custom':
        return answer(...this.prepayReply(body));
    }
  }

  /** Confirm (3.3): every signed confirmation is taken; its body is read only for onConfirmation. */
  confirm(call: VpayCall): SimulatorAnswer {
    this.verify(call);
    this.counts.confirmations++;
    if (this.onConfirmation) {
      const body = jsonObjectOrUndefined(call.rawBody);
      if (body) this.onConfirmation(body);
    }
    if (this.confirmMode === 'http500') return answer(500, { returnCode: 50000, returnMessage: 'superapp unavailable' });
    return answer(200, { returnCode: 0, returnMessage: 'OK' });
  }

  /** A refund vpay asks for (8.2), idempotent per refundId (the sandbox keeps no money to give twice). */
  refund(call: VpayCall): SimulatorAnswer {
    this.verify(call);
    const body = parseJsonBytes(call.rawBody, RefundCallBody);
    this.counts.refunds++;
    this.onRefund?.(body);
    switch (this.refundMode) {
      case 'ok':
        return answer(200, { returnCode: 0, returnMessage: 'OK' });
      case 'reject':
        return answer(200, { returnCode: 1002, returnMessage: 'refund window closed' });
      case 'http400':
        return answer(400, { returnCode: 40001, returnMessage: 'bad request' });
      case 'http500':
        return answer(500, { returnCode: 50000, returnMessage: 'superapp unavailable' });
      case 'drop':
        return 'drop';
    }
  }

  /**
   * Plays a player's refund made in the superapp (8.1): the superapp gave the money back and tells
   * vpay with the signed refund call. Answers the call sent and vpay's reply.
   */
  async refundOrder(
    vpayUrl: string,
    order: { orderId: string; transactionId: string | null; currencyType: string },
    o: { refundAmount: number; reason?: string; refundId?: string },
  ) {
    const refund = {
      refundId: o.refundId ?? `sbxrefund_${randomBytes(8).toString('hex')}`,
      orderId: order.orderId,
      transactionId: order.transactionId ?? '',
      refundAmount: o.refundAmount,
      currencyType: order.currencyType,
      reason: o.reason ?? '',
      refundedAt: new Date().toISOString(),
    };
    return { refund, reply: await this.sendRefund(vpayUrl, refund) };
  }

  /** Sends vpay a refund (8.1) as given: tests also send malformed, stale or badly signed ones. */
  sendRefund(vpayUrl: string, body: CallBody | string, opts: { timestamp?: number; badSignature?: boolean } = {}) {
    return this.send(`${vpayUrl}/v1/superapp/refunds`, body, opts);
  }

  /** Pays an order in full, as its user would in the superapp: the signed payment callback (3.2). */
  async payOrder(vpayUrl: string, order: { orderId: string; totalAmount: number; currencyType: string }) {
    const callback = {
      orderId: order.orderId,
      transactionId: `sbxtxn_${randomBytes(8).toString('hex')}`,
      paidAmount: order.totalAmount,
      currencyType: order.currencyType,
      paidAt: new Date().toISOString(),
    };
    return { callback, reply: await this.sendCallback(vpayUrl, callback) };
  }

  /** Sends vpay a payment callback as given: tests also send malformed, stale or badly signed ones. */
  sendCallback(
    vpayUrl: string,
    body: CallBody | string,
    opts: { timestamp?: number; badSignature?: boolean } = {},
  ): Promise<{ status: number; json: unknown }> {
    return this.send(`${vpayUrl}/v1/superapp/payment-callback`, body, opts);
  }

  /** A signed call to vpay (CONTRACT.md 3's headers). */
  private async send(
    url: string,
    body: CallBody | string,
    opts: { timestamp?: number; badSignature?: boolean },
  ): Promise<{ status: number; json: unknown }> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const headers = superappHeaders(this.secret, raw, opts.timestamp === undefined ? Date.now() : opts.timestamp * 1000);
    if (opts.badSignature) headers['x-vpay-signature'] = '0'.repeat(64);
    const reply = await this.post(url, raw, {
      headers,
      timeoutMs: 30_000,
      maxResponseBytes: 16 * 1024,
      allowPrivate: true,
    });
    return { status: reply.status, json: reply.json };
  }

  /** The superapp's check of vpay's signature, as vpay checks the superapp's (api/superapp/auth.ts). */
  private verify(call: VpayCall): void {
    if (isFreshSuperappSignature(this.secret, call)) return;
    this.counts.badSignatures++;
    throw sandboxErrors.badSignature();
  }
}

function jsonObjectOrUndefined(raw: Buffer): CallBody | undefined {
  try {
    const json: unknown = JSON.parse(raw.toString('utf8'));
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as CallBody) : undefined;
  } catch {
    return undefined;
  }
}
