// The purchase's Temporal calls, built in one place: start options from the business keys and
// config, the updates and the signal on the handle of the right workflow ID, and the deadline.
import { ApplicationFailure, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  createPurchaseClient,
  purchaseStartOperation,
  updateRefusal,
  wakePurchaseVia,
  type PurchaseClientConfig,
} from '../../application/purchase-client';
import type { OrderDraft } from '../../workflows/definitions';

const config: PurchaseClientConfig = {
  taskQueue: 'tq-1',
  paymentTimeoutMs: 900_000,
  deliveryRetryInitialMs: 15_000,
  deliveryRetryMaxMs: 3_600_000,
  deliveryAlertAfterMs: 600_000,
  workflowAnswerTimeoutMs: 30_000,
  purchaseLocalSteps: true,
  purchaseLocalPaidRow: true,
  purchaseWorkflowV2: true,
  deliveryTaskQueue: 'tq-1-delivery',
  separateDeliveryQueue: true,
};

const draft: OrderDraft = {
  orderId: 'ord1',
  appId: 'app1',
  openId: 'u1',
  outTradeNo: 'T-1',
  productId: 'gem',
  buyQuantity: 2,
  goodsPrice: 100,
  totalAmount: 200,
  currencyType: 'CNY',
  platform: null,
  env: 0,
  attach: null,
  signData: '{}',
  paySig: 'p',
  signature: 's',
  createdAt: '2026-01-01T00:00:00.000Z',
};

/** A Client stand-in that records what the purchase client asked of it. */
function fakeClient() {
  const calls: Array<{ call: string; workflowId?: string; name?: string; args?: unknown; options?: unknown }> = [];
  const deadlines: number[] = [];
  const handle = (workflowId: string) => ({
    executeUpdate: async (def: { name: string }, o: { args: unknown[] }) => {
      calls.push({ call: 'executeUpdate', workflowId, name: def.name, args: o.args });
      return { duplicate: false };
    },
    signal: async (def: { name: string }) => void calls.push({ call: 'signal', workflowId, name: def.name }),
  });
  const client = {
    connection: {
      withDeadline: (deadline: number, fn: () => Promise<unknown>) => {
        deadlines.push(deadline);
        return fn();
      },
    },
    workflow: {
      getHandle: handle,
      executeUpdateWithStart: async (def: { name: string }, o: { args: unknown[]; startWorkflowOperation: { options: unknown } }) => {
        calls.push({ call: 'executeUpdateWithStart', name: def.name, args: o.args, options: o.startWorkflowOperation.options });
        return { orderId: 'ord1', outTradeNo: 'T-1', status: 'PREPAID', prepayId: 'pp1' };
      },
    },
  };
  return { client: client as unknown as Client, calls, deadlines };
}

