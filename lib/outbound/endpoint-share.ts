// Each developer endpoint's share of one worker's delivery slots (docs/ARCHITECTURE.md, *A slow
// endpoint's share*). Without it, one endpoint that hangs holds every slot its attempts can get, and
// every other developer's deliveries wait behind it in the task queue until its attempts time out
// together; then they arrive in a burst the payment path pays for. With it, an attempt beyond an
// endpoint's share is refused before it is counted or sent (activities/delivery.ts), so its slot is
// free at once for another endpoint's attempt.
import { SOCKETS_PER_ORIGIN } from './safe-post';

/** Attempts one endpoint (a URL's origin) may have in flight at once, in one process. */
export class EndpointShare {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('EndpointShare: limit must be a positive integer');
  }

  /**
   * Takes one of `endpoint`'s places: the function that gives it back (calling it again does
   * nothing), or undefined when all `limit` are taken.
   */
  tryTake(endpoint: string): (() => void) | undefined {
    const n = this.inFlight.get(endpoint) ?? 0;
    if (n >= this.limit) return undefined;
    this.inFlight.set(endpoint, n + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.inFlight.get(endpoint) ?? 1) - 1;
      if (left > 0) this.inFlight.set(endpoint, left);
      else this.inFlight.delete(endpoint);
    };
  }

  /** Places `endpoint` holds now (for tests and metrics). */
  held(endpoint: string): number {
    return this.inFlight.get(endpoint) ?? 0;
  }
}

/**
 * What the share is counted by: the URL's origin (scheme, host and port), as vpay pools its
 * sockets (safe-post.ts); never the path or credentials. A URL that does not parse is its own key:
 * its attempt fails without sending.
 */
export function endpointOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/**
 * The share when WORKER_MAX_DELIVERIES_PER_ENDPOINT is unset: half of the delivery slots, so one
 * hanging endpoint leaves the other half to everyone else, and never more than the sockets one
 * origin gets, so no attempt holds a slot while it waits for a socket.
 */
export function defaultEndpointShare(deliverySlots: number): number {
  return Math.max(1, Math.min(SOCKETS_PER_ORIGIN, Math.ceil(deliverySlots / 2)));
}
