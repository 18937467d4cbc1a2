// Whether an app's releases skip the platform's review (CONTRACT.md 7.5: the review exemption is
// APPROVED). Items read the exemption through this one function only.
import type { Db } from '../db';

/**
 * Always false for now: the review exemption (7.5, its `review_exemptions` table from migration
 * 005) is built on another branch. At merge this reads that table: true when the app's exemption
 * status is APPROVED.
 */
export async function isReviewExempt(_db: Db, _appId: string): Promise<boolean> {
  return false;
}
