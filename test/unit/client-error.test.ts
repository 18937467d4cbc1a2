// What Node's HTTP parser refuses before Express sees it (api/http/client-error.ts) is answered
// with the contract's JSON error, in the shape of the route the request line names, once per
// connection; raw sockets, because Node's own client will not send a malformed request.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { clientErrorAnswerer } from '../../api/http/client-error';
import { errorShapeOfPath } from '../../api/create-app';

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((_req, res) => res.end('{}'));
  server.on('clientError', clientErrorAnswerer(errorShapeOfPath({ sandboxEnabled: false })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Sends raw bytes; the answer as status, headers and parsed body. */
function raw(bytes: string): Promise<{ status: number; head: string; json: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head, body] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, json: body ? JSON.parse(body) : undefined });
      socket.destroy();
    });
  });
}

it('a request line and headers over 16 KiB: 431 / 43101 as {errCode, errMsg}', async () => {
  const a = await raw(`GET /v1/console/apps/a/orders/${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  expect(a.status).toBe(431);
  expect(a.head).toMatch(/^Content-Type: application\/json/im);
  expect(a.json).toEqual({ errCode: 43101, errMsg: expect.any(String) });
});

it('the same under /v1/superapp/ (even 200 KiB, read in several chunks): {returnCode, returnMessage}', async () => {
  const a = await raw(`POST /v1/superapp/refunds/${'x'.repeat(200_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  expect(a.status).toBe(431);
  expect(a.json).toEqual({ returnCode: 43101, returnMessage: expect.any(String) });
});

it('a malformed header: 400 / 40001', async () => {
  const a = await raw('GET /v1/console/me HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n');
  expect(a.status).toBe(400);
  expect(a.json).toEqual({ errCode: 40001, errMsg: expect.any(String) });
});
