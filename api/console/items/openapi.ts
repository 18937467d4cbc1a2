// Items (CONTRACT.md 7.6) as the OpenAPI document describes them: the bodies, queries and
// parameters are the schemas ./routes.ts parses with.
import { z } from 'zod';
import { ITEM_STATUSES } from '../../../lib/domain/items';
import { ITEM_COLUMNS, MAX_IMPORT_ROWS, SHEET_CONTENT_TYPES } from '../../../lib/domain/console/item-sheet';
import { err, int, isoTime, nextCursor, ok } from '../../openapi/route-doc';
import { ConsoleCodes as C } from '../errors';
import { appNotFound, consoleGroup, needs } from '../openapi-support';
import { AppPath } from '../validators';
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

/** An item: its draft and its live version (lib/domain/items.ts itemView); also in the admin's PUT answer. */
export const ItemView = z
  .looseObject({
    productId: z.string(),
    name: z.string(),
    price: int.meta({ description: 'minor units' }),
    currencyType: z.string(),
    imageUrl: z.string().nullable(),
    status: z.enum(ITEM_STATUSES),
    live: z
      .object({ name: z.string(), price: int, currencyType: z.string(), imageUrl: z.string().nullable(), releasedAt: isoTime })
      .nullable()
      .meta({ description: 'what players buy; null when nothing was released' }),
    reviewReason: z.string().nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: 'Item' });

const items = '/apps/{appId}/items';
const ItemPath = AppPath.extend({ productId: ProductIdParam });
const itemNotFound = err(404, C.notFound, 'unknown item');
const badProductId = err(400, C.malformed, 'productId is not 1..128 of [A-Za-z0-9_-.@|*]');
const wrongState = (when: string) => err(409, C.wrongState, when);

/** Both formats of the import and the template (lib/domain/console/item-sheet.ts). */
const sheetContent = (description: string) => ({
  [SHEET_CONTENT_TYPES.csv]: { schema: { type: 'string' as const, description: `${description} (UTF-8)` } },
  [SHEET_CONTENT_TYPES.xlsx]: { schema: { type: 'string' as const, contentMediaType: SHEET_CONTENT_TYPES.xlsx, description } },
});

export const itemRoutes = consoleGroup(
  'Console: items',
  'CONTRACT.md 7.6. An item has a draft (what the team edits) and a live version (what players buy).',
  [
    {
      method: 'get',
      path: items,
      summary: "The app's items",
      description: 'q matches productId or name, in part.',
      params: AppPath,
      query: ListItemsQuery,
      success: { status: 200, description: 'a page of items', schema: ok({ items: z.array(ItemView), nextCursor }) },
      errors: [appNotFound, needs('items.view')],
    },
    {
      method: 'post',
      path: items,
      summary: 'Add an item (DRAFT)',
      params: AppPath,
      body: { schema: CreateItemBody },
      success: { status: 201, description: 'the item', schema: ok(ItemView.shape) },
      errors: [appNotFound, needs('items.edit'), err(409, C.productIdExists, 'productId already exists')],
    },
    {
      method: 'post',
      path: `${items}/import`,
      summary: 'Import items from a file',
      description:
        `The file is the raw body, up to 5 MiB and ${MAX_IMPORT_ROWS} rows, header row ${ITEM_COLUMNS.join(',')}. ` +
        'All or nothing: an existing productId is edited as by PATCH.',
      params: AppPath,
      fileBody: sheetContent('the sheet, its first row the header'),
      success: { status: 200, description: 'what was saved', schema: ok({ created: int, updated: int }) },
      errors: [
        appNotFound,
        needs('items.edit'),
        err(400, C.malformed, 'the file or a cell is malformed: every bad cell is listed, nothing is saved', {
          errors: z
            .array(z.object({ row: int.nullable(), column: z.string().nullable(), message: z.string() }))
            .meta({ description: 'rows as a spreadsheet numbers them (the header is row 1); null for the whole file' }),
        }),
        err(413, C.bodyTooLarge, 'the file is over 5 MiB'),
        err(415, C.unsupportedEncoding, 'Content-Type neither text/csv (UTF-8) nor the xlsx type'),
      ],
    },
    {
      method: 'post',
      path: `${items}/release`,
      summary: 'Request the release of items',
      description:
        'Each item in DRAFT or REJECTED goes to PENDING_REVIEW, or straight to RELEASED when the review exemption of the app is ' +
        'APPROVED. All or nothing.',
      params: AppPath,
      body: { schema: ReleaseBody },
      success: { status: 200, description: 'every item named', schema: ok({ items: z.array(ItemView) }) },
      errors: [appNotFound, needs('items.release'), err(404, C.notFound, 'an unknown productId'), wrongState('an item in another status')],
    },
    {
      method: 'patch',
      path: `${items}/{productId}`,
      summary: 'Edit the draft of an item',
      description: 'A change makes the status DRAFT while the live version keeps selling.',
      params: ItemPath,
      body: { schema: PatchItemBody },
      success: { status: 200, description: 'the item', schema: ok(ItemView.shape) },
      errors: [appNotFound, needs('items.edit'), itemNotFound],
    },
    {
      method: 'delete',
      path: `${items}/{productId}`,
      summary: 'Delete or remove an item',
      description: 'An item never released is deleted; one with a live version becomes REMOVED (kept for its orders).',
      params: ItemPath,
      success: {
        status: 200,
        description: '`{"deleted":true}`, or `{"deleted":false, ...item}` (REMOVED)',
        schema: ok({ deleted: z.boolean() }),
      },
      errors: [appNotFound, needs('items.remove'), badProductId, itemNotFound, wrongState('the item is REMOVED already')],
    },
    {
      method: 'post',
      path: `${items}/{productId}/review`,
      summary: 'Approve or reject an item pending review',
      description: 'approve makes the draft live (RELEASED); reject gives REJECTED with the reason.',
      params: ItemPath,
      body: { schema: ReviewBody },
      success: { status: 200, description: 'the item', schema: ok(ItemView.shape) },
      errors: [appNotFound, needs('items.review'), itemNotFound, wrongState('the item is not PENDING_REVIEW')],
    },
    {
      method: 'get',
      path: '/item-template',
      summary: 'The import template',
      description: `Header row ${ITEM_COLUMNS.join(',')}; the xlsx adds a sheet that explains the columns.`,
      query: TemplateQuery,
      success: { status: 200, description: 'the template, as an attachment', content: sheetContent('the template') },
      errors: [needs('items.template')],
    },
    {
      method: 'get',
      path: '/reviews',
      summary: 'Items pending review in the apps the caller sees',
      query: ReviewsQuery,
      success: {
        status: 200,
        description: 'a page of items, each with its app',
        schema: ok({ items: z.array(z.looseObject({ appId: z.string(), appName: z.string(), ...ItemView.shape })), nextCursor }),
      },
      errors: [needs('items.view'), appNotFound],
    },
  ],
);
