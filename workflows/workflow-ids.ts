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
