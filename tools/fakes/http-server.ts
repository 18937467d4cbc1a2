// The bare node:http plumbing both fakes share: no framework, so that a fake costs little CPU when
// the benchmark drives hundreds of purchases a second through it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Serves `handle` with each request's whole body; a failed handler answers 500, never throws. */
export function createServer(handle: (req: http.IncomingMessage, rawBody: Buffer, res: http.ServerResponse) => void): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => res.destroy());
    req.on('end', () => {
      try {
        handle(req, Buffer.concat(chunks), res);
      } catch (err) {
        if (!res.headersSent) res.writeHead(500).end(`fake failed: ${(err as Error).message}`);
      }
    });
  });
}

export function replyJson(res: http.ServerResponse, status: number, json: unknown): void {
  const body = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

/** A header's value, or undefined (repeated headers arrive joined, except set-cookie). */
export function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Listens on 127.0.0.1 (on `port`, or a free one); answers the origin, e.g. http://127.0.0.1:40123.
 * A port given again after close() brings a fake back at its old address (the fault tests' outage).
 */
export async function listen(server: http.Server, port = 0): Promise<string> {
  server.keepAliveTimeout = 30_000; // longer than vpay's pooled-socket idle time (4 s)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function close(server: http.Server | undefined): Promise<void> {
  if (!server) return Promise.resolve();
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}
