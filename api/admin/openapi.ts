// The platform admin's routes as the OpenAPI document describes them (api/openapi/route-doc.ts):
// the bodies and parameters are the schemas router.ts parses with.
import { z } from 'zod';
import { CreateAppSchema, PatchAppSchema, PutItemSchema, PutSessionSchema } from '../../lib/domain/schemas';
import { err, ok, type RouteGroup } from '../openapi/route-doc';
import { ItemView } from '../console/items/openapi';
import { AdminCodes as C } from './errors';
import { AppPath, ItemPath, SessionPath } from './validators';

/** An app as the admin routes answer it: everything but its key (router.ts appView). */
const adminApp = {
  appId: z.string(),
  name: z.string(),
  deliveryUrl: z.string().nullable(),
  deliveryTestUrl: z.string().nullable(),
  paymentEnabled: z.boolean(),
  teamId: z.string().nullable(),
};

const appNotFound = err(404, C.appNotFound, 'unknown app');

export const adminRoutes: RouteGroup = {
  prefix: '/v1/admin',
  tag: 'Platform admin',
  description: "The platform's bootstrap (CONTRACT.md 6), with `Authorization: Bearer ADMIN_TOKEN`.",
  shape: 'errCode',
  codes: C,
  security: [['adminToken']],
  commonErrors: [
    err(401, C.unauthorized, 'missing or wrong admin token'),
    err(500, C.internal, 'unexpected (logged, never with details)'),
    err(503, C.databaseUnavailable, 'PostgreSQL unreachable; retry later'),
  ],
  routes: [
    {
      method: 'post',
      path: '/apps',
      summary: 'Create an app',
      description: 'The key is shown only here. paymentEnabled defaults to false.',
      body: { schema: CreateAppSchema },
      success: { status: 201, description: 'the app, with its key', schema: ok({ ...adminApp, appKey: z.string() }) },
      errors: [err(400, C.malformed, 'invalid body, a private delivery host (unless DELIVERY_ALLOW_PRIVATE), or a teamId naming no team')],
    },
    {
      method: 'get',
      path: '/apps/{appId}',
      summary: 'Read an app (without its key)',
      params: AppPath,
      success: { status: 200, description: 'the app', schema: ok(adminApp) },
      errors: [appNotFound],
    },
    {
      method: 'patch',
      path: '/apps/{appId}',
      summary: 'Change an app',
      description: '`deliveryTestUrl: null` removes the test URL.',
      params: AppPath,
      body: { schema: PatchAppSchema },
      success: { status: 200, description: 'the app', schema: ok(adminApp) },
      errors: [appNotFound],
    },
    {
      method: 'put',
      path: '/apps/{appId}/items/{productId}',
      summary: 'Create or replace an item',
      description: '`released: true` makes this version the live one (RELEASED); false leaves the item with no live version (DRAFT).',
      params: ItemPath,
      body: { schema: PutItemSchema },
      success: {
        status: [201, 200],
        description: '201 created, 200 replaced',
        schema: ok({ item: z.looseObject({ appId: z.string(), ...ItemView.shape, released: z.boolean() }) }),
      },
      errors: [appNotFound],
    },
    {
      method: 'put',
      path: '/apps/{appId}/sessions/{openId}',
      summary: "Hand vpay a user's current session key",
      params: SessionPath,
      body: { schema: PutSessionSchema },
      success: {
        status: [201, 200],
        description: '201 created, 200 replaced; the key is never echoed',
        schema: ok({ appId: z.string(), openId: z.string() }),
      },
      errors: [appNotFound],
    },
  ],
};
