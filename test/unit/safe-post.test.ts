import { afterAll, afterEach, describe, it, expect } from '@jest/globals';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress, LookupAllOptions } from 'node:dns';
import {
  AddressForbiddenError,
  BadUrlError,
  PostNetworkError,
  PostTimeoutError,
  ResponseTooLargeError,
  SafePostError,
  createGuardedLookup,
  destroySafePostAgents,
  safePostJson,
} from '../../lib/outbound/safe-post';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  port: number;
  /** Requests that reached the handler. */
  requests: Seen[];
  /** TCP connections accepted. */
  connections: number;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<TestServer> {
  const requests: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  const state: TestServer = {
    port: 0,
    requests,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.port = (server.address() as AddressInfo).port;
  servers.push(state);
  return state;
}

/** A port with (almost certainly) nothing listening on it. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}

const local = { timeoutMs: 5_000, maxResponseBytes: 64 * 1024, allowPrivate: true };
const guarded = { ...local, allowPrivate: false };

afterEach(async () => {
  destroySafePostAgents();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(() => {
  destroySafePostAgents();
});

describe('safePostJson against local servers (allowPrivate: true)', () => {
  it('POSTs JSON with content-type and content-length and parses a 2xx JSON reply', async () => {
    const srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, n: 1 }));
    });
    const body = JSON.stringify({ orderId: 'o-1', item: 'sword', note: 'ünïcödé' });
    const out = await safePostJson(`http://127.0.0.1:${srv.port}/deliver?g=1`, body, {
      ...local,
      headers: { 'x-vpay-signature': 'sig-123', 'Content-Type': 'text/plain', 'content-length': '1' },
    });
    expect(out).toEqual({ status: 200, body: '{"ok":true,"n":1}', json: { ok: true, n: 1 } });
    expect(srv.requests).toHaveLength(1);
    const seen = srv.requests[0];
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/deliver?g=1');
    expect(seen.body).toBe(body);
    expect(seen.headers['content-type']).toBe('application/json');
    expect(seen.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(seen.headers['x-vpay-signature']).toBe('sig-123');
  });

  it('returns non-JSON and empty bodies with json undefined, and non-2xx statuses as results', async () => {
    const srv = await startServer((req, res) => {
      if (req.url === '/text') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('boom');
      } else {
        res.writeHead(204);
        res.end();
      }
    });
    await expect(safePostJson(`http://127.0.0.1:${srv.port}/text`, '{}', local)).resolves.toEqual({
      status: 500,
      body: 'boom',
      json: undefined,
    });
    await expect(safePostJson(`http://127.0.0.1:${srv.port}/empty`, '{}', local)).resolves.toEqual({
      status: 204,
      body: '',
      json: undefined,
    });
  });

  it('reaches a server through an odd IPv4 spelling (127.1) when private is allowed', async () => {
    const srv = await startServer((_req, res) => res.end('[1,2]'));
    const out = await safePostJson(`http://127.1:${srv.port}/`, '{}', local);
    expect(out.json).toEqual([1, 2]);
    expect(srv.requests).toHaveLength(1);
  });

  it('does not follow a 302 redirect', async () => {
    const second = await startServer((_req, res) => res.end('{"hit":true}'));
    const first = await startServer((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${second.port}/next` });
      res.end();
    });
    const out = await safePostJson(`http://127.0.0.1:${first.port}/`, '{"a":1}', local);
    expect(out.status).toBe(302);
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(0);
    expect(second.connections).toBe(0);
  });

  it('times out when the server never answers', async () => {
    const srv = await startServer(() => {
      /* never respond */
    });
    const started = Date.now();
    const err = await rejectionOf(safePostJson(`http://127.0.0.1:${srv.port}/`, '{}', { ...local, timeoutMs: 300 }));
    expect(err).toBeInstanceOf(PostTimeoutError);
    expect((err as SafePostError).code).toBe('timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(srv.requests).toHaveLength(1);
  });

  it('times out when the body trickles in past the deadline (deadline covers the body)', async () => {
    const srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":'); // ...and never finish
    });
    const err = await rejectionOf(safePostJson(`http://127.0.0.1:${srv.port}/`, '{}', { ...local, timeoutMs: 300 }));
    expect(err).toBeInstanceOf(PostTimeoutError);
  });

  it('rejects an oversized body (declared by content-length)', async () => {
    const srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ pad: 'x'.repeat(10_000) }));
    });
    const err = await rejectionOf(safePostJson(`http://127.0.0.1:${srv.port}/`, '{}', { ...local, maxResponseBytes: 1024 }));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
    expect((err as SafePostError).code).toBe('too_large');
  });

  it('rejects an oversized chunked body (no content-length) once the cap is passed', async () => {
    const srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'y'.repeat(512);
      let n = 0;
      const tick = (): void => {
        if (res.destroyed || n++ > 50) {
          res.end();
          return;
        }
        res.write(chunk, () => setImmediate(tick));
      };
      tick();
    });
    const err = await rejectionOf(safePostJson(`http://127.0.0.1:${srv.port}/`, '{}', { ...local, maxResponseBytes: 2048 }));
    expect(err).toBeInstanceOf(ResponseTooLargeError);
  });

  it('accepts a body of exactly maxResponseBytes', async () => {
    const payload = JSON.stringify({ p: 'z'.repeat(100) });
    const srv = await startServer((_req, res) => res.end(payload));
    const out = await safePostJson(`http://127.0.0.1:${srv.port}/`, '{}', {
      ...local,
      maxResponseBytes: Buffer.byteLength(payload),
    });
    expect(out.body).toBe(payload);
  });

  it('reports connection refused as PostNetworkError without leaking headers or body', async () => {
    const port = await closedPort();
    const err = await rejectionOf(
      safePostJson(`http://127.0.0.1:${port}/deliver?token=pathsecret`, '{"secret":"bodysecret"}', {
        ...local,
        headers: { 'x-vpay-signature': 'headersecret' },
      }),
    );
    expect(err).toBeInstanceOf(PostNetworkError);
    expect(err).toBeInstanceOf(SafePostError);
    const e = err as PostNetworkError;
    expect(e.code).toBe('network');
    expect(e.causeCode).toBe('ECONNREFUSED');
    expect(e.message).toContain('ECONNREFUSED');
    const everything = `${e.message} ${e.stack ?? ''} ${JSON.stringify(e)}`;
    for (const secret of ['headersecret', 'bodysecret', 'pathsecret']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('reuses a keep-alive socket for repeated deliveries', async () => {
    const srv = await startServer((_req, res) => res.end('{}'));
    for (let i = 0; i < 3; i++) {
      const out = await safePostJson(`http://127.0.0.1:${srv.port}/`, '{}', local);
      expect(out.status).toBe(200);
    }
    expect(srv.requests).toHaveLength(3);
    expect(srv.connections).toBe(1);
  });

  it("sends an operator URL's username and password as Basic auth, and never names them in an error", async () => {
    const srv = await startServer((_req, res) => res.end('{}'));
    const url = `http://ops%40team:s3cret%3Apw@127.0.0.1:${srv.port}/alerts`;
    expect((await safePostJson(url, '{}', { ...local, allowUrlCredentials: true })).status).toBe(200);
    expect(srv.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('ops@team:s3cret:pw').toString('base64')}`);
    const refused = await rejectionOf(safePostJson(url, '{}', local));
    expect(refused).toBeInstanceOf(BadUrlError);
    const down = await rejectionOf(
      safePostJson(`http://ops:s3cret@127.0.0.1:${await closedPort()}/`, '{}', { ...local, allowUrlCredentials: true }),
    );
    expect(down).toBeInstanceOf(PostNetworkError);
    for (const e of [refused, down]) expect(JSON.stringify({ m: (e as Error).message, e })).not.toContain('s3cret');
  });

  it.each(['ftp://127.0.0.1/', 'https://u:p@example.com/', 'nonsense'])('rejects bad URL %s', async (url) => {
    const err = await rejectionOf(safePostJson(url, '{}', local));
    expect(err).toBeInstanceOf(BadUrlError);
    expect((err as SafePostError).code).toBe('bad_url');
  });
});

