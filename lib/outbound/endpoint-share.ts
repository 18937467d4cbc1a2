// Each developer endpoint's share of one worker's delivery slots (docs/ARCHITECTURE.md, *A slow
// endpoint's share*). Without it, one endpoint that hangs holds every slot its attempts can get, and
// every other developer's deliveries wait behind it in the task queue until its attempts time out
// together; then they arrive in a burst the payment path pays for. With it, an attempt beyond an
// endpoint's share is refused before it is counted or sent (activities/delivery.ts), so its slot is
// free at once for another endpoint's attempt, and told when to try again (retryDelayMs).
import { SOCKETS_PER_ORIGIN } from './safe-post';

/** The soonest and latest a refused attempt is tried again. */
export const RETRY_DELAY_BOUNDS_MS = { min: 1_000, max: 120_000 } as const;
/**
 * A refused order not seen again for this long is no longer counted as waiting: it got a place on
 * another worker, or needed none any more (delivered, refunded).
 */
const WAITING_FORGOTTEN_AFTER_MS = RETRY_DELAY_BOUNDS_MS.max + 30_000;
/** How much each finished hold moves the estimate of how long a place is held. */
const HOLD_WEIGHT = 0.2;

interface Endpoint {
  inFlight: number;
  /** Sum of the current holds' start times, for their mean age. */
  startedSum: number;
  /** Moving average of how long a place was held, once any was given back. */
  holdMs: number | undefined;
  /**
   * Orders refused and not yet given a place, with when each was last refused, oldest first. An
   * endpoint this worker never sees again keeps its entry until restart: one per endpoint, harmless.
   */
  waiting: Map<string, number>;
}

/** Attempts one endpoint (a URL's origin) may have in flight at once, in one process. */
export class EndpointShare {
  private readonly endpoints = new Map<string, Endpoint>();

  constructor(
    readonly limit: number,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('EndpointShare: limit must be a positive integer');
  }

  /** Forgets the waiting orders not seen for long; the map is in last-seen order, so from its head. */
  private prune(e: Endpoint, now: number): void {
    for (const [order, at] of e.waiting) {
      if (now - at <= WAITING_FORGOTTEN_AFTER_MS) break;
      e.waiting.delete(order);
    }
  }

  private of(endpoint: string): Endpoint {
    let e = this.endpoints.get(endpoint);
    if (!e) {
      e = { inFlight: 0, startedSum: 0, holdMs: undefined, waiting: new Map() };
      this.endpoints.set(endpoint, e);
    }
    return e;
  }

  /**
   * Takes one of `endpoint`'s places for `order`: the function that gives it back (calling it
   * again does nothing), or undefined when all `limit` are taken.
   */
  tryTake(endpoint: string, order: string): (() => void) | undefined {
    const e = this.of(endpoint);
    if (e.inFlight >= this.limit) return undefined;
    const started = this.now();
    e.inFlight++;
    e.startedSum += started;
    e.waiting.delete(order);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      e.inFlight--;
      e.startedSum -= started;
      const now = this.now();
      const held = now - started;
      e.holdMs = e.holdMs === undefined ? held : e.holdMs + HOLD_WEIGHT * (held - e.holdMs);
      this.prune(e, now);
      if (e.inFlight === 0 && e.waiting.size === 0) this.endpoints.delete(endpoint);
    };
  }

  /**
   * Counts `order` as waiting for one of `endpoint`'s places, and says when to try it again. The
   * latest: about when a place should be free for the last of the orders waiting, served `limit` at
   * a time, each holding its place as long as places are held now (the longer of the recent holds
   * and the current holds' age), within RETRY_DELAY_BOUNDS_MS. The delay is drawn evenly between
   * the soonest bound and that, so the waiting orders neither come back together nor all wait for
   * the last one's turn: together they retry about twice as often as places free up, not once a
   * second each (below the latest bound; above it, each about once a minute on average).
   */
  retryDelayMs(endpoint: string, order: string): number {
    const e = this.of(endpoint);
    const now = this.now();
    e.waiting.delete(order); // then set again: the map stays in last-seen order
    e.waiting.set(order, now);
    this.prune(e, now);
    const currentAge = e.inFlight > 0 ? now - e.startedSum / e.inFlight : 0;
    const holdMs = Math.max(e.holdMs ?? 0, currentAge);
    const { min, max } = RETRY_DELAY_BOUNDS_MS;
    const latest = Math.min(max, Math.max(min, (e.waiting.size * holdMs) / this.limit));
    return Math.round(min + this.random() * (latest - min));
  }

  /** Places `endpoint` holds now. */
  held(endpoint: string): number {
    return this.endpoints.get(endpoint)?.inFlight ?? 0;
  }

  /** Orders counted as waiting for `endpoint`'s places. */
  waiting(endpoint: string): number {
    return this.endpoints.get(endpoint)?.waiting.size ?? 0;
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
 * The share: WORKER_MAX_DELIVERIES_PER_ENDPOINT, or when unset half of the delivery slots (rounded
 * up), so one hanging endpoint leaves the other half to everyone else, and never more than the
 * sockets one origin gets, so no delivery attempt holds a slot while it waits for a socket.
 */
export function endpointShareLimit(config: { workerMaxDeliveriesPerEndpoint?: number; workerMaxConcurrentDeliveries: number }): number {
  return (
    config.workerMaxDeliveriesPerEndpoint ?? Math.max(1, Math.min(SOCKETS_PER_ORIGIN, Math.ceil(config.workerMaxConcurrentDeliveries / 2)))
  );
}
