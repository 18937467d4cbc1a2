// Path parameters of the platform admin's routes (CONTRACT.md 6); the bodies' schemas are the
// domain's (lib/domain/schemas.ts). The routes parse with these and the OpenAPI document
// (./openapi.ts) describes them, so the two cannot disagree.
import { z } from 'zod';
import { OpenId } from '../../lib/domain/schemas';
import { ProductId } from '../../lib/domain/items';

/** Any text: an appId that names no app (or cannot) is 404/40403, not 400. */
export const AppPath = z.object({ appId: z.string().meta({ description: 'unknown: 404/40403' }) });
export const ItemPath = AppPath.extend({ productId: ProductId });
export const SessionPath = AppPath.extend({ openId: OpenId });
