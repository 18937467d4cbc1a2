// Routes the Temporal SDK's own log lines (worker state, failed workflow tasks) into vpay's JSON
// log at warn and above, instead of its default console output. Once per process.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Logger } from './logger';

let installed = false;

export function installTemporalLogging(logger: Logger): void {
  if (installed) return;
  installed = true;
  const sdk = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
      const fields = { ...(meta ?? {}) };
      if (level === 'ERROR') sdk.error(fields, message);
      else sdk.warn(fields, message);
    }),
  });
}
