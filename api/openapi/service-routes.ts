// The routes at the root (api/health.ts, ./router.ts) as the OpenAPI document describes them.
import { z } from 'zod';
import { HealthCodes as C } from '../health';
import { DocsAssetParam } from './docs-page';
import { err, type RouteDoc, type RouteGroup } from './route-doc';

export function serviceRoutes(o: { metrics: boolean }): RouteGroup {
  const metrics: RouteDoc = {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    description: 'Only when METRICS_TOKEN is set (else 404/40404, like any unknown route), with that token.',
    security: [['metricsToken']],
    success: {
      status: 200,
      description: "Prometheus' text format",
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
    errors: [err(401, C.unauthorized, 'missing or wrong metrics token')],
  };
  return {
    prefix: '',
    tag: 'Service',
    description: 'Health, metrics and this description.',
    shape: 'errCode',
    codes: C,
    security: [],
    commonErrors: [err(500, C.internal, 'unexpected (logged, never with details)')],
    routes: [
      {
        method: 'get',
        path: '/healthz',
        summary: 'Health',
        success: { status: 200, description: 'PostgreSQL and Temporal answer', schema: z.object({ status: z.literal('ok') }) },
        errors: [
          err(503, C.unavailable, 'PostgreSQL or Temporal does not answer (errMsg says which)', { status: z.literal('unavailable') }),
        ],
      },
      ...(o.metrics ? [metrics] : []),
      {
        method: 'get',
        path: '/openapi.json',
        summary: 'This OpenAPI 3.1 document',
        description: 'Generated from the schemas that validate the requests.',
        success: { status: 200, description: 'the document', content: { 'application/json': { schema: { type: 'object' } } } },
        errors: [],
      },
      {
        method: 'get',
        path: '/docs',
        summary: 'This document, rendered (Swagger UI, served from this server)',
        success: { status: 200, description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } },
        errors: [],
      },
      {
        method: 'get',
        path: '/docs/{asset}',
        summary: "The page's scripts, style sheet and icons",
        params: z.object({ asset: DocsAssetParam }),
        success: {
          status: 200,
          description: 'the file',
          content: {
            'text/javascript': { schema: { type: 'string' } },
            'text/css': { schema: { type: 'string' } },
            'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
          },
        },
        errors: [err(404, C.routeNotFound, 'no such file')],
      },
    ],
  };
}
