// The local cluster's stand-in for the load balancer a real deployment puts in front of its
// frontends (a Kubernetes Service, an NLB): one address for every client, each new TCP connection
// sent to the next frontend in turn, skipping one that refuses. A gRPC channel is one long-lived
// connection, so a client stays on one frontend until that connection breaks (the frontend dies),
// then reconnects through here to one that lives: the failover clients see in production.
import net from 'node:net';

export interface FrontendBalancer {
  address: string;
  port: number;
  /** Client connections open now, per frontend address. */
  connections(): Record<string, number>;
  close(): Promise<void>;
}

export async function startFrontendBalancer(port: number, backends: readonly string[]): Promise<FrontendBalancer> {
  let next = 0;
  const open = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  };

  /** Connects to the first backend that accepts, starting at the next in turn. */
  const live = new Map<string, number>(backends.map((b) => [b, 0]));
  const connectUpstream = (tried = 0): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const backend = backends[next++ % backends.length];
      const [host, p] = backend.split(':');
      const upstream = net.connect({ host, port: Number(p) });
      upstream.once('connect', () => {
        live.set(backend, live.get(backend)! + 1);
        upstream.once('close', () => live.set(backend, live.get(backend)! - 1));
        resolve(upstream);
      });
      upstream.once('error', (err) => {
        upstream.destroy();
        if (tried + 1 >= backends.length) reject(err);
        else connectUpstream(tried + 1).then(resolve, reject);
      });
    });

  const server = net.createServer((client) => {
    track(client);
    client.pause();
    client.once('error', () => client.destroy());
    connectUpstream().then(
      (upstream) => {
        track(upstream);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      },
      () => client.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${bound}`,
    port: bound,
    connections: () => Object.fromEntries(live),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
