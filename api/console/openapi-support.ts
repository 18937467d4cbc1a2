// What every console route group's OpenAPI description shares (api/openapi/route-doc.ts): the
// audience's codes, its bearer token, the errors any console route may answer, and the 403 of a
// capability, naming the roles that have it from the permissions table itself (CONTRACT.md 7.2).
import { PERMISSIONS, type Capability } from '../../lib/domain/console/permissions';
import { err, type ErrorDoc, type RouteDoc, type RouteGroup } from '../openapi/route-doc';
import { ConsoleCodes as C } from './errors';

export const consoleGroup = (tag: string, description: string, routes: RouteDoc[]): RouteGroup => ({
  prefix: '/v1/console',
  tag,
  description,
  shape: 'errCode',
  codes: C,
  security: [['consoleToken']],
  commonErrors: [
    err(401, C.unauthorized, 'no, unknown or revoked token'),
    err(500, C.internal, 'unexpected (logged, never with details)'),
    err(503, C.databaseUnavailable, 'PostgreSQL unreachable; retry later'),
  ],
  routes,
});

/** 403/40302 unless the caller's role has `capability`; checked after the token and the app's visibility, before the body. */
export const needs = (capability: Capability): ErrorDoc =>
  err(403, C.forbidden, `the role lacks \`${capability}\` (allowed: ${PERMISSIONS[capability].join(', ')})`);

export const appNotFound = err(404, C.appNotFound, 'app unknown or not visible to the caller');
