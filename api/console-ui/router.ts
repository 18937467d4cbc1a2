// GET /console: the web console (console-ui/), built by Vite into dist/console-ui and served here,
// same origin as the console API it calls (no CORS). Hashed assets are cached for a year; the
// page itself is revalidated every time, so a new build is picked up at once. Any other path under
// /console is the single page app's (its router reads the path), so it gets index.html.
// Without a build, /console answers 503 with a page saying how to build it: the API itself still
// starts and serves everything else.
import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/**
 * Where `tools/build/console-ui.js` writes the console: <root>/dist/console-ui. Run from source
 * (tsx, jest) this file is <root>/api/console-ui/router.ts; in the build (`npm run build`) it is
 * <dist>/api/console-ui/router.js, and the console was built into <dist>/console-ui.
 */
export function defaultConsoleUiDir(file = __filename): string {
  const up = path.resolve(path.dirname(file), '..', '..');
  return file.endsWith('.ts') ? path.join(up, 'dist', 'console-ui') : path.join(up, 'console-ui');
}

const SECURITY_HEADERS: Record<string, string> = {
  // The console loads nothing from elsewhere; items' images may come from any http(s) host.
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data: blob: https: http:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vpay console: not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>The web console is not built</h1>
<p>This API serves the console from <code>dist/console-ui</code>, which is missing. Build it with</p>
<pre>node tools/build/console-ui.js</pre>
<p>(<code>npm start</code> and <code>npm test</code> build it when missing or stale; <code>npm run build</code> builds it with the
services). Reload this page afterwards: the API need not restart.</p>
<p>The console API itself is at <a href="/docs">/docs</a>.</p>
</body></html>
`;

export function consoleUiRouter(dir: string = defaultConsoleUiDir()): Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');

  router.use((req, res, next) => {
    res.set(SECURITY_HEADERS);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('Allow', 'GET, HEAD').status(405).type('text/plain').send('The console is read with GET.\n');
      return;
    }
    // /console -> /console/, so the page's relative paths and the router's base agree.
    if (req.originalUrl === '/console' || req.originalUrl.startsWith('/console?')) {
      res.redirect(301, `/console/${req.originalUrl.slice('/console'.length)}`);
      return;
    }
    if (!fs.existsSync(index)) {
      res.status(503).set('Cache-Control', 'no-store').type('html').send(NOT_BUILT);
      return;
    }
    next();
  });

  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), {
      index: false,
      setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
    }),
  );

  // Any other path: the page (the console's own router reads the path). Revalidated each time.
  // Middleware, not a route: the console is not part of the API (/openapi.json lists routes only),
  // and only GET and HEAD get this far.
  router.use((req, res, next) => {
    if (path.posix.extname(req.path) && req.path !== '/index.html') {
      // A file that is not there (favicon.ico, a stale asset): 404, not the page.
      res.status(404).set('Cache-Control', 'no-store').type('text/plain').send('Not found\n');
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index, (err) => err && next(err));
  });
  return router;
}
