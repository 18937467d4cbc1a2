// The failover test's "next release" of vpay's workflows: today's, with one change a running
// purchase would not replay unguarded (a memo written first), behind patched() as every such
// change must be. Workers rolled onto this bundle finish the purchases the old code started and
// run the new code for the ones they start. Bundled by the test (bundleWorkflowCode) and handed
// to `npm run worker` through WORKER_WORKFLOW_BUNDLE.
import { patched, upsertMemo } from '@temporalio/workflow';
import { purchase as currentPurchase, purchaseV2 as currentPurchaseV2 } from '../../../workflows/purchase';

export * from '../../../workflows';

export const NEXT_RELEASE_PATCH = 'cluster-test-next-release';

// Both purchase types take the change: the API starts purchaseV2 by default, and a patch made after
// it is asked there as in `purchase` (workflows/purchase.ts BUILT_INTO_V2).
export async function purchase(...args: Parameters<typeof currentPurchase>): ReturnType<typeof currentPurchase> {
  if (patched(NEXT_RELEASE_PATCH)) upsertMemo({ release: 'next' });
  return currentPurchase(...args);
}

export async function purchaseV2(...args: Parameters<typeof currentPurchaseV2>): ReturnType<typeof currentPurchaseV2> {
  if (patched(NEXT_RELEASE_PATCH)) upsertMemo({ release: 'next' });
  return currentPurchaseV2(...args);
}
