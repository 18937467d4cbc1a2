// A bound on calls in flight at once, refusing (never queueing) the one over it: under overload a
// caller told "busy, retry later" at once does better than one left waiting behind an unbounded
// queue until its own deadline. The gate counts; it never times anything out: each call it runs
// carries its own deadline, and the slot is given back however that call ends.

/** Thrown by AdmissionGate.run when `limit` calls are already in flight; nothing was run. */
export class AdmissionRefused extends Error {
  constructor(readonly limit: number) {
    super(`${limit} calls already in flight`);
    this.name = 'AdmissionRefused';
  }
}

export interface AdmissionGate {
  /** Calls allowed in flight at once; 0: no bound (the gate only counts). */
  readonly limit: number;
  readonly inFlight: number;
  /** Runs `fn` in a slot, or throws AdmissionRefused without calling it. */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/** What the gate reports as it goes (metrics). */
export interface AdmissionObserver {
  inFlight?(count: number): void;
  refused?(): void;
}

export function createAdmissionGate(limit: number, observe: AdmissionObserver = {}): AdmissionGate {
  let inFlight = 0;
  return {
    limit,
    get inFlight() {
      return inFlight;
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (limit > 0 && inFlight >= limit) {
        observe.refused?.();
        throw new AdmissionRefused(limit);
      }
      inFlight++;
      observe.inFlight?.(inFlight);
      try {
        return await fn();
      } finally {
        inFlight--;
        observe.inFlight?.(inFlight);
      }
    },
  };
}
