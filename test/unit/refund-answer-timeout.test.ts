// application/refunds.ts when the refund's answer runs out of WORKFLOW_ANSWER_TIMEOUT_MS: the
// refund recorded under the key is answered only if it is this request's (same fields); another
// request's refund under the same outRefundNo is 409/40904, never handed out as this one's.
import { describe, it, expect } from '@jest/globals';
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { Db } from '../../lib/db/db';
import type { OrderRow } from '../../lib/db/repos/orders';
import { askRefund } from '../../application/refunds';
import { RefundRefused } from '../../application/refusals';
import type { RefundClient } from '../../application/refund-client';

const order = {
  orderId: 'ord_1',
  appId: 'app1',
  openId: 'u1',
  outTradeNo: 'T1',
  totalAmount: 1000,
  currencyType: 'USD',
  env: 0,
  status: 'DELIVERED',
  transactionId: 'txn_1',
  refundedAmount: 0,
} as unknown as OrderRow;

/** The row another request recorded under outRefundNo R1 while this one waited: 300, not 100. */
const othersRow = {
  refund_id: 'rfd_other',
  source: 'game',
  app_id: 'app1',
  order_id: 'ord_1',
  out_trade_no: 'T1',
  out_refund_no: 'R1',
  open_id: 'u1',
  transaction_id: 'txn_1',
  refund_amount: '300',
  currency_type: 'USD',
  reason: '',
  status: 'PENDING',
  fail_reason: null,
  env: 0,
  created_at: new Date(),
  refunded_at: null,
  notified_at: null,
  notify_attempts: 0,
  last_notify_error: null,
  notify_alerted_at: null,
};

/** No refund under the key when the request looks first; the other's once its answer ran out. */
function dbFindingTheOtherAfterTheTimeout(): Db {
  let lookups = 0;
  return (() => ({ where: () => ({ first: async () => (lookups++ === 0 ? undefined : othersRow) }) })) as unknown as Db;
}

const timingOut: RefundClient = {
  requestRefund: async () => {
    throw new WorkflowUpdateRPCTimeoutOrCancelledError('timed out');
  },
};

describe('a refund request whose answer timed out', () => {
  it("is refused 40904 when the refund under its outRefundNo has other fields (another request's)", async () => {
    const err = await askRefund({ db: dbFindingTheOtherAfterTheTimeout(), refunds: timingOut }, order, {
      source: 'game',
      outRefundNo: 'R1',
      refundAmount: 100,
      reason: '',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefundRefused);
    expect((err as RefundRefused).reason).toBe('refundConflict');
  });

  it('is answered from the row when the refund under its outRefundNo is its own (PENDING)', async () => {
    const answer = await askRefund({ db: dbFindingTheOtherAfterTheTimeout(), refunds: timingOut }, order, {
      source: 'game',
      outRefundNo: 'R1',
      refundAmount: 300,
      reason: '',
    });
    expect(answer.refund).toMatchObject({ refundId: 'rfd_other', status: 'PENDING', refundAmount: 300 });
  });
});
