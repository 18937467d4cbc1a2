import { purchaseWorkflowId } from '../../workflows/workflow-ids';

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
