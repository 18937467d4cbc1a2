// A fake superapp backend for the integration tests: a real HTTP server that checks vpay's
// signatures, answers prepay and confirmation calls as told, and pays orders by sending vpay
// signed payment callbacks.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { superappSignatureOf, signatureMatches } from '../../lib/domain/signatures';

/** 'custom' answers what `prepayReply` returns. */
export type PrepayMode = 'ok' | 'reject' | 'http400' | 'http500' | 'hang' | 'custom';

export interface FakeSuperapp {
  url: string;
  secret: string;
  prepayMode: PrepayMode;
  /** The prepay answer in 'custom' mode: [HTTP status, JSON body]. */
  prepayReply: (body: Record<string, any>) => [number, unknown];
  confirmMode: 'ok' | 'http500';
  prepays: Array<Record<string, any>>;
  confirmations: Array<Record<string, any>>;
  badSignatures: number;
  /** Sends a payment callback to vpay, signed (or not) as asked. */
  callback(vpayUrl: string, body: Record<string, unknown> | string, opts?: { timestamp?: number; badSignature?: boolean }): Promise<{ status: number; json: any }>;
  close(): Promise<void>;
}

export async function startFakeSuperapp(secret: string): Promise<FakeSuperapp> {
  const fake: Omit<FakeSuperapp, 'url' | 'close'> = {
    secret,
    prepayMode: 'ok',
    prepayReply: (body) => [200, { returnCode: 0, prepayId: `prepay_${body.orderId}` }],
    confirmMode: 'ok',
    prepays: [],
    confirmations: [],
    badSignatures: 0,
    async callback(vpayUrl, body, opts = {}) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
      const sig = opts.badSignature ? '0'.repeat(64) : superappSignatureOf(secret, ts, raw);
      const res = await fetch(`${vpayUrl}/v1/superapp/payment-callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-vpay-timestamp': ts, 'x-vpay-signature': sig },
        body: raw,
      });
      return { status: res.status, json: await res.json().catch(() => undefined) };
    },
  };
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const ts = String(req.headers['x-vpay-timestamp'] ?? '');
      if (!signatureMatches(req.headers['x-vpay-signature'], superappSignatureOf(secret, ts, raw))) {
        fake.badSignatures++;
        res.writeHead(401).end(JSON.stringify({ returnCode: 40101 }));
        return;
      }
      const body = JSON.parse(raw.toString('utf8'));
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      };
      if (req.url === '/minigame/prepay-orders') {
        fake.prepays.push(body);
        switch (fake.prepayMode) {
          case 'ok':
            return reply(200, { returnCode: 0, prepayId: `prepay_${body.orderId}` });
          case 'reject':
            return reply(200, { returnCode: 1001, returnMessage: 'risk control' });
          case 'http400':
            return reply(400, { returnCode: 40001 });
          case 'http500':
            return reply(500, { returnCode: 50000 });
          case 'hang':
            hanging.push(res);
            return;
          case 'custom':
            return reply(...fake.prepayReply(body));
        }
      }
      if (req.url === '/minigame/payment-confirmations') {
        fake.confirmations.push(body);
        return fake.confirmMode === 'ok' ? reply(200, { returnCode: 0 }) : reply(500, { returnCode: 1 });
      }
      reply(404, { returnCode: 404 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, {
    url,
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  });
}
