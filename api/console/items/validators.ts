// Requests of the console's items (CONTRACT.md 7.6). The fields' rules are the domain's
// (lib/domain/items.ts), shared with the import's cells.
import { z } from 'zod';
import { isStorableText } from '../../../lib/domain/schemas';
import { ITEM_STATUSES, ItemCurrency, ItemImageUrl, ItemName, ItemPrice, ProductId } from '../../../lib/domain/items';
import { SHEET_FORMATS } from '../../../lib/domain/console/item-sheet';
import { PagingQuery } from '../validators';

export const ProductIdParam = ProductId;

export const ListItemsQuery = PagingQuery.extend({
  status: z.enum(ITEM_STATUSES).optional(),
  /** Matches productId or name, in part, whatever the case; empty: no filter. */
  q: z
    .string()
    .trim()
    .max(200)
    .refine(isStorableText, 'must be well-formed text')
    .transform((q) => q || undefined)
    .optional(),
});

// Strict: a field the route does not take (say `status` or `released`) is refused rather than
// silently ignored, since the caller believed it would do something.
export const CreateItemBody = z
  .object({
    productId: ProductId,
    name: ItemName,
    price: ItemPrice,
    currencyType: ItemCurrency,
    imageUrl: ItemImageUrl.nullable().optional(),
  })
  .strict();

export const PatchItemBody = z
  .object({
    name: ItemName.optional(),
    price: ItemPrice.optional(),
    currencyType: ItemCurrency.optional(),
    imageUrl: ItemImageUrl.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'give at least one of name, price, currencyType, imageUrl');

export const ReleaseBody = z.object({ productIds: z.array(ProductId).min(1).max(500) }).strict();

export const ReviewBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().min(1).max(500).refine(isStorableText, 'must be well-formed text without NUL characters').optional(),
  })
  .strict();

/** The template's format; xlsx, the seed's "Excel sheet", when not given. */
export const TemplateQuery = z.object({ format: z.enum(SHEET_FORMATS).default('xlsx') });

export const ReviewsQuery = PagingQuery.extend({
  appId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, 'must be an id this API gave')
    .optional(),
});
