import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago: the OS picks it (port 0), we close the
 * socket and hand the number on. Another process could take it before the caller binds it,
 * which is acceptable for local dev servers and tests.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/**
 * A free TCP port on 127.0.0.1 below `limit`: the OS's own picks come from the ephemeral range
 * (32768 and up on Linux), and some programs store a port in a 16-bit signed column (Temporal's
 * cluster_membership.rpc_port in PostgreSQL is a smallint). Tries random ports from 20000 up.
 */
export async function freePortBelow(limit: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = 20_000 + Math.floor(Math.random() * (limit - 20_000));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port found between 20000 and ${limit}`);
}

/** Whether a TCP port on 127.0.0.1 can be bound now (nothing listens there). */
export function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
