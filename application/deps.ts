// What the application's functions are built from: the orders and apps in PostgreSQL, and the
// purchase workflows through their one client.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db/db';
import { createPurchaseClient, type PurchaseClient, type PurchaseClientConfig } from './purchase-client';

export interface ApplicationDeps {
  db: Db;
  purchases: PurchaseClient;
}

export function applicationDeps(o: { db: Db; client: Client; config: PurchaseClientConfig }): ApplicationDeps {
  return { db: o.db, purchases: createPurchaseClient(o.client, o.config) };
}
