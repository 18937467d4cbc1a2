// Whether the postgres OS user can enter a directory, judged as Unix does (tools/dev/embedded-pg.ts
// blockedAt): by the ONE permission class that applies, owner first, then group, then other.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blockedAt } from '../../tools/dev/embedded-pg';

let dir: string;
const me = { uid: process.getuid!(), gid: process.getgid!() };
const stranger = { uid: me.uid + 4242, gid: me.gid + 4242 };

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-reach-'));
  fs.chmodSync(dir, 0o755);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const withMode = (name: string, mode: number): string => {
  const d = path.join(dir, name);
  fs.mkdirSync(d);
  fs.chmodSync(d, mode);
  return d;
};

it('an owner without u+x cannot enter, even when o+x is set', () => {
  const d = withMode('owner-no-x', 0o601);
  expect(blockedAt(d, me)).toBe(d);
});

it('a group member without g+x cannot enter, even when o+x is set', () => {
  const d = withMode('group-no-x', 0o701);
  expect(blockedAt(d, { uid: stranger.uid, gid: me.gid })).toBe(d);
});

it('others enter by o+x only', () => {
  expect(blockedAt(withMode('other-x', 0o701), stranger)).toBeUndefined();
  const closed = withMode('other-no-x', 0o770);
  expect(blockedAt(closed, stranger)).toBe(closed);
});

it('names the first directory on the way that is closed', () => {
  const outer = withMode('outer', 0o700);
  const inner = path.join(outer, 'inner');
  fs.mkdirSync(inner, { mode: 0o755 });
  expect(blockedAt(inner, stranger)).toBe(outer);
});
