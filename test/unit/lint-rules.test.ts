// The lint rules that guard the architecture (eslint.config.mjs) must keep biting: each probe is a
// one-line source text linted as if it sat at a path in the tree, with the project's own config.
// A config change that silently stops a rule (a glob that no longer matches, a regex that no
// longer fits how imports are written) fails here rather than letting upward imports in.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

interface Probe {
  filePath: string;
  code: string;
  /** Lint with type information: filePath must then be a file of the TypeScript project. */
  typed?: boolean;
}
interface LintMessage {
  ruleId: string | null;
  message: string;
  line: number;
}

const root = path.resolve(__dirname, '..', '..');

function lint(probes: Probe[]): LintMessage[][] {
  const r = spawnSync(process.execPath, [path.join(root, 'test', 'support', 'lint-probes.js')], {
    cwd: root,
    input: JSON.stringify(probes),
    encoding: 'utf8',
    timeout: 100_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`lint-probes.js failed (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr}`);
  return JSON.parse(r.stdout) as LintMessage[][];
}

const RESTRICTED = '@typescript-eslint/no-restricted-imports';
const PROMISE_RULES = [
  '@typescript-eslint/no-floating-promises',
  '@typescript-eslint/no-misused-promises',
  '@typescript-eslint/await-thenable',
];

/** [file, import line, whether no-restricted-imports must flag it] */
const importProbes: Array<[string, string, boolean]> = [
  // lib/ imports nothing above it: not the API, nor workflows, type-only imports included.
  ['lib/db/probe.ts', "import { startApi } from '../../api/start';", true],
  ['lib/db/repos/probe.ts', "import type { OrderStatus } from '../../../workflows/definitions';", true],
  ['lib/outbound/probe.ts', "import { createActivities } from '../../activities';", true],
  ['lib/domain/probe.ts', "export { startWorker } from '../../worker/start';", true],
  ['lib/domain/probe.ts', "import '../../tools/ops/reconcile';", true],
  ['lib/domain/probe.ts', "import x = require('../../bench/run');", true],
  ['lib/domain/probe.ts', "import { thing } from '../../application/purchases';", true],
  ['lib/elsewhere/probe.ts', "import { startApi } from '../../api/start';", true],
  // ...and lib/platform nothing of the rest of lib/, however the path is spelled.
  ['lib/platform/probe.ts', "import { getDb } from '../db/db';", true],
  ['lib/platform/probe.ts', "import { getDb } from '../../lib/db/db';", true],
  ['lib/platform/probe.ts', "import { signPay } from '../domain/signatures';", true],
  ['lib/platform/probe.ts', "import { createLogger } from './logger';", false],
  ['lib/db/probe.ts', "import { createLogger } from '../platform/logger';", false],
  ['lib/db/probe.ts', "import { migrations } from '../../migrations';", false],
  ['lib/outbound/probe.ts', "import { getApp } from '../db/repos/apps';", false],
  ['lib/db/repos/probe.ts', "import type { OrderStatus } from '../../domain/order';", false],
  // workflows/ and activities/: not application/ or anything above it.
  ['activities/probe.ts', "import { purchases } from '../application/purchases';", true],
  ['activities/probe.ts', "import { startApi } from '../api/start';", true],
  ['activities/probe.ts', "import { Failures } from '../workflows/definitions';", false],
  ['activities/probe.ts', "import { getDb } from '../lib/db/db';", false],
  ['workflows/probe.ts', "import { purchases } from '../application/purchases';", true],
  ['workflows/probe.ts', "import { ORDER_STATUSES } from '../lib/domain/order';", false],
  // application/: not api/, worker/, tools/, bench/.
  ['application/probe.ts', "import { startApi } from '../api/start';", true],
  ['application/sub/probe.ts', "export * from '../../worker/start';", true],
  ['application/probe.ts', "import { purchase } from '../workflows/purchase';", false],
  // api/ and worker/: not tools/ or bench/; anything below, each other included.
  ['api/admin/probe.ts', "import { reconcile } from '../../tools/ops/reconcile';", true],
  ['worker/probe.ts', "import { fakeSuperapp } from '../bench/fakes';", true],
  ['api/minigame/probe.ts', "import { purchase } from '../../workflows/purchase';", false],
  ['api/probe.ts', "import { createWorker } from '../worker/create-worker';", false],
  // tools/, bench/ and test/ may import anything; migrations/ nothing of vpay.
  ['tools/dev/probe.ts', "import { startApi } from '../../api/start';", false],
  ['bench/probe.ts', "import { startWorker } from '../worker/start';", false],
  ['test/unit/probe.ts', "import { reconcile } from '../../tools/ops/reconcile';", false],
  ['migrations/probe.ts', "import { createLogger } from '../lib/platform/logger';", true],
  ['migrations/probe.ts', "import { initial } from './001_initial';", false],
  // The workflow sandbox: no Node built-ins, no client/worker/activity runtime, only types from activities/.
  ['workflows/probe.ts', "import { readFileSync } from 'node:fs';", true],
  ['workflows/probe.ts', "import { readFileSync } from 'fs';", true],
  ['workflows/probe.ts', "import { mock } from 'node:test';", true],
  ['workflows/probe.ts', "import { createHash } from 'crypto';", true],
  ['workflows/probe.ts', "import { Client } from '@temporalio/client';", true],
  ['workflows/probe.ts', "import { Worker } from '@temporalio/worker';", true],
  ['workflows/probe.ts', "import { Context } from '@temporalio/activity';", true],
  ['workflows/probe.ts', "import { createActivities } from '../activities';", true],
  ['workflows/probe.ts', "import type { Activities } from '../activities';", false],
  ['workflows/probe.ts', "import { proxyActivities } from '@temporalio/workflow';", false],
  ['workflows/probe.ts', "import { defineSearchAttributeKey } from '@temporalio/common';", false],
  ['bench/ceiling/workflows.ts', "import os from 'node:os';", true],
  // The web console (console-ui/) is a browser app: of vpay only the permission table, no Node
  // built-ins; and no server code imports it (the API serves its build as files).
  ['console-ui/src/probe.tsx', "import { may } from '../../lib/domain/console/permissions';", false],
  ['console-ui/src/pages/probe.tsx', "import { may } from '../../../lib/domain/console/permissions';", false],
  ['console-ui/src/pages/probe.tsx', "import { ui } from '../ui';", false],
  ['console-ui/src/pages/probe.tsx', "import { Button } from '@mantine/core';", false],
  ['console-ui/src/probe.tsx', "import { startApi } from '../../api/start';", true],
  ['console-ui/src/pages/probe.tsx', "import type { Principal } from '../../../lib/domain/console/principal';", true],
  ['console-ui/src/probe.tsx', "import fs from 'node:fs';", true],
  ['console-ui/src/probe.tsx', "import fs from 'fs';", true],
  ['api/probe.ts', "import { App } from '../console-ui/src/App';", true],
  ['lib/domain/console/probe.ts', "import { PAGES } from '../../../console-ui/src/App';", true],
  ['tools/dev/probe.ts', "import { App } from '../../console-ui/src/App';", false],
];

/** Type-aware rules, linted at a real file's path with its text replaced. */
const typedProbes: Array<[string, string, string | null]> = [
  [
    'floating promise',
    'export async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n',
    '@typescript-eslint/no-floating-promises',
  ],
  ['awaited promise', 'export async function f(): Promise<void> {}\nexport async function g(): Promise<void> {\n  await f();\n}\n', null],
  ['promise marked fire-and-forget', 'export async function f(): Promise<void> {}\nexport function g(): void {\n  void f();\n}\n', null],
  [
    'async callback where a void one is expected',
    "export const h = (): void => {\n  process.once('SIGTERM', async () => {});\n};\n",
    '@typescript-eslint/no-misused-promises',
  ],
];

describe('lint rules (eslint.config.mjs)', () => {
  let importResults: LintMessage[][];
  let typedResults: LintMessage[][];

  beforeAll(() => {
    importResults = lint(importProbes.map(([filePath, code]) => ({ filePath, code: `${code}\n` })));
    // This very file's path: part of the TypeScript project, so the typed rules have their types.
    const self = path.relative(root, __filename);
    typedResults = lint(typedProbes.map(([, code]) => ({ filePath: self, code, typed: true })));
  });

  it.each(importProbes.map((p, i) => [...p, i] as const))('%s: %s (restricted: %s)', (_file, _code, restricted, i) => {
    const messages = importResults[i];
    expect(messages.filter((m) => m.ruleId === null)).toEqual([]); // a parse or config error is no pass
    expect(messages.some((m) => m.ruleId === RESTRICTED)).toBe(restricted);
  });

  it.each(typedProbes.map((p, i) => [...p, i] as const))('%s', (_name, _code, rule, i) => {
    const messages = typedResults[i];
    expect(messages.filter((m) => m.ruleId === null)).toEqual([]);
    const promiseRules = messages.map((m) => m.ruleId).filter((id) => id !== null && PROMISE_RULES.includes(id));
    expect(promiseRules).toEqual(rule ? [rule] : []);
  });
});
