// The patches built into the purchaseV2 workflow type (workflows/purchase.ts). Each of its running
// histories took these paths without a marker: an entry dropped would send them down the old path
// on replay (a nondeterminism error, or worse, a different timer length), and an entry added for a
// later patch would let its change run on purchaseV2 histories recorded before it.
import { describe, expect, it } from '@jest/globals';
import { BUILT_INTO_V2 } from '../../workflows/purchase';

describe('BUILT_INTO_V2', () => {
  it('holds exactly the seven patches that existed when purchaseV2 was made', () => {
    expect([...BUILT_INTO_V2].sort()).toEqual([
      'close-adopts-row-payment',
      'delivery-task-queue',
      'local-paid-row',
      'local-request-steps',
      'outage-paced-backoff',
      'prepay-from-row',
      'refund-stops-delivery',
    ]);
  });
});
