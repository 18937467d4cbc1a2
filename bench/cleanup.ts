// Teardown in reverse order of set-up, once, each step bounded in time, also on SIGINT/SIGTERM
// and on a failure anywhere: the benchmark leaves no process and no temporary directory behind.

type Step = { name: string; fn: () => Promise<void> | void };

export class Cleanup {
  private steps: Step[] = [];
  private running?: Promise<void>;

  /** Registers a teardown step; returns a function that runs (and unregisters) just that step. */
  add(name: string, fn: () => Promise<void> | void): () => Promise<void> {
    const step = { name, fn };
    this.steps.push(step);
    return async () => {
      const i = this.steps.indexOf(step);
      if (i < 0) return;
      this.steps.splice(i, 1);
      await runStep(step);
    };
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) await runStep(this.steps.pop()!);
    })();
    return this.running;
  }

  /** On SIGINT/SIGTERM: tear down, then exit 130/143. */
  installSignalHandlers(log: (line: string) => void): void {
    const on = (signal: NodeJS.Signals, code: number) => {
      process.once(signal, () => {
        log(`${signal}: stopping and cleaning up`);
        void this.run().finally(() => process.exit(code));
      });
    };
    on('SIGINT', 130);
    on('SIGTERM', 143);
  }
}

async function runStep(step: Step): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(step.fn),
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out after 30 s')), 30_000);
      }),
    ]);
  } catch (err) {
    process.stderr.write(`[bench] cleanup "${step.name}" failed: ${(err as Error).message}\n`);
  } finally {
    clearTimeout(timer);
  }
}
