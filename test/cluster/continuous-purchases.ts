// Purchases without pause, `concurrency` at a time, each through the next app in turn (the same
// app behind different APIs), until stop(): the load the failover test keeps up while it kills
// processes. A failed purchase is recorded, not thrown, so the test sees every one at the end.
import type { BenchApp } from '../../bench/purchaser';

export type OnePurchase = (app: BenchApp, tag: string, userIndex: number) => Promise<unknown>;

export interface LoadResult {
  completed: number;
  errors: string[];
  /** Payment requests sent through each app (API), in the order given. */
  requestedThroughEach: number[];
}

export class ContinuousPurchases {
  completed = 0;
  private readonly errors: string[] = [];
  private readonly requested: number[];
  private running = false;
  private loops: Array<Promise<void>> = [];
  private next = 0;

  constructor(
    private readonly apps: readonly BenchApp[],
    private readonly one: OnePurchase,
  ) {
    this.requested = apps.map(() => 0);
  }

  start(concurrency: number): void {
    this.running = true;
    this.loops = Array.from({ length: concurrency }, (_, i) => this.loop(i));
  }

  /** Stops starting purchases and resolves once those under way have ended. */
  async stop(): Promise<LoadResult> {
    this.running = false;
    await Promise.all(this.loops);
    return { completed: this.completed, errors: [...this.errors], requestedThroughEach: [...this.requested] };
  }

  private async loop(index: number): Promise<void> {
    while (this.running) {
      const k = this.next++ % this.apps.length;
      this.requested[k]++;
      try {
        await this.one(this.apps[k], `c${index}`, this.next);
        this.completed++;
      } catch (err) {
        this.errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  }
}
