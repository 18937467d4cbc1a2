// Capacity for the open-loop scenarios (offered load, soak): the throughput sweep's best rate from
// this run, or, when that scenario did not run, a closed loop measured here. Either way the
// instance is warm when this returns.
import type { BenchContext } from './context';
import type { PurchaseStats } from './agent-protocol';
import type { VpayInstance } from './stack';

export interface Capacity {
  ratePerSec: number;
  /** The closed loop measured here, when the sweep's figure was missing (check it for errors). */
  calibration?: PurchaseStats;
}

export async function capacityFor(
  ctx: BenchContext,
  inst: VpayInstance,
  o: { scenario: string; concurrency: number; durationMs: number },
): Promise<Capacity> {
  const agent = ctx.stack.agent;
  const deliveryTimeoutMs = ctx.profile.deliveryTimeoutMs;
  const swept = ctx.shared.saturationRate;
  if (swept !== undefined) {
    await agent.call('closedLoop', {
      instance: inst.name,
      concurrency: 4,
      durationMs: ctx.profile.warmupMs,
      tag: 'warm',
      deliveryTimeoutMs,
    });
    return { ratePerSec: swept };
  }
  ctx.log(`${o.scenario}: no throughput figure from this run; measuring at ${o.concurrency} concurrent for ${o.durationMs / 1000} s`);
  const calibration = await agent.call('closedLoop', {
    instance: inst.name,
    concurrency: o.concurrency,
    durationMs: o.durationMs,
    tag: 'cal',
    deliveryTimeoutMs,
  });
  return { ratePerSec: calibration.ratePerSec, calibration };
}
