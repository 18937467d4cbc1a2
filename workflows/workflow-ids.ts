// The one place a purchase's workflow ID is derived from its business keys. Temporal rejects a
// second start with the same ID, which makes concurrent identical payment requests one purchase.
// outTradeNo's alphabet ([A-Za-z0-9_\-|*@.]) has no ':', and appIds are generated without one,
// so the ID is unambiguous and reversible.
export function purchaseWorkflowId(appId: string, outTradeNo: string): string {
  if (!appId || appId.includes(':')) throw new Error(`invalid appId for a workflow ID: ${JSON.stringify(appId)}`);
  if (!outTradeNo || outTradeNo.includes(':')) {
    throw new Error(`invalid outTradeNo for a workflow ID: ${JSON.stringify(outTradeNo)}`);
  }
  return `purchase:${appId}:${outTradeNo}`;
}

/**
 * A redelivery of a purchase's notification (workflows/redeliver.ts), asked for by someone who saw
 * the order with `attemptsSeen` delivery attempts. Requests made on the same view (a double click)
 * are one redelivery; a request made after seeing that redelivery's attempt is a new one, even
 * while the workflow that sent it is still finishing (keying on the order alone joined it: the
 * request was answered 202 and nothing was sent).
 */
export function redeliverWorkflowId(appId: string, outTradeNo: string, attemptsSeen: number): string {
  if (!Number.isSafeInteger(attemptsSeen) || attemptsSeen < 0) {
    throw new Error(`invalid attempt count for a workflow ID: ${JSON.stringify(attemptsSeen)}`);
  }
  return `redeliver:${purchaseWorkflowId(appId, outTradeNo).slice('purchase:'.length)}:${attemptsSeen}`;
}

/**
 * A refund's workflow (workflows/refund.ts), from its business keys: one asked through vpay by the
 * app's own number (`outRefundNo`, unique per app: `refund:<appId>:out:<outRefundNo>`), one the
 * superapp made by the superapp's `refundId` (`refund:<appId>:sa:<refundId>`). The two tags keep
 * the two kinds apart whatever the numbers are; appIds have no ':', so the ID is unambiguous.
 */
export function refundWorkflowId(r: { appId: string; source: string; refundId: string; outRefundNo: string | null }): string {
  if (!r.appId || r.appId.includes(':')) throw new Error(`invalid appId for a workflow ID: ${JSON.stringify(r.appId)}`);
  if (r.source === 'superapp') {
    if (!r.refundId) throw new Error('a superapp refund needs its refundId for a workflow ID');
    return `refund:${r.appId}:sa:${r.refundId}`;
  }
  if (!r.outRefundNo || r.outRefundNo.includes(':')) {
    throw new Error(`invalid outRefundNo for a workflow ID: ${JSON.stringify(r.outRefundNo)}`);
  }
  return `refund:${r.appId}:out:${r.outRefundNo}`;
}