describe('safePostJson with allowPrivate: false', () => {
  it.each([
    'http://127.0.0.1:PORT/',
    'http://localhost:PORT/',
    'http://127.1:PORT/',
    'http://0x7f.0.0.1:PORT/',
    'http://2130706433:PORT/',
    'http://[::ffff:127.0.0.1]:PORT/',
    'http://[::1]:PORT/',
    'http://0.0.0.0:PORT/',
  ])('rejects %s before any connection', async (template) => {
    const srv = await startServer((_req, res) => res.end('{}'));
    const url = template.replace('PORT', String(srv.port));
    const err = await rejectionOf(safePostJson(url, '{"x":1}', guarded));
    expect(err).toBeInstanceOf(AddressForbiddenError);
    expect((err as SafePostError).code).toBe('forbidden_address');
    expect(srv.requests).toHaveLength(0);
    expect(srv.connections).toBe(0);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'https://192.168.0.1/',
  ])('rejects literal %s without touching the network', async (url) => {
    await expect(safePostJson(url, '{}', guarded)).rejects.toBeInstanceOf(AddressForbiddenError);
  });

  it('does not reuse a socket pooled under allowPrivate: true', async () => {
    const srv = await startServer((_req, res) => res.end('{}'));
    await safePostJson(`http://localhost:${srv.port}/`, '{}', local);
    expect(srv.requests).toHaveLength(1);
    const err = await rejectionOf(safePostJson(`http://localhost:${srv.port}/`, '{}', guarded));
    expect(err).toBeInstanceOf(AddressForbiddenError);
    expect(srv.requests).toHaveLength(1);
  });
});

