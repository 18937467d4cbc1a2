// Makes sure the namespace has the given Keyword search attributes (vpay's are listed in
// workflows/definitions.ts, CONTRACT.md 4b), and that they can be used before anything starts a
// workflow with them. The dev server gets them as start flags; a cluster given by TEMPORAL_ADDRESS
// gets them here, once, at start.
//
// Two things real clusters do that the dev server does not:
//  - A self-hosted cluster on SQL visibility lists a new attribute at once but refuses it in a start
//    or a query ("no mapping defined for search attribute") until each frontend's and history's
//    namespace cache refreshes, a few seconds later. So this waits until a visibility query that
//    names every attribute succeeds.
//  - Temporal Cloud refuses the operator service's calls to an API key or a namespace certificate
//    (attributes are created with tcld or in its UI). A refusal is then not an error: the same
//    query tells whether they exist, and when one does not the error says how to create it.
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/** The part of a Connection used here (a test can refuse the operator calls as Cloud does). */
export type SearchAttributeServices = Pick<Connection, 'operatorService' | 'workflowService'>;

export interface EnsureSearchAttributesOptions {
  /** How long to wait for the attributes to become usable. Default 60 s. */
  timeoutMs?: number;
  /** Pause between checks. Default 500 ms. */
  intervalMs?: number;
}

export async function ensureSearchAttributes(
  connection: SearchAttributeServices,
  namespace: string,
  names: readonly string[],
  options: EnsureSearchAttributesOptions = {},
): Promise<void> {
  if (names.length === 0) return;
  const missing = await listMissing(connection, namespace, names);
  if (missing.length > 0) await addAttributes(connection, namespace, missing);
  await waitUntilUsable(connection, namespace, names, options);
}

/** The names not among the namespace's custom attributes; all of them when listing is refused. */
async function listMissing(connection: SearchAttributeServices, namespace: string, names: readonly string[]) {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const custom = existing.customAttributes ?? {};
    return names.filter((n) => !(n in custom));
  } catch (err) {
    // The time-skipping test server cannot list them but can add them; Cloud refuses to list.
    if (isRefusal(err)) return names;
    throw err;
  }
}

async function addAttributes(connection: SearchAttributeServices, namespace: string, missing: readonly string[]) {
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((n) => [n, KEYWORD])),
    });
  } catch (err) {
    // Another process may have added them meanwhile; Cloud refuses (then the check below decides).
    if (/already exists/i.test((err as Error).message) || isRefusal(err)) return;
    throw err;
  }
}

/**
 * Resolves once a visibility query naming every attribute succeeds. Rejects when it still fails
 * after the timeout, naming the attributes and how to create them; at once for other errors.
 */
async function waitUntilUsable(
  connection: SearchAttributeServices,
  namespace: string,
  names: readonly string[],
  { timeoutMs = 60_000, intervalMs = 500 }: EnsureSearchAttributesOptions,
): Promise<void> {
  // `X = ''` matches nothing vpay writes; the query only has to be accepted.
  const query = names.map((n) => `${n} = ''`).join(' AND ');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch (err) {
      // The time-skipping test server has no visibility queries: what it added is what it has.
      if (isUnimplemented(err)) return;
      if (!isUnknownAttribute(err)) throw err;
      if (Date.now() >= deadline) {
        throw new Error(
          `search attributes ${names.join(', ')} are not usable on namespace ${namespace} after ${timeoutMs} ms ` +
            `(${(err as Error).message}). Create them as Keyword attributes (Temporal Cloud: tcld namespace ` +
            'search-attributes add, or its web UI; self-hosted: temporal operator search-attribute create), then start again.',
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// gRPC status codes, as the client's errors carry them.
const UNIMPLEMENTED = 12;
const PERMISSION_DENIED = 7;
const INVALID_ARGUMENT = 3;

const grpcCode = (err: unknown): number | undefined => (err as { code?: unknown }).code as number | undefined;

function isUnimplemented(err: unknown): boolean {
  return grpcCode(err) === UNIMPLEMENTED || /UNIMPLEMENTED/i.test((err as Error).message);
}

/** Not allowed here (Cloud, an authorizer) or not served (the time-skipping test server). */
function isRefusal(err: unknown): boolean {
  return isUnimplemented(err) || grpcCode(err) === PERMISSION_DENIED || /PERMISSION_DENIED/i.test((err as Error).message);
}

/**
 * The server does not know (yet) an attribute the query names: an INVALID_ARGUMENT about a search
 * attribute ("no mapping defined for search attribute X", "... is not a valid search attribute").
 * Another invalid argument is a real error, answered at once.
 */
function isUnknownAttribute(err: unknown): boolean {
  const message = (err as Error).message;
  const invalid = grpcCode(err) === INVALID_ARGUMENT || /INVALID_ARGUMENT/i.test(message);
  return invalid && /search attribute|no mapping/i.test(message);
}