describe('purchaseStartOperation', () => {
  it('starts the purchase under its business-key ID, attaching to a running one, never restarting a finished one', () => {
    const { options, workflowTypeOrFunc } = purchaseStartOperation(draft, config);
    expect(workflowTypeOrFunc).toBe('purchaseV2');
    expect(options.workflowId).toBe('purchase:app1:T-1');
    expect(options.taskQueue).toBe('tq-1');
    expect(options.workflowIdConflictPolicy).toBe('USE_EXISTING');
    expect(options.workflowIdReusePolicy).toBe('REJECT_DUPLICATE');
  });

  it('copies the timings, the local-steps settings and the delivery task queue from config into the input, with the order as drafted', () => {
    const { options } = purchaseStartOperation(draft, config);
    expect(options.args).toEqual([
      {
        order: draft,
        timings: {
          paymentTimeoutMs: 900_000,
          deliveryRetryInitialMs: 15_000,
          deliveryRetryMaxMs: 3_600_000,
          deliveryAlertAfterMs: 600_000,
        },
        localSteps: true,
        localPaidRow: true,
        deliveryTaskQueue: 'tq-1-delivery',
      },
    ]);
    expect(purchaseStartOperation(draft, { ...config, purchaseLocalSteps: false }).options.args[0].localSteps).toBe(false);
    expect(purchaseStartOperation(draft, { ...config, purchaseLocalPaidRow: false }).options.args[0].localPaidRow).toBe(false);
    expect(purchaseStartOperation(draft, { ...config, purchaseWorkflowV2: false }).workflowTypeOrFunc).toBe('purchase');
    // SEPARATE_DELIVERY_QUEUE=false: no queue in the input, the deliveries stay on the workflow's queue.
    expect(purchaseStartOperation(draft, { ...config, separateDeliveryQueue: false }).options.args[0]).not.toHaveProperty(
      'deliveryTaskQueue',
    );
  });

  it('sets the search attributes an operator filters on, the status CREATED', () => {
    const { options } = purchaseStartOperation(draft, config);
    expect(options.typedSearchAttributes).toEqual([
      { key: expect.objectContaining({ name: 'VpayAppId' }), value: 'app1' },
      { key: expect.objectContaining({ name: 'VpayOutTradeNo' }), value: 'T-1' },
      { key: expect.objectContaining({ name: 'VpayOrderStatus' }), value: 'CREATED' },
    ]);
  });
});

describe('createPurchaseClient', () => {
  it('sends requestPayment with start, with the signData and openId, within the answer timeout', async () => {
    const { client, calls, deadlines } = fakeClient();
    const before = Date.now();
    const answer = await createPurchaseClient(client, config).requestPayment(draft);
    expect(answer).toMatchObject({ orderId: 'ord1', status: 'PREPAID' });
    expect(calls).toEqual([
      {
        call: 'executeUpdateWithStart',
        name: 'requestPayment',
        args: [{ signData: '{}', openId: 'u1' }],
        options: expect.objectContaining({ workflowId: 'purchase:app1:T-1' }),
      },
    ]);
    expect(deadlines[0]).toBeGreaterThanOrEqual(before + 30_000);
    expect(deadlines[0]).toBeLessThanOrEqual(Date.now() + 30_000);
  });

  it('sends recordPayment to the purchase of the business keys, within the answer timeout', async () => {
    const { client, calls, deadlines } = fakeClient();
    const payment = { transactionId: 'tx1', paidAmount: 200, currencyType: 'CNY', paidAt: '2026-01-01T00:00:00.000Z' };
    expect(await createPurchaseClient(client, config).recordPayment({ appId: 'app1', outTradeNo: 'T-1' }, payment)).toEqual({
      duplicate: false,
    });
    expect(calls).toEqual([{ call: 'executeUpdate', workflowId: 'purchase:app1:T-1', name: 'recordPayment', args: [payment] }]);
    expect(deadlines).toHaveLength(1);
  });
});

describe('wakePurchaseVia', () => {
  it('signals retryDeliveryNow to the purchase of the business keys', async () => {
    const { client, calls } = fakeClient();
    await wakePurchaseVia(client)({ appId: 'app1', outTradeNo: 'T-9' });
    expect(calls).toEqual([{ call: 'signal', workflowId: 'purchase:app1:T-9', name: 'retryDeliveryNow' }]);
  });
});

describe('updateRefusal', () => {
  it('is the named failure the workflow rejected an update with', () => {
    const failure = ApplicationFailure.create({ type: 'OrderClosed', message: 'the order is closed', nonRetryable: true });
    expect(updateRefusal(new WorkflowUpdateFailedError('update failed', failure))).toBe(failure);
  });

  it('is undefined for anything else', () => {
    expect(updateRefusal(new WorkflowUpdateFailedError('update failed', new Error('x')))).toBeUndefined();
    expect(updateRefusal(ApplicationFailure.create({ type: 'OrderClosed' }))).toBeUndefined();
    expect(updateRefusal(new Error('unavailable'))).toBeUndefined();
  });
});
