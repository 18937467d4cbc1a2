// GET /docs: the OpenAPI document rendered by Swagger UI, served from the swagger-ui-dist npm
// package on this server (no CDN): our own page and start script, then only the package's files
// named in DOCS_ASSETS. The package's own index.html is never served: its start script loads the
// Petstore example from the internet. The page's Content-Security-Policy lets the browser load
// nothing from elsewhere, and the validator badge (which would call validator.swagger.io) is off.
import path from 'node:path';
import { z } from 'zod';

/** Where swagger-ui-dist's files are (its package root). */
export const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** Our start script, served under /docs like the package's files. */
export const DOCS_SCRIPT = 'vpay-docs.js';

/** What /docs/{asset} serves; anything else is 404/40404. */
export const DocsAssetParam = z.enum(['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'favicon-16x16.png', DOCS_SCRIPT]);

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>vpay API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/${DOCS_SCRIPT}"></script>
  </body>
</html>
`;

/** In a file of its own, not inline, so that the policy can forbid inline scripts. */
export const DOCS_SCRIPT_SOURCE = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/**
 * Only this origin. Swagger UI sets style attributes (hence 'unsafe-inline' for styles only) and
 * draws its icons from data: URLs.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
