// Bodies arrive as raw bytes (signatures are computed over exactly those bytes) and are parsed
// as JSON here, once the raw form has been kept.
import type { Request } from 'express';
import type { z } from 'zod';
import { badRequest } from './api-error';

export function rawBody(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** Parses the raw body as JSON against a schema; anything else is 400 / 40001. */
export function parseBody<S extends z.ZodTypeAny>(req: Request, schema: S): z.infer<S> {
  return parseJsonBytes(rawBody(req), schema);
}

/** parseBody over bytes, for servers that are not Express (the fakes). */
export function parseJsonBytes<S extends z.ZodTypeAny>(raw: Buffer, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('body is not valid JSON');
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    throw badRequest(`invalid body: ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return r.data;
}

/** Parses the query string against a schema; anything else is 400 / 40001. */
export function parseQuery<S extends z.ZodTypeAny>(req: Request, schema: S): z.infer<S> {
  const r = schema.safeParse(req.query);
  if (!r.success) {
    const first = r.error.issues[0];
    throw badRequest(`invalid query: ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return r.data;
}
