// Removes a username and password from the URLs of delivery attempts already recorded: an app
// saved with credentials in its delivery URL had them copied into every attempt's record. New
// attempts record the URL without them (activities/delivery.ts), and new URLs cannot have them.
import type { Knex } from 'knex';

/** `scheme://` and whatever precedes an `@` before the path, query or fragment: the userinfo. */
const USERINFO = '^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('update delivery_attempts set url = regexp_replace(url, ?, ?) where url ~ ?', [USERINFO, '\\1', USERINFO]);
}

export async function down(): Promise<void> {
  // The credentials are gone for good, as intended.
}
