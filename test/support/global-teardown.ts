// Stops what global-setup started and removes its temporary directory.
import fs from 'node:fs';
import path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as any).__vpayTestStack;
  if (!stack) return;
  await Promise.allSettled([stack.temporal.stop(), stack.pg.stop()]);
  fs.rmSync(stack.dir, { recursive: true, force: true });
  // Relocated (a temporary directory the postgres OS user could not enter): its slot under
  // VPAY_PG_HOME, named data-<hash>, goes too.
  const slot = path.dirname(stack.pgDataDir);
  if (/^data-[0-9a-f]{16}$/.test(path.basename(slot))) fs.rmSync(slot, { recursive: true, force: true });
}