describe('createGuardedLookup (fake resolver, no network I/O)', () => {
  type Answer = LookupAddress[] | NodeJS.ErrnoException;
  const fakeResolver =
    (answers: Record<string, Answer>) =>
    (hostname: string, _opts: LookupAllOptions, cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void): void => {
      const a = answers[hostname];
      setImmediate(() => (a instanceof Error ? cb(a, []) : cb(null, a ?? [])));
    };

  const answers: Record<string, Answer> = {
    'public.example': [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ],
    'rebind.example': [
      { address: '8.8.8.8', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ],
    'metadata.example': [{ address: '169.254.169.254', family: 4 }],
    'mapped.example': [{ address: '::ffff:10.0.0.1', family: 6 }],
    'missing.example': Object.assign(new Error('getaddrinfo ENOTFOUND missing.example'), { code: 'ENOTFOUND' }),
  };

  function run(allowPrivate: boolean, host: string, all: boolean): Promise<{ err: Error | null; address: unknown; family?: number }> {
    const lookup = createGuardedLookup(allowPrivate, fakeResolver(answers));
    return new Promise((resolve) => {
      lookup(host, { all }, ((err: Error | null, address: unknown, family?: number) => resolve({ err, address, family })) as never);
    });
  }

  it('hands all vetted public addresses to the socket when asked for all', async () => {
    const r = await run(false, 'public.example', true);
    expect(r.err).toBeNull();
    expect(r.address).toEqual(answers['public.example']);
  });

  it('hands the first vetted address when asked for one', async () => {
    const r = await run(false, 'public.example', false);
    expect(r.err).toBeNull();
    expect(r.address).toBe('93.184.216.34');
    expect(r.family).toBe(4);
  });

  it.each(['rebind.example', 'metadata.example', 'mapped.example'])('refuses %s when any address is forbidden', async (host) => {
    const r = await run(false, host, true);
    expect(r.err).toBeInstanceOf(AddressForbiddenError);
  });

  it('lets private answers through when allowPrivate', async () => {
    const r = await run(true, 'rebind.example', false);
    expect(r.err).toBeNull();
    expect(r.address).toBe('8.8.8.8');
  });

  it('passes resolver errors through', async () => {
    const r = await run(false, 'missing.example', true);
    expect((r.err as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });
});
