// Whether an app's releases skip the platform's review (CONTRACT.md 7.5: the review exemption is
// APPROVED). Items read the exemption through this one function only.
import type { Db } from '../db';
import { getReviewExemption } from './review-exemptions';

export async function isReviewExempt(db: Db, appId: string): Promise<boolean> {
  return (await getReviewExemption(db, appId)).status === 'APPROVED';
}
