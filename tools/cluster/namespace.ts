// The namespace vpay runs in: a fresh cluster has none but Temporal's own, so it is registered
// once; then each frontend is waited on until it knows it (its namespace cache refreshes every
// few seconds) and until vpay's search attributes can be used through it.
import fs from 'node:fs';
import { Connection, type TLSConfig } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes } from '../../lib/platform/temporal-setup';
import { sleep } from '../dev/managed-process';
import type { ClusterTls } from './server-config';

const READY_TIMEOUT_MS = 120_000;

/** Registers `namespace` through `address`, then waits on every frontend for it and its search attributes. */
export async function prepareNamespace(o: {
  address: string;
  frontendAddresses: readonly string[];
  namespace: string;
  searchAttributes: readonly string[];
  tls?: ClusterTls;
}): Promise<void> {
  await ensureNamespace(o.address, o.namespace, o.tls);
  for (const address of o.frontendAddresses) {
    const connection = await Connection.connect({ address, tls: clientTls(o.tls) });
    try {
      await waitForNamespace(connection, o.namespace);
      await ensureSearchAttributes(connection, o.namespace, o.searchAttributes);
    } finally {
      await connection.close();
    }
  }
}

/** A fresh cluster has no namespace but the system's: registers vpay's, once. */
async function ensureNamespace(address: string, namespace: string, tls: ClusterTls | undefined): Promise<void> {
  const connection = await Connection.connect({ address, tls: clientTls(tls) });
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      try {
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs('3 days'),
        });
        return;
      } catch (err) {
        if (/already exists|AlreadyExists/i.test((err as Error).message)) return;
        // The frontend serves before its history hosts have joined: try again; a refusal waiting
        // will not fix (a certificate, a permission) fails at once.
        if (!isTransient(err) || Date.now() > deadline) throw err;
        await sleep(500);
      }
    }
  } finally {
    await connection.close();
  }
}

/**
 * A frontend knows a new namespace after its namespace cache refreshes
 * (system.namespaceCacheRefreshInterval). DescribeNamespace reads the database and answers at once,
 * so the wait asks what goes through the cache: a visibility count.
 */
async function waitForNamespace(connection: Connection, namespace: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

/** The TLS options of this file's own connections (the admin calls), as vpay's processes connect. */
function clientTls(t: ClusterTls | undefined): TLSConfig | undefined {
  if (!t) return undefined;
  return {
    serverRootCACertificate: fs.readFileSync(t.caFile),
    clientCertPair: { crt: fs.readFileSync(t.clientCertFile), key: fs.readFileSync(t.clientKeyFile) },
    serverNameOverride: t.serverName,
  };
}

/** Unavailable or not ready yet (gRPC UNAVAILABLE, DEADLINE_EXCEEDED, "Not enough hosts"), and not about TLS. */
function isTransient(err: unknown): boolean {
  const message = (err as Error).message ?? '';
  if (/certificate|handshake|SSL|TLS/i.test(message)) return false;
  const code = (err as { code?: number }).code;
  return code === 14 || code === 4 || /not enough hosts|unavailable|deadline/i.test(message);
}
