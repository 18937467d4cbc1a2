// TCP proxies between one process and a server, for tests that must fail or hold that process at a
// given point.
// - Held: what the process sends is kept here, not forwarded (what the server sends still
//   arrives). A worker behind it runs its local activities but cannot complete its workflow task;
//   killing it then loses what it sent, as a crash before the send would.
// - Refusing: while refusing, every connection is cut and new ones are closed at once, as a
//   database that restarts or has no connection left does.
import net from 'node:net';

export interface HeldProxy {
  /** host:port to give the process in place of the server's address. */
  address: string;
  /** From now on, keep what the process sends instead of forwarding it. */
  hold(): void;
  /** How many bytes the process sent since hold() (its attempts to reach the server). */
  heldBytes(): number;
  close(): Promise<void>;
}

export async function startHeldProxy(target: string): Promise<HeldProxy> {
  let held = false;
  let heldBytes = 0;
  const proxy = await startProxy(target, {
    onClientData: (chunk, upstream) => {
      // Never forwarded, even once the connection ends: the process "died" before sending it.
      if (held) heldBytes += chunk.length;
      else upstream.write(chunk);
    },
  });
  return {
    address: proxy.address,
    hold: () => {
      held = true;
    },
    heldBytes: () => heldBytes,
    close: proxy.close,
  };
}

export interface RefusingProxy {
  /** host:port to give the process in place of the server's address. */
  address: string;
  /** Cuts every connection, and closes each new one at once until accept(). */
  refuse(): void;
  accept(): void;
  /** Connections closed at once while refusing. */
  refused(): number;
  close(): Promise<void>;
}

export async function startRefusingProxy(target: string): Promise<RefusingProxy> {
  let refusing = false;
  let refused = 0;
  const proxy = await startProxy(target, {
    onConnection: (client) => {
      if (!refusing) return true;
      refused++;
      client.destroy();
      return false;
    },
    onClientData: (chunk, upstream) => upstream.write(chunk),
  });
  return {
    address: proxy.address,
    refuse: () => {
      refusing = true;
      proxy.cutAll();
    },
    accept: () => {
      refusing = false;
    },
    refused: () => refused,
    close: proxy.close,
  };
}

interface ProxyHooks {
  /** False to drop the connection before it reaches the server. */
  onConnection?(client: net.Socket): boolean;
  onClientData(chunk: Buffer, upstream: net.Socket): void;
}

async function startProxy(target: string, hooks: ProxyHooks) {
  const colon = target.lastIndexOf(':');
  const host = target.slice(0, colon);
  const port = Number(target.slice(colon + 1));
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (hooks.onConnection && !hooks.onConnection(client)) return;
    const upstream = net.connect(port, host);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => hooks.onClientData(chunk, upstream));
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${own}`,
    cutAll: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
