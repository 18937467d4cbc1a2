// GET /console (api/console-ui/router.ts): the built web console with the right cache headers, the
// single page app's paths answered with its page, and a 503 saying how to build when it is not built.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { consoleUiRouter, defaultConsoleUiDir } from '../../api/console-ui/router';

let dir: string;
const servers: http.Server[] = [];

/** Serves the router over `d` and answers one request to it. */
async function get(d: string, url: string, init: RequestInit = {}) {
  const server = http.createServer(express().use('/console', consoleUiRouter(d)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${url}`, { redirect: 'manual', ...init });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-console-ui-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
  fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
});
afterAll(async () => {
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('without a build: 503 with a page saying how to build it', async () => {
  const res = await get(path.join(dir, 'missing'), '/console/orders');
  expect(res.status).toBe(503);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  expect(res.text).toContain('node tools/build/console-ui.js');
  expect(res.headers.get('cache-control')).toBe('no-store');
});

test('/console redirects to /console/, keeping the query', async () => {
  const res = await get(dir, '/console?app=a1');
  expect(res.status).toBe(301);
  expect(res.headers.get('location')).toBe('/console/?app=a1');
});

test.each(['/console/', '/console/orders', '/console/items?app=x', '/console/a/b/c'])(
  '%s is the page, revalidated each time',
  async (url) => {
    const res = await get(dir, url);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>console</title>');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  },
);

test('hashed assets are cached for a year; a missing file is 404, not the page', async () => {
  const asset = await get(dir, '/console/assets/index-abc123.js');
  expect(asset.status).toBe(200);
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(asset.headers.get('content-type')).toMatch(/javascript/);
  for (const url of ['/console/assets/index-gone.js', '/console/favicon.ico']) {
    const res = await get(dir, url);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('<title>console</title>');
  }
});

test('only GET and HEAD', async () => {
  const res = await get(dir, '/console/orders', { method: 'POST', body: '{}' });
  expect(res.status).toBe(405);
  expect(res.headers.get('allow')).toBe('GET, HEAD');
});

test('the build is found from the sources and from the compiled API', () => {
  const root = path.resolve(__dirname, '..', '..');
  expect(defaultConsoleUiDir(path.join(root, 'api', 'console-ui', 'router.ts'))).toBe(path.join(root, 'dist', 'console-ui'));
  expect(defaultConsoleUiDir('/srv/vpay/dist/api/console-ui/router.js')).toBe('/srv/vpay/dist/console-ui');
});
