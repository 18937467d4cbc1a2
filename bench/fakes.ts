// Lean fake superapp and game-developer backends for the load generator. Like the test fakes
// (test/support) they check every signature, but they keep only counters per order (no arrays of
// whole bodies), answer at once, and let a purchase await its own delivery.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { payEventSigOf, signatureMatches, superappSignatureOf } from '../lib/domain/signatures';

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** An async request handler whose failure answers 500 instead of an unhandled rejection. */
function guarded(fn: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>): http.RequestListener {
  return (req, res) => {
    fn(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500).end(`fake failed: ${err.message}`);
    });
  };
}

function reply(res: http.ServerResponse, status: number, json: unknown): void {
  const body = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

async function listen(server: http.Server): Promise<string> {
  server.keepAliveTimeout = 30_000; // longer than vpay's pooled-socket idle time (4 s)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

export interface FakeSuperapp {
  url: string;
  prepays: number;
  confirmations: Map<string, number>;
  badSignatures: number;
  close(): Promise<void>;
}

/** Answers vpay's prepay and confirmation calls (CONTRACT.md 3.1, 3.3), checking vpay's signature. */
export async function startFakeSuperapp(secret: string): Promise<FakeSuperapp> {
  const server = http.createServer(guarded(async (req, res) => {
    const raw = await readBody(req);
    const ts = String(req.headers['x-vpay-timestamp'] ?? '');
    if (!signatureMatches(req.headers['x-vpay-signature'], superappSignatureOf(secret, ts, raw))) {
      fake.badSignatures++;
      return reply(res, 401, { returnCode: 40101 });
    }
    const body = JSON.parse(raw.toString('utf8')) as { orderId: string };
    if (req.url === '/minigame/prepay-orders') {
      fake.prepays++;
      return reply(res, 200, { returnCode: 0, returnMessage: 'OK', prepayId: `pp_${body.orderId}` });
    }
    if (req.url === '/minigame/payment-confirmations') {
      fake.confirmations.set(body.orderId, (fake.confirmations.get(body.orderId) ?? 0) + 1);
      return reply(res, 200, { returnCode: 0, returnMessage: 'OK' });
    }
    reply(res, 404, { returnCode: 404 });
  }));
  const fake: FakeSuperapp = {
    url: await listen(server),
    prepays: 0,
    confirmations: new Map(),
    badSignatures: 0,
    close: () => close(server),
  };
  return fake;
}

export interface DeliveryRecord {
  /** Attempts answered 2xx returnCode 0. Exactly once per order is the point. */
  ok: number;
  /** Attempts answered 500 while the developer was "down". */
  failed: number;
  /** performance.now() of the first acknowledged attempt. */
  firstOkAt?: number;
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

/**
 * The game developer's backend. Each app delivers to `${url}/deliver/${appId}` so the fake can
 * check PayEventSig with that app's key. In mode 'http500' every attempt fails.
 */
export class FakeDeveloper {
  url = '';
  mode: 'ok' | 'http500' = 'ok';
  readonly appKeys = new Map<string, string>();
  readonly records = new Map<string, DeliveryRecord>();
  badSignatures = 0;
  badHeaders = 0;
  private readonly waiters = new Map<string, (at: number) => void>();
  private server?: http.Server;

  async start(): Promise<void> {
    this.server = http.createServer(guarded(async (req, res) => {
      const raw = await readBody(req);
      const at = performance.now();
      const appId = (req.url ?? '').split('/')[2] ?? '';
      const body = JSON.parse(raw.toString('utf8')) as { Payload: string; PayEventSig: string };
      const payload = JSON.parse(body.Payload) as { OrderId: string };
      const orderId = payload.OrderId;
      if (!signatureMatches(body.PayEventSig, payEventSigOf(this.appKeys.get(appId) ?? '', body.Payload))) this.badSignatures++;
      if (req.headers['x-vpay-delivery-id'] !== `dlv_${orderId}` || !(Number(req.headers['x-vpay-attempt']) >= 1)) this.badHeaders++;
      const rec = this.records.get(orderId) ?? { ok: 0, failed: 0 };
      this.records.set(orderId, rec);
      if (this.mode === 'http500') {
        rec.failed++;
        res.writeHead(500).end('down for the benchmark');
        return;
      }
      rec.ok++;
      if (rec.firstOkAt === undefined) {
        rec.firstOkAt = at;
        this.waiters.get(orderId)?.(at);
        this.waiters.delete(orderId);
      }
      reply(res, 200, { returnCode: 0, returnMessage: 'OK' });
    }));
    this.url = await listen(this.server);
  }

  deliveryUrlFor(appId: string): string {
    return `${this.url}/deliver/${appId}`;
  }

  /** Resolves with the arrival time (performance.now()) of the order's first acknowledged delivery. */
  waitFor(orderId: string, timeoutMs: number): Promise<number> {
    const done = this.records.get(orderId)?.firstOkAt;
    if (done !== undefined) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(orderId);
        reject(new Error(`no delivery of ${orderId} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(orderId, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  /** Exactly-once accounting over the given orders. */
  report(orderIds: Iterable<string>): DeveloperReport {
    const r: DeveloperReport = { orders: 0, okOnce: 0, okMoreThanOnce: 0, neverOk: 0, failedAttempts: 0, badSignatures: this.badSignatures, badHeaders: this.badHeaders };
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
    if (this.server) await close(this.server);
  }
}
