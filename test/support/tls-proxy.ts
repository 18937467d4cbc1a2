// A TLS-terminating TCP proxy in front of the test's plaintext Temporal dev server, standing in for
// a cluster that requires mTLS: it accepts only clients whose certificate the given CA signed,
// offers 'h2' by ALPN as gRPC clients ask, and forwards the decrypted bytes unchanged.
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

export interface TlsProxy {
  /** host:port to give vpay in place of the server's address. */
  address: string;
  /** Why each refused handshake was refused (a client without a certificate among them). */
  refused: string[];
  /** Connections forwarded after a handshake with a verified client certificate. */
  accepted(): number;
  close(): Promise<void>;
}

/** `target` is the plaintext server's host:port; the files are PEM paths. */
export async function startTlsProxy(target: string, files: { ca: string; cert: string; key: string }): Promise<TlsProxy> {
  const colon = target.lastIndexOf(':');
  const host = target.slice(0, colon);
  const port = Number(target.slice(colon + 1));
  const refused: string[] = [];
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      ca: fs.readFileSync(files.ca),
      cert: fs.readFileSync(files.cert),
      key: fs.readFileSync(files.key),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (client) => {
      accepted += 1;
      const upstream = net.connect(port, host);
      sockets.add(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(upstream);
      };
      client.on('close', end).on('error', end);
      upstream.on('close', end).on('error', end);
    },
  );
  // The raw TCP sockets, handshaking or not, so close() ends every one of them.
  server.on('connection', (raw: net.Socket) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
  });
  server.on('tlsClientError', (err) => refused.push(err.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${own}`,
    refused,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
