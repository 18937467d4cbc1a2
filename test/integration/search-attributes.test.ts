// ensureSearchAttributes against the real dev server: it adds what is missing and returns only
// once a query can use it; where the operator calls are refused (Temporal Cloud, an API key) it
// checks that the attributes exist instead, and says how to create one that does not.
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { ensureSearchAttributes, type SearchAttributeServices } from '../../lib/platform/temporal-setup';
import { testEnv } from '../support/test-env';

let connection: Connection;
let namespace: string;

beforeAll(async () => {
  connection = await Connection.connect({ address: testEnv().temporalAddress });
  // A namespace of its own: the attributes added here do not reach the other tests' namespace.
  namespace = `sa-${randomUUID().slice(0, 8)}`;
  await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  await waitForNamespace(namespace);
});

afterAll(async () => {
  await connection?.close();
});

async function waitForNamespace(ns: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await connection.workflowService.describeNamespace({ namespace: ns });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`namespace ${ns} never appeared`);
}

/** The connection as Temporal Cloud answers an API key: every operator call refused. */
function refusingOperatorCalls(): SearchAttributeServices {
  const refuse = async () => {
    throw Object.assign(new Error('7 PERMISSION_DENIED: Request unauthorized.'), { code: 7 });
  };
  return {
    workflowService: connection.workflowService,
    operatorService: { listSearchAttributes: refuse, addSearchAttributes: refuse } as unknown as Connection['operatorService'],
  };
}

async function customAttributes(): Promise<Record<string, unknown>> {
  const r = await connection.operatorService.listSearchAttributes({ namespace });
  return r.customAttributes ?? {};
}

test('adds a missing attribute as a Keyword, usable in a query when it returns, and a second call is a no-op', async () => {
  expect(await customAttributes()).not.toHaveProperty('VpayTestAdded');
  await ensureSearchAttributes(connection, namespace, ['VpayTestAdded']);
  expect((await customAttributes()).VpayTestAdded).toBe(2 /* INDEXED_VALUE_TYPE_KEYWORD */);
  await expect(connection.workflowService.countWorkflowExecutions({ namespace, query: "VpayTestAdded = 'x'" })).resolves.toBeDefined();
  await expect(ensureSearchAttributes(connection, namespace, ['VpayTestAdded'])).resolves.toBeUndefined();
});

test('operator calls refused (Cloud): attributes that exist are accepted', async () => {
  await ensureSearchAttributes(connection, namespace, ['VpayTestExisting']);
  await expect(ensureSearchAttributes(refusingOperatorCalls(), namespace, ['VpayTestExisting'])).resolves.toBeUndefined();
});

test('operator calls refused (Cloud): a missing attribute fails, naming it and how to create it', async () => {
  const attempt = ensureSearchAttributes(refusingOperatorCalls(), namespace, ['VpayTestNeverCreated'], {
    timeoutMs: 300,
    intervalMs: 50,
  });
  await expect(attempt).rejects.toThrow(/VpayTestNeverCreated.*not usable on namespace sa-.*tcld namespace search-attributes add/s);
  expect(await customAttributes()).not.toHaveProperty('VpayTestNeverCreated');
});

test('other failures are not waited on: an unknown namespace fails at once', async () => {
  const started = Date.now();
  await expect(ensureSearchAttributes(connection, 'no-such-namespace', ['VpayTestAdded'], { timeoutMs: 30_000 })).rejects.toThrow(
    /not found|NOT_FOUND/i,
  );
  expect(Date.now() - started).toBeLessThan(30_000);
});
