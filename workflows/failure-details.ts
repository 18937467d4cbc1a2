// What a workflow reads from its activities' failures: the message for its state, and how long a
// notice endpoint has been failing (DeliveryFailureDetails) to pace its next retry. Shared by the
// purchase's deliveries and the refund's notices. Keep it free of Node-only imports.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { Failures, type DeliveryFailureDetails } from './definitions';

/** DeliveryFailureDetails.endpointFailingForMs of a failed delivery or refund notice attempt, 0 if absent. */
export function endpointFailingForMs(err: unknown): number {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return 0;
  if (cause.type !== Failures.DeliveryFailed && cause.type !== Failures.RefundNoticeFailed) return 0;
  const ms = (cause.details?.[0] as Partial<DeliveryFailureDetails> | undefined)?.endpointFailingForMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : 0;
}

export function describeFailure(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** The named type of an activity's ApplicationFailure, if it failed with one. */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : undefined;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}
