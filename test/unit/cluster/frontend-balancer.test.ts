// The cluster's stand-in load balancer: new connections go to the frontends in turn, and one
// that refuses (killed) is skipped, so clients reconnect to one that lives.
import net from 'node:net';
import { startFrontendBalancer, type FrontendBalancer } from '../../../tools/cluster/frontend-balancer';
import { freePort } from '../../../tools/dev/free-port';
import { waitFor } from '../../support/wait-for';

/** A server that answers every connection with its name, then closes it. */
async function namedServer(name: string): Promise<{ address: string; close(): Promise<void> }> {
  const server = net.createServer((s) => s.end(name));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  return { address: `127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

function ask(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('data', (c) => (got += c.toString()));
    s.once('close', () => resolve(got));
    s.once('error', reject);
  });
}

let balancer: FrontendBalancer | undefined;
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await balancer?.close();
  for (const s of servers.splice(0)) await s.close();
});

test('connections go to each frontend in turn', async () => {
  const a = await namedServer('a');
  const b = await namedServer('b');
  servers.push(a, b);
  balancer = await startFrontendBalancer(0, [a.address, b.address]);
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await ask(balancer.port));
  expect(answers).toEqual(['a', 'b', 'a', 'b']);
  // Each closed again once answered.
  expect(balancer.connections()).toEqual({ [a.address]: 0, [b.address]: 0 });
});

test('counts the client connections open to each frontend', async () => {
  // A server that keeps connections open until told.
  const held = new Set<net.Socket>();
  const server = net.createServer((s) => held.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  servers.push({
    close: () =>
      new Promise((r) => {
        for (const s of held) s.destroy();
        server.close(() => r());
      }),
  });
  balancer = await startFrontendBalancer(0, [address]);
  const clients = [net.connect({ host: '127.0.0.1', port: balancer.port }), net.connect({ host: '127.0.0.1', port: balancer.port })];
  const b = balancer;
  await waitFor('two connections upstream', () => b.connections()[address] === 2);
  for (const c of clients) c.destroy();
  await waitFor('both closed', () => b.connections()[address] === 0);
});

test('a frontend that refuses is skipped: every connection reaches the live one', async () => {
  const a = await namedServer('a');
  servers.push(a);
  const dead = `127.0.0.1:${await freePort()}`; // nothing listens there
  balancer = await startFrontendBalancer(0, [dead, a.address]);
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await ask(balancer.port));
  expect(answers).toEqual(['a', 'a', 'a']);
});

test('with every frontend down, a client is disconnected rather than left hanging', async () => {
  balancer = await startFrontendBalancer(0, [`127.0.0.1:${await freePort()}`]);
  await expect(ask(balancer.port)).resolves.toBe('');
});
