// A lean JSON-over-HTTP client for the load generator: node:http with a keep-alive pool (cheaper
// per request than fetch), a deadline per request, 127.0.0.1 only by construction of its URLs.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 1024, scheduling: 'lifo' });

export interface HttpReply {
  status: number;
  text: string;
  json: any;
  /** The Retry-After header, when the reply has one (vpay's 503/50303). */
  retryAfter?: string;
}

/** One request with a raw body; the reply's body as text and, when it parses, as JSON. */
function send(method: string, url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const retryAfter = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, text, json, ...(retryAfter ? { retryAfter } : {}) });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${new URL(url).pathname} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function postJson(url: string, body: string, headers: Record<string, string> = {}, timeoutMs = 120_000): Promise<HttpReply> {
  return send('POST', url, body, headers, timeoutMs);
}

export function requestJson(method: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  return send(method, url, JSON.stringify(body), headers, 30_000);
}

export function destroyHttpClient(): void {
  agent.destroy();
}
