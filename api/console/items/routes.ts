// Items (CONTRACT.md 7.6): per route the app's visibility, the role's permission, then the
// request, and one application function. The import is the one route that reads a body over
// 64 KiB: the console's parser leaves it alone (importsOwnBody) and it reads up to 5 MiB itself,
// after the checks, so a caller without the permission never gets a file read.
import express, { type Request, type RequestHandler, type Router } from 'express';
import type { ApiDeps } from '../../deps';
import { ApiError, badRequest, CommonCodes } from '../../http/api-error';
import { parseBody, parseQuery, rawBody } from '../../http/body';
import { principalOf } from '../auth';
import { appOf, can, visibleApp } from '../middlewares';
import {
  CreateItemBody,
  ListItemsQuery,
  PatchItemBody,
  ProductIdParam,
  ReleaseBody,
  ReviewBody,
  ReviewsQuery,
  TemplateQuery,
} from './validators';
import { SHEET_CONTENT_TYPES, writeItemTemplate, type SheetFormat } from '../../../lib/domain/console/item-sheet';
import {
  createItem,
  deleteItem,
  editItem,
  importItems,
  listItems,
  listReviews,
  releaseItems,
  reviewItem,
} from '../../../application/console/items';

const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const IMPORT_PATH = /^\/apps\/[^/]+\/items\/import\/?$/i;

/** The import's requests, whose body the console's 64 KiB parser must not read. */
export const importsOwnBody = (req: Request): boolean => req.method === 'POST' && IMPORT_PATH.test(req.path);

const productIdOf = (req: Request): string => {
  const r = ProductIdParam.safeParse(req.params.productId);
  if (!r.success) throw badRequest('productId must be 1..128 of [A-Za-z0-9_-.@|*]');
  return r.data;
};

/** The import's format from its Content-Type; anything else is 415/41501, before the body is read. */
const importFormat: RequestHandler = (req, res, next) => {
  const [type, ...params] = (req.get('content-type') ?? '').split(';').map((s) => s.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  const format = (Object.keys(SHEET_CONTENT_TYPES) as SheetFormat[]).find((f) => SHEET_CONTENT_TYPES[f] === type);
  if (!format)
    return next(
      new ApiError(415, CommonCodes.unsupportedEncoding, `Content-Type must be ${SHEET_CONTENT_TYPES.csv} or ${SHEET_CONTENT_TYPES.xlsx}`),
    );
  if (format === 'csv' && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return next(new ApiError(415, CommonCodes.unsupportedEncoding, 'a CSV file must be UTF-8'));
  }
  res.locals.importFormat = format;
  next();
};

/** Reads the import's file, up to 5 MiB (413/41301 above, with this route's limit in the message). */
const importFile = (): RequestHandler => {
  const parse = express.raw({ type: () => true, limit: MAX_IMPORT_BYTES });
  return (req, res, next) =>
    parse(req, res, (err?: unknown) =>
      next(
        (err as { type?: string } | undefined)?.type === 'entity.too.large'
          ? new ApiError(413, CommonCodes.bodyTooLarge, 'the file is over 5 MiB')
          : err,
      ),
    );
};

export function itemRoutes(router: Router, apiDeps: ApiDeps): void {
  const deps = { db: apiDeps.db };
  const app = visibleApp(apiDeps);
  const items = '/apps/:appId/items';

  router.get(items, app, can('items.view'), async (req, res) => {
    const page = await listItems(deps, appOf(res), parseQuery(req, ListItemsQuery));
    res.json({ errCode: 0, items: page.items, nextCursor: page.nextCursor });
  });

  router.post(items, app, can('items.edit'), async (req, res) => {
    const body = parseBody(req, CreateItemBody);
    const item = await createItem(deps, principalOf(res), appOf(res), { ...body, imageUrl: body.imageUrl ?? null });
    res.status(201).json({ errCode: 0, ...item });
  });

  router.post(`${items}/import`, app, can('items.edit'), importFormat, importFile(), async (req, res) => {
    const counts = await importItems(deps, principalOf(res), appOf(res), res.locals.importFormat as SheetFormat, rawBody(req));
    res.json({ errCode: 0, ...counts });
  });

  router.post(`${items}/release`, app, can('items.release'), async (req, res) => {
    const { productIds } = parseBody(req, ReleaseBody);
    const released = await releaseItems(deps, principalOf(res), appOf(res), productIds);
    res.json({ errCode: 0, items: released });
  });

  router.patch(`${items}/:productId`, app, can('items.edit'), async (req, res) => {
    const productId = productIdOf(req);
    const item = await editItem(deps, principalOf(res), appOf(res), productId, parseBody(req, PatchItemBody));
    res.json({ errCode: 0, ...item });
  });

  router.delete(`${items}/:productId`, app, can('items.remove'), async (req, res) => {
    const outcome = await deleteItem(deps, principalOf(res), appOf(res), productIdOf(req));
    res.json(outcome.deleted ? { errCode: 0, deleted: true } : { errCode: 0, deleted: false, ...outcome.item });
  });

  router.post(`${items}/:productId/review`, app, can('items.review'), async (req, res) => {
    const productId = productIdOf(req);
    const item = await reviewItem(deps, principalOf(res), appOf(res), productId, parseBody(req, ReviewBody));
    res.json({ errCode: 0, ...item });
  });

  // No app in the path: the template is the same for every app.
  router.get('/item-template', can('items.template'), async (req, res) => {
    const { format } = parseQuery(req, TemplateQuery);
    res.type(SHEET_CONTENT_TYPES[format]);
    res.attachment(`items-template.${format}`);
    await writeItemTemplate(format, res);
  });

  // items.view: the reviewers (the platform roles) and the teams, each the apps it sees.
  router.get('/reviews', can('items.view'), async (req, res) => {
    const page = await listReviews(deps, principalOf(res), parseQuery(req, ReviewsQuery));
    res.json({ errCode: 0, items: page.items, nextCursor: page.nextCursor });
  });
}
