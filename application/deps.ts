// What the application's functions are built from: the orders and apps in PostgreSQL, and the
// purchase and refund workflows through their clients.
import type { Client } from '@temporalio/client';
import type { Db } from '../lib/db/db';
import { createPurchaseClient, type PurchaseClient, type PurchaseClientConfig } from './purchase-client';
import { createRefundClient, type RefundClient, type RefundClientConfig } from './refund-client';

export interface ApplicationDeps {
  db: Db;
  purchases: PurchaseClient;
  /** The refund workflows (CONTRACT.md 8). */
  refunds: RefundClient;
}

export function applicationDeps(o: { db: Db; client: Client; config: PurchaseClientConfig & RefundClientConfig }): ApplicationDeps {
  return { db: o.db, purchases: createPurchaseClient(o.client, o.config), refunds: createRefundClient(o.client, o.config) };
}
