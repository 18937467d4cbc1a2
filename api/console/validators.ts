// Request schemas shared by the console's route groups; each group keeps its own beside its routes.
import { z } from 'zod';
import { decodeCursor } from '../../lib/db/paging';
import { isStorableText } from '../../lib/domain/schemas';

/** `limit` (1..200, default 50) and `cursor` (opaque) of every console list (CONTRACT.md 7). */
export const PagingQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(512)
    .refine((c) => decodeCursor(c) !== undefined, 'is not a cursor this API gave')
    .optional(),
});

/** A display name: 1..200 characters of well-formed text. */
export const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => s.isWellFormed() && !s.includes('\u0000'), 'must be well-formed text');

/**
 * The :appId of a path. Anything else names no app: 404/40403 like an app of another team
 * (middlewares.ts), never 400, so a caller cannot tell the two apart.
 */
export const AppIdParam = z
  .string()
  .max(64)
  .refine(isStorableText)
  .meta({ description: 'unknown or not visible to the caller: 404/40403' });

/** The path of an app's routes. */
export const AppPath = z.object({ appId: AppIdParam });
