import { purchaseWorkflowId, refundWorkflowId } from '../../workflows/workflow-ids';

describe('purchaseWorkflowId', () => {
  it('is a pure function of appId and outTradeNo', () => {
    expect(purchaseWorkflowId('app1', 'T-1')).toBe('purchase:app1:T-1');
    expect(purchaseWorkflowId('app1', 'T-1')).toBe(purchaseWorkflowId('app1', 'T-1'));
  });
  it('tells different business keys apart, also where naive concatenation would not', () => {
    expect(purchaseWorkflowId('app1', 'T1')).not.toBe(purchaseWorkflowId('app2', 'T1'));
    expect(purchaseWorkflowId('app1', 'T1')).not.toBe(purchaseWorkflowId('app1', 'T2'));
    expect(purchaseWorkflowId('ab', 'c.d')).not.toBe(purchaseWorkflowId('a', 'bc.d'));
  });
  it('accepts every character of the outTradeNo alphabet', () => {
    expect(purchaseWorkflowId('app1', 'Az09_-|*@.')).toBe('purchase:app1:Az09_-|*@.');
  });
  it('refuses keys that would make the ID ambiguous', () => {
    expect(() => purchaseWorkflowId('', 'T1')).toThrow();
    expect(() => purchaseWorkflowId('a:b', 'T1')).toThrow();
    expect(() => purchaseWorkflowId('app1', '')).toThrow();
    expect(() => purchaseWorkflowId('app1', 'x:y')).toThrow();
  });
});

describe('refundWorkflowId', () => {
  const game = { appId: 'app1', source: 'game', refundId: 'rfd_1', outRefundNo: 'R-1' };
  const superapp = { appId: 'app1', source: 'superapp', refundId: 'sa-9', outRefundNo: null };
  it('is a pure function of the business keys: the app and outRefundNo, or the superapp refundId', () => {
    expect(refundWorkflowId(game)).toBe('refund:app1:out:R-1');
    // vpay's refundId is not part of an asked refund's key: a repeat gets a new one and meets the same workflow.
    expect(refundWorkflowId({ ...game, refundId: 'rfd_2' })).toBe(refundWorkflowId(game));
    expect(refundWorkflowId({ ...game, source: 'console' })).toBe(refundWorkflowId(game));
    expect(refundWorkflowId(superapp)).toBe('refund:app1:sa:sa-9');
  });
  it('keeps the kinds, the apps and the numbers apart, and never meets a purchase', () => {
    expect(refundWorkflowId({ ...game, outRefundNo: 'sa-9' })).not.toBe(refundWorkflowId(superapp));
    expect(refundWorkflowId({ ...game, appId: 'app2' })).not.toBe(refundWorkflowId(game));
    expect(refundWorkflowId({ ...game, outRefundNo: 'R-2' })).not.toBe(refundWorkflowId(game));
    expect(refundWorkflowId(game)).not.toBe(purchaseWorkflowId('app1', 'R-1'));
  });
  it('refuses keys that would make the ID ambiguous or empty', () => {
    expect(() => refundWorkflowId({ ...game, appId: 'a:b' })).toThrow();
    expect(() => refundWorkflowId({ ...game, appId: '' })).toThrow();
    expect(() => refundWorkflowId({ ...game, outRefundNo: null })).toThrow();
    expect(() => refundWorkflowId({ ...game, outRefundNo: 'x:y' })).toThrow();
    expect(() => refundWorkflowId({ ...superapp, refundId: '' })).toThrow();
  });
});
