// How a route is described for the OpenAPI document (document.ts): each audience lists its routes
// in its own `openapi.ts`, beside the routes, naming the very zod schemas its handlers parse
// requests with, so the document is generated from what validates and cannot drift from it. The
// route coverage test (test/integration/openapi.test.ts) checks that every route Express serves is
// described here and every route described here is served.
import { z } from 'zod';
import type { ZodOpenApiContentObject } from 'zod-openapi';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The security schemes of document.ts, by name. */
export type SecurityScheme = 'adminToken' | 'consoleToken' | 'metricsToken' | 'superappTimestamp' | 'superappSignature' | 'paySig';

/** One error a route may answer: its HTTP status, its code (from the audience's errors table), and when. */
export interface ErrorDoc {
  status: number;
  code: number;
  when: string;
  /** Fields the error body carries besides the code and the message (the import's bad cells). */
  fields?: z.ZodRawShape;
  /** Response headers sent with it (Retry-After on the payment request's 503/50303). */
  headers?: z.ZodRawShape;
}

export const err = (status: number, code: number, when: string, fields?: z.ZodRawShape, headers?: z.ZodRawShape): ErrorDoc => ({
  status,
  code,
  when,
  fields,
  headers,
});

export interface RouteDoc {
  method: Method;
  /** Below the group's prefix, with OpenAPI's `{param}` where Express has `:param`. */
  path: string;
  summary: string;
  description?: string;
  /** Replaces the group's security; `[]` for none. Schemes in one entry are all required together. */
  security?: SecurityScheme[][];
  /** Path, query and header parameters: the schemas the handler parses them with. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  /** A JSON body: the schema the handler parses it with. `optional`: an empty body is taken too. */
  body?: { schema: z.ZodType; optional?: boolean };
  /** A body that is not JSON (the item import's files), by media type. */
  fileBody?: ZodOpenApiContentObject;
  /** The success answer(s): one status or several with one body (PUT: 201 created, 200 replaced). */
  success: { status: number | number[]; description: string; schema?: z.ZodType; content?: ZodOpenApiContentObject };
  /** What the route itself may answer; the group's and the body's common codes are added (document.ts). */
  errors: ErrorDoc[];
}

/** The routes of one audience (or one part of the console) under one prefix. */
export interface RouteGroup {
  /** Where create-app.ts mounts the router ('' for the root). */
  prefix: string;
  tag: string;
  description?: string;
  /** The body shape of its errors (api/http/audience-router.ts). */
  shape: 'errCode' | 'returnCode';
  /** The audience's errors table: every code the group documents must be one of its values. */
  codes: Readonly<Record<string, number>>;
  security: SecurityScheme[][];
  /** Codes any of its routes may answer (CONTRACT.md 0), beyond the body's. */
  commonErrors: ErrorDoc[];
  routes: RouteDoc[];
}

/** An `errCode` or `returnCode`: one of `codes`, an integer (zod would say "number"). */
export const codeOf = (...codes: [number, ...number[]]) => z.literal(codes).meta({ override: { type: 'integer' } });

/** A success body of the errCode audiences: `errCode` 0 and the fields; more may be added later. */
export const ok = (shape: z.ZodRawShape = {}) => z.looseObject({ errCode: codeOf(0), ...shape });

/** An integer in an answer: zod's z.int() would add the safe-integer bounds to every one. */
export const int = z.number().meta({ override: { type: 'integer' } });

/** A time as vpay writes it: ISO 8601 in UTC. */
export const isoTime = z.string().meta({ format: 'date-time' });

/** A list's page (CONTRACT.md 7): `nextCursor` null on the last page. */
export const nextCursor = z.string().nullable().meta({ description: 'the `cursor` of the next page; null on the last page' });
