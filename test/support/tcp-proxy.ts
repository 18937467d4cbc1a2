// A TCP proxy between one process and a server, for tests that must hold that process at a given
// point: while held, what the process sends is kept here, not forwarded (what the server sends
// still arrives). A worker behind it runs its local activities but cannot complete its workflow
// task; killing it then loses what it sent, as a crash before the send would.
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
  const colon = target.lastIndexOf(':');
  const host = target.slice(0, colon);
  const port = Number(target.slice(colon + 1));
  let held = false;
  let heldBytes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      // Never forwarded, even once the connection ends: the process "died" before sending it.
      if (held) heldBytes += chunk.length;
      else upstream.write(chunk);
    });
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
    hold: () => {
      held = true;
    },
    heldBytes: () => heldBytes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
