// A scenario's own Temporal dev servers (2c partitions, 2d eager): each fresh, in the stack's
// directory on free ports, with its Prometheus metrics on a port of its own, so that no side
// carries the history of the scenarios before it. Registered with the run's cleanup, so a failed
// run stops them too.
import path from 'node:path';
import type { BenchContext } from '../context';
import { freePort } from '../../tools/dev/free-port';
import { startTemporalDevServer, type TemporalDevServerOptions } from '../../tools/dev/temporal-dev-server';

export interface FreshServer {
  address: string;
  pid: number;
  metricsUrl: string;
}

export interface FreshServers {
  /** A server as `npm start` starts its own, but for `settings`. */
  start(name: string, settings?: Pick<TemporalDevServerOptions, 'taskQueuePartitions' | 'activityEagerExecution'>): Promise<FreshServer>;
  /** Stops every server started, in order. */
  stopAll(): Promise<void>;
}

export function freshServers(ctx: BenchContext): FreshServers {
  const stops: Array<() => Promise<void>> = [];
  return {
    async start(name, settings = {}) {
      const metricsPort = await freePort();
      const server = await startTemporalDevServer({
        dbFile: path.join(ctx.stack.dir, `temporal-${name}`, 'temporal.db'),
        grpcPort: await freePort(),
        metricsPort,
        ...settings,
      });
      stops.push(ctx.cleanup.add(`stop the Temporal dev server ${name}`, () => server.stop()));
      return { address: server.address, pid: server.pid, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
    },
    async stopAll() {
      for (const stop of stops) await stop();
    },
  };
}
