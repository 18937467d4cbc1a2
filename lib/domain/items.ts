// An item's draft and live version, and the rules of its lifecycle (CONTRACT.md 7.6). The team
// edits the draft; players buy the live version (section 2), which changes only when a release
// goes through (a review's approval, an exempt app's release, or the platform's section 6 PUT).
// Pure functions: the application reads, decides here, and writes.
import { z } from 'zod';
import { CURRENCY, httpUrl, IDENT, isStorableText } from './schemas';

export const ITEM_STATUSES = ['DRAFT', 'PENDING_REVIEW', 'RELEASED', 'REJECTED', 'REMOVED'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** What the team edits, and what a live version was copied from. */
export interface ItemDraft {
  name: string;
  price: number;
  currencyType: string;
  imageUrl: string | null;
}

export interface LiveVersion extends ItemDraft {
  releasedAt: Date;
}

export interface Item extends ItemDraft {
  appId: string;
  productId: string;
  status: ItemStatus;
  live: LiveVersion | null;
  reviewReason: string | null;
  /** When the item first went live; never cleared (an item ever sold is removed, not deleted). */
  firstReleasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The version a payment request (section 2) is checked against, or undefined: not for sale. */
export const sellableVersion = (i: Item): LiveVersion | undefined => (i.status !== 'REMOVED' && i.live ? i.live : undefined);

/** Statuses a release may be requested from; any other is 409/40906. */
export const RELEASABLE: readonly ItemStatus[] = ['DRAFT', 'REJECTED'];

const sameDraft = (a: ItemDraft, b: ItemDraft): boolean =>
  a.name === b.name && a.price === b.price && a.currencyType === b.currencyType && a.imageUrl === b.imageUrl;

/**
 * The item after an edit (PATCH, or an import row naming an existing item), or undefined when the
 * edit changes nothing. A change makes the status DRAFT and leaves the live version selling; it
 * also withdraws a pending review (the reviewer must not approve what they did not see). A REMOVED
 * item edited comes back as a DRAFT with no live version: removal stops the sales, and only a new
 * release may start them again.
 */
export function editedItem(i: Item, changes: Partial<ItemDraft>, now: Date): Item | undefined {
  const draft: ItemDraft = {
    name: changes.name ?? i.name,
    price: changes.price ?? i.price,
    currencyType: changes.currencyType ?? i.currencyType,
    imageUrl: changes.imageUrl !== undefined ? changes.imageUrl : i.imageUrl,
  };
  if (i.status === 'REMOVED') return { ...i, ...draft, status: 'DRAFT', live: null, updatedAt: now };
  if (sameDraft(draft, i)) return undefined;
  return { ...i, ...draft, status: 'DRAFT', updatedAt: now };
}

/** The draft becomes the live version (RELEASED). */
export function releasedItem(i: Item, now: Date, reviewReason: string | null): Item {
  const { name, price, currencyType, imageUrl } = i;
  return {
    ...i,
    status: 'RELEASED',
    live: { name, price, currencyType, imageUrl, releasedAt: now },
    firstReleasedAt: i.firstReleasedAt ?? now,
    reviewReason,
    updatedAt: now,
  };
}

/**
 * What DELETE does (7.6): an item never released is deleted; one ever released is kept as REMOVED
 * (orders name it); a REMOVED item stays as it is (409/40906).
 */
export function deletionOf(i: Item): 'delete' | 'remove' | 'alreadyRemoved' {
  if (i.status === 'REMOVED') return 'alreadyRemoved';
  return i.firstReleasedAt === null && i.live === null ? 'delete' : 'remove';
}

// The fields' rules, shared by the console's JSON bodies and the import's cells.
export const ProductId = z.string().regex(IDENT, 'must be 1..128 of A-Z a-z 0-9 _ - . @ | *');
export const ItemName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine(isStorableText, 'must be well-formed text without NUL characters');
export const ItemPrice = z
  .number()
  .int('must be a whole number of minor units (199 for 1.99)')
  .positive('must be greater than 0')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');
export const ItemCurrency = z.string().regex(CURRENCY, 'must be an ISO 4217 code in upper case (USD)');
export const ItemImageUrl = httpUrl;

/** An item as the console (and section 6's answer) shows it (CONTRACT.md 7.6). */
export interface ItemView {
  productId: string;
  name: string;
  price: number;
  currencyType: string;
  imageUrl: string | null;
  status: ItemStatus;
  live: LiveVersion | null;
  reviewReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const itemView = (i: Item): ItemView => ({
  productId: i.productId,
  name: i.name,
  price: i.price,
  currencyType: i.currencyType,
  imageUrl: i.imageUrl,
  status: i.status,
  live: i.live,
  reviewReason: i.reviewReason,
  createdAt: i.createdAt,
  updatedAt: i.updatedAt,
});
