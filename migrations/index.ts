// The migrations, listed in code rather than found on disk, so they run the same under tsx,
// jest and compiled JavaScript. Append new ones; never edit or reorder a released one.
import type { Knex } from 'knex';
import * as m001 from './001_initial';
import * as m002 from './002_delivery_endpoint_health';
import * as m003 from './003_delivery_attempt_url_credentials';
import * as m004 from './004_console_identities';
import * as m005 from './005_payment_requests_and_exemptions';
import * as m006 from './006_app_keys_and_delivery_config';
import * as m007 from './007_item_versions';
import * as m008 from './008_order_record_indexes';
import * as m009 from './009_refunds';
import * as m010 from './010_dashboard_indexes';

const migrations: Record<string, Knex.Migration> = {
  '001_initial': m001,
  '002_delivery_endpoint_health': m002,
  '003_delivery_attempt_url_credentials': m003,
  '004_console_identities': m004,
  '005_payment_requests_and_exemptions': m005,
  '006_app_keys_and_delivery_config': m006,
  '007_item_versions': m007,
  '008_order_record_indexes': m008,
  '009_refunds': m009,
  '010_dashboard_indexes': m010,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
