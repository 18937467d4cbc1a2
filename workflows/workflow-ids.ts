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
 * The redelivery workflow of a purchase (workflows/redeliver.ts): one at a time per order, so a
 * second request while one runs joins it; a later one starts anew.
 */
export function redeliverWorkflowId(appId: string, outTradeNo: string): string {
  return `redeliver:${purchaseWorkflowId(appId, outTradeNo).slice('purchase:'.length)}`;
}
