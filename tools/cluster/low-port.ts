// A free TCP port below 32768. The Temporal server keeps each service instance's ports in
// PostgreSQL's cluster_membership table as smallint, so the OS's own free ports (ephemeral,
// 32768 and up on Linux) make it fail at start ("value out of range for type smallint").
import net from 'node:net';

const LOW = 20_000;
const HIGH = 32_767;

export async function freeLowPort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (await canBind(port)) return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} after 200 tries`);
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
