// A fake game-developer backend: a real HTTP server that receives delivery notifications,
// verifies PayEventSig with the app key, and answers as the test tells it to.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { payEventSigOf, signatureMatches } from '../../lib/signatures';

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
  /** How to answer: 'ok' acknowledges with returnCode 0; the others fail the attempt. */
  mode: 'ok' | 'http500' | 'badBody';
  received: ReceivedDelivery[];
  /** Successful (acknowledged) deliveries per order. */
  acknowledged(orderId: string): number;
  close(): Promise<void>;
}

export async function startFakeDeveloper(): Promise<FakeDeveloper> {
  const fake = {
    appKey: '',
    mode: 'ok' as FakeDeveloper['mode'],
    received: [] as ReceivedDelivery[],
    acknowledged(orderId: string) {
      return fake.received.filter((r) => r.answeredOk && r.payload?.OrderId === orderId).length;
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const answeredOk = fake.mode === 'ok';
      fake.received.push({
        deliveryId: String(req.headers['x-vpay-delivery-id']),
        attempt: Number(req.headers['x-vpay-attempt']),
        event: body.Event,
        payload: JSON.parse(body.Payload),
        signatureValid: signatureMatches(body.PayEventSig, payEventSigOf(fake.appKey, body.Payload)),
        answeredOk,
      });
      if (fake.mode === 'http500') res.writeHead(500).end('down');
      else if (fake.mode === 'badBody') res.writeHead(200, { 'content-type': 'application/json' }).end('{"returnCode":1}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"returnCode":0,"returnMessage":"OK"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/deliver`;
  return Object.assign(fake, {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  });
}
