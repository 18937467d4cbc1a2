// A fake game-developer backend: a real HTTP server that receives delivery notifications,
// verifies PayEventSig with the app key, and answers as the test tells it to.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { payEventSigOf, signatureMatches } from '../../lib/domain/signatures';

export interface ReceivedDelivery {
  deliveryId: string;
  attempt: number;
  event: string;
  payload: any;
  signatureValid: boolean;
  answeredOk: boolean;
}

export interface FakeDeveloper {
  url: string;
  /** The app key PayEventSig is checked with; set once the app exists. */
  appKey: string;
  /**
   * How to answer: 'ok' acknowledges with returnCode 0; every other mode fails the attempt:
   * 'http500'; 'badBody' (200 with returnCode 1); 'gone' (410); 'slow' (answers after 11 s, past
   * vpay's 10 s timeout); 'redirect' (302 to `redirectTo`, which must not be followed); 'huge' (200
   * with returnCode 0 padded past vpay's 64 KiB cap); 'flaky' (every other request fails);
   * 'garbled' (500 whose body has a NUL, a lone surrogate, and an emoji that vpay's 200-character
   * cut of the body would split in two: text PostgreSQL refuses or cannot keep as it is).
   */
  mode: 'ok' | 'http500' | 'badBody' | 'gone' | 'slow' | 'redirect' | 'huge' | 'flaky' | 'garbled';
  redirectTo: string;
  received: ReceivedDelivery[];
  /** Successful (acknowledged) deliveries per order. */
  acknowledged(orderId: string): number;
  close(): Promise<void>;
}

/**
 * What the 'garbled' mode answers: the emoji's two halves are the body's characters 200 and 201
 * (the lone surrogate goes out as U+FFFD, one character: UTF-8 cannot carry it).
 */
export const GARBLED_BODY = `down\u0000\ud800${'x'.repeat(193)}\u{1F600}${'y'.repeat(20)}`;

export async function startFakeDeveloper(): Promise<FakeDeveloper> {
  const fake = {
    appKey: '',
    mode: 'ok' as FakeDeveloper['mode'],
    redirectTo: 'http://127.0.0.1:9/',
    received: [] as ReceivedDelivery[],
    acknowledged(orderId: string) {
      return fake.received.filter((r) => r.answeredOk && r.payload?.OrderId === orderId).length;
    },
  };
  const pending = new Set<NodeJS.Timeout>();
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const flakyOk = fake.mode === 'flaky' && requests++ % 2 === 1;
      const answeredOk = fake.mode === 'ok' || flakyOk;
      fake.received.push({
        deliveryId: String(req.headers['x-vpay-delivery-id']),
        attempt: Number(req.headers['x-vpay-attempt']),
        event: body.Event,
        payload: JSON.parse(body.Payload),
        signatureValid: signatureMatches(body.PayEventSig, payEventSigOf(fake.appKey, body.Payload)),
        answeredOk,
      });
      const json = { 'content-type': 'application/json' };
      const ok = '{"returnCode":0,"returnMessage":"OK"}';
      switch (answeredOk ? 'ok' : fake.mode) {
        case 'ok':
          return res.writeHead(200, json).end(ok);
        case 'badBody':
          return res.writeHead(200, json).end('{"returnCode":1}');
        case 'gone':
          return res.writeHead(410).end('gone');
        case 'redirect':
          return res.writeHead(302, { location: fake.redirectTo }).end();
        case 'garbled':
          return res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(GARBLED_BODY);
        case 'huge':
          return res.writeHead(200, json).end(`{"returnCode":0,"pad":"${'x'.repeat(70 * 1024)}"}`);
        case 'slow': {
          const t = setTimeout(() => {
            pending.delete(t);
            res.writeHead(200, json).end(ok);
          }, 11_000);
          pending.add(t);
          return;
        }
        default:
          return res.writeHead(500).end('down');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/deliver`;
  return Object.assign(fake, {
    url,
    async close() {
      for (const t of pending) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  });
}
