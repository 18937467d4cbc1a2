// GET /openapi.json (the document, built once on first use) and GET /docs (it rendered, from files
// on this server): no authentication, like /healthz. CONTRACT.md 9.
import path from 'node:path';
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { ApiError, CommonCodes } from '../http/api-error';
import { DOCS_CSP, DOCS_PAGE, DOCS_SCRIPT, DOCS_SCRIPT_SOURCE, DocsAssetParam, SWAGGER_UI_DIR } from './docs-page';
import { openApiDocument, type DocumentOptions } from './document';

/** What this instance serves: the sandbox's routes and /metrics only when they are mounted. */
export const documentOptionsOf = ({ config }: Pick<ApiDeps, 'config'>): DocumentOptions => ({
  sandbox: config.sandboxEnabled,
  metrics: Boolean(config.metricsToken),
});

export function openApiRouter(deps: Pick<ApiDeps, 'config'>): Router {
  const router = Router();
  let document: object | undefined;

  router.get('/openapi.json', (_req, res) => {
    document ??= openApiDocument(documentOptionsOf(deps));
    res.json(document);
  });

  router.get('/docs', (_req, res) => {
    res.set('Content-Security-Policy', DOCS_CSP).type('html').send(DOCS_PAGE);
  });

  router.get('/docs/:asset', (req, res, next) => {
    const asset = DocsAssetParam.safeParse(req.params.asset);
    if (!asset.success) return next(new ApiError(404, CommonCodes.routeNotFound, `no route GET ${req.path}`));
    res.set('X-Content-Type-Options', 'nosniff');
    if (asset.data === DOCS_SCRIPT) return void res.type('text/javascript').send(DOCS_SCRIPT_SOURCE);
    // The files change only with the package: an hour in the browser's cache is safe.
    res.sendFile(path.join(SWAGGER_UI_DIR, asset.data), { maxAge: '1h' }, (e) => e && next(e));
  });
  return router;
}
