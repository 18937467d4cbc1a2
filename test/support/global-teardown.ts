// Stops what global-setup started and removes its temporary directory.
import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as any).__vpayTestStack;
  if (!stack) return;
  await Promise.allSettled([stack.temporal.stop(), stack.pg.stop()]);
  fs.rmSync(stack.dir, { recursive: true, force: true });
}
