// What revoking a review exemption does to the app's items (CONTRACT.md 7.5: with removeItems,
// every live item is removed and can no longer be bought). Kept apart from the items'
// repositories so that the items model (drafts and live versions, 7.6) has one function to adapt.
import type { Db } from '../db';

/**
 * Takes every live item of the app off sale, in the caller's transaction; answers how many.
 * Against today's items table "live" is `released`, and unreleasing is what stops a purchase
 * (application/request-payment.ts). The items model of 7.6 replaces this with status REMOVED,
 * which keeps the live version for the orders that bought it.
 */
export async function removeLiveItems(trx: Db, appId: string): Promise<number> {
  return trx('items').where({ app_id: appId, released: true }).update({ released: false, updated_at: trx.fn.now() });
}
