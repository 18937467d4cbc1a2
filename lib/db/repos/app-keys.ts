// The versions of each app's key (CONTRACT.md 7.4). apps.app_key is the current key, the one every
// notification is signed with; app_keys keeps every version, and a rotated-out one verifies
// incoming signatures until its valid_until. Times come from PostgreSQL's clock, the one clock
// every API process shares, so all of them stop accepting a rotated-out key at the same instant.
import type { Db } from '../db';
import { newAppKey } from './apps';

export interface KeyVersion {
  /** 0 before the first key. */
  version: number;
  issuedAt: Date | null;
}

export interface IssuedKey {
  appKey: string;
  version: number;
  issuedAt: Date;
  /** Until when the key it replaced still verifies; null for an app's first key. */
  previousValidUntil: Date | null;
}

/** The current key's version and when it was issued (version 0 before the first key). */
export async function currentKeyVersion(db: Db, appId: string): Promise<KeyVersion> {
  const row = await db('app_keys').where({ app_id: appId }).orderBy('version', 'desc').first('version', 'issued_at');
  return row ? { version: row.version, issuedAt: row.issued_at } : { version: 0, issuedAt: null };
}

/** The key the current one replaced, while it is still valid; else undefined. */
export async function stillValidPreviousKey(db: Db, appId: string): Promise<string | undefined> {
  const row = await db('app_keys')
    .where({ app_id: appId })
    .andWhere('valid_until', '>', db.fn.now())
    .orderBy('version', 'desc')
    .first('key');
  return row?.key;
}

/**
 * Issues the app's next key and makes it the current one (apps.app_key). The key it replaces stays
 * valid for `overlapMs`; any older key still in its overlap stops now, so at most one previous key
 * verifies: rotating twice quickly (say, after a leak) does not keep the leaked key alive. Run it
 * in a transaction that holds the app's row (lockApp), so two rotations cannot pick one version.
 */
export async function issueAppKey(trx: Db, appId: string, overlapMs: number): Promise<IssuedKey> {
  const current = await trx('app_keys').where({ app_id: appId }).orderBy('version', 'desc').first('version');
  let previousValidUntil: Date | null = null;
  if (current) {
    await trx('app_keys')
      .where({ app_id: appId })
      .andWhere('version', '<', current.version)
      .andWhere('valid_until', '>', trx.fn.now())
      .update({ valid_until: trx.fn.now() });
    const [replaced] = await trx('app_keys')
      .where({ app_id: appId, version: current.version })
      .update({ valid_until: trx.raw(`now() + ? * interval '1 millisecond'`, [overlapMs]) })
      .returning('valid_until');
    previousValidUntil = replaced.valid_until;
  }
  const appKey = newAppKey();
  const [issued] = await trx('app_keys')
    .insert({ app_id: appId, version: (current?.version ?? 0) + 1, key: appKey })
    .returning(['version', 'issued_at']);
  await trx('apps').where({ app_id: appId }).update({ app_key: appKey, updated_at: trx.fn.now() });
  return { appKey, version: issued.version, issuedAt: issued.issued_at, previousValidUntil };
}
