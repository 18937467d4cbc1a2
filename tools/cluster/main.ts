// `npm run cluster [-- --workers N --apis M]`: vpay on a local multi-service Temporal cluster on
// PostgreSQL (local-cluster.ts): the Temporal server built from the Go module proxy on first use,
// 2 history, 1 matching, 2 frontend and 1 worker service process behind one address, the Web UI,
// then N vpay workers and M vpay APIs (default 2 and 2). Prints every address; Ctrl-C stops it
// all. Its data stays under DATA_DIR/cluster, so the next start continues what was in flight.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalCluster, type LocalCluster } from './local-cluster';
import { instanceName } from './server-config';

function options(argv: string[]): { workers: number; apis: number } {
  const { values } = parseArgs({ args: argv, options: { workers: { type: 'string' }, apis: { type: 'string' } } });
  const count = (v: string | undefined, name: string, dflt: number, min: number) => {
    const n = v === undefined ? dflt : Number(v);
    if (!Number.isInteger(n) || n < min || n > 8) throw new Error(`--${name} must be a whole number from ${min} to 8, not ${v}`);
    return n;
  };
  return { workers: count(values.workers, 'workers', 2, 1), apis: count(values.apis, 'apis', 2, 1) };
}

async function main(): Promise<void> {
  let counts: { workers: number; apis: number };
  try {
    counts = options(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`npm run cluster: ${(err as Error).message}\nusage: npm run cluster [-- --workers N --apis M]\n`);
    process.exit(2);
  }
  const { workers, apis } = counts;
  const dataDir = path.resolve(process.env.DATA_DIR || '.data', 'cluster');
  const say = (line: string) => process.stdout.write(`[cluster] ${line}\n`);
  // Every process's output goes to its own file: the servers log a lot at start and stop.
  const logDir = path.join(dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  const logs = new Map<string, fs.WriteStream>();
  let cluster: LocalCluster | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) {
      // A second Ctrl-C: leave at once; node's exit hooks still send each process its SIGTERM.
      say('stopping at once');
      process.exit(130);
    }
    stopping = true;
    say('stopping: vpay APIs and workers, then the Temporal services, then PostgreSQL (Ctrl-C again to leave at once)');
    await cluster?.stop();
    await Promise.all([...logs.values()].map((out) => new Promise((resolve) => out.end(resolve))));
    process.exit(code);
  };
  // A closed terminal (SIGHUP) stops it like Ctrl-C: its processes are detached and would outlive it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));
  const onLog = (name: string, line: string) => {
    let out = logs.get(name);
    if (!out) logs.set(name, (out = fs.createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' })));
    out.write(`${line}\n`);
  };
  try {
    cluster = await startLocalCluster({ workers, apis, dataDir, ports: 'fixed', onLog, onStep: say });
  } catch (err) {
    process.stderr.write(`[cluster] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    await shutdown(1);
    return;
  }
  const c = cluster;
  const t = c.temporal;
  const lines = [
    '',
    'vpay is running on a multi-service Temporal cluster',
    ...c.apis.map((a, i) => `  vpay API ${i + 1}:        ${a.url}   (console: ${a.url}/console)`),
    ...c.workers.map((w, i) => `  vpay worker ${i + 1}:     pid ${w.pid()}, metrics ${w.url}`),
    `  Temporal gRPC:     ${t.address} (balancer over the frontends; namespace ${t.namespace})`,
    ...t.instances.map((i) => {
      const name = instanceName(i);
      const http = i.httpPort ? `, HTTP 127.0.0.1:${i.httpPort}` : '';
      return `    ${name.padEnd(12)}    gRPC 127.0.0.1:${i.grpcPort}${http}, membership ${i.membershipPort}, pid ${t.processes.get(name)?.pid()}`;
    }),
    `  Temporal Web UI:   ${t.uiUrl}`,
    `  PostgreSQL:        127.0.0.1:${c.pgPort} (data in ${path.join(dataDir, 'pg')})`,
    `  Admin token:       ${c.config.generatedSecrets.adminToken ? c.config.adminToken : '(from ADMIN_TOKEN)'}`,
    '',
    `Try a whole purchase:  VPAY_URL=${c.apis[0].url} TEMPORAL_UI_URL=${t.uiUrl} npm run demo`,
    `Logs of every process: ${logDir}/<name>.log`,
    'Stop: Ctrl-C',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main();
