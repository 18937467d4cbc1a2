// A lean JSON-over-HTTP client for the load generator: node:http with a keep-alive pool (cheaper
// per request than fetch), a deadline per request, 127.0.0.1 only by construction of its URLs.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 1024, scheduling: 'lifo' });

export interface HttpReply {
  status: number;
  text: string;
  json: any;
}

export function postJson(url: string, body: string, headers: Record<string, string> = {}, timeoutMs = 120_000): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
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
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`POST ${new URL(url).pathname} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function requestJson(method: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  const raw = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(raw), ...headers }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${new URL(url).pathname} timed out`)));
    req.on('error', reject);
    req.end(raw);
  });
}

export function destroyHttpClient(): void {
  agent.destroy();
}
