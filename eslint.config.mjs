// ESLint (flat config): `npm run lint`, run by `npm test` and CI before the tests.
// - Promises: a promise nobody awaits or handles fails silently; in a workflow it is worse (an
//   activity or timer that was never awaited). Typed rules, from tsconfig.json.
// - Layers: imports run downward only (LAYERS below); each folder may import its own layer and
//   those under it, type-only imports included.
// - The workflow sandbox: workflow code is bundled into Temporal's deterministic sandbox, which
//   has no Node built-ins and must not pull in the client, worker or activity runtime.
// Formatting is Prettier's (`npm run format`), not ESLint's.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The layers, top to bottom: a folder may import from its own layer and the layers below it,
 * never from one above. test/ may import anything and is imported by nothing of vpay's own;
 * migrations/ imports nothing of vpay (lib/db runs them).
 */
const LAYERS = [
  ['tools', 'bench', 'console-ui'],
  ['api', 'worker'],
  ['application'],
  ['workflows', 'activities'],
  ['lib/domain', 'lib/db', 'lib/outbound'],
  ['lib/platform'],
];
const LAYERS_TEXT = LAYERS.map((layer) => layer.join(', ')).join(' → ');
const UPPER_LAYERS = LAYERS.flat();

/** Workflow code outside workflows/ that Temporal bundles into the sandbox (bench/stack.ts). */
const OTHER_WORKFLOW_FILES = ['bench/ceiling/workflows.ts'];

/** How deep below a layer's folder a file may sit and still get the layer's rules. */
const MAX_DEPTH = 8;
const SOURCE_EXTENSIONS = '{ts,tsx,mts,cts,js,mjs,cjs}';

/**
 * The web console (console-ui/) runs in a browser and is built by Vite on its own: it may import
 * npm packages and its own files, and of vpay only the permission table (a pure module with no
 * imports), never a Node built-in. Being in the top layer, nothing of vpay's may import it; the
 * API serves its build as files (api/console-ui/).
 */
const CONSOLE_UI_SHARED = ['lib/domain/console/permissions'];
function consoleUiRestrictions(depth) {
  const allowed = CONSOLE_UI_SHARED.map((f) => escapeRegExp(f)).join('|');
  return {
    paths: sandboxRestrictions.paths.map((p) => ({ ...p, message: `console-ui/ runs in a browser: no Node built-ins (${p.name}).` })),
    patterns: [
      {
        regex: `^(?:\\./)?${escapeRegExp('../'.repeat(depth + 1))}(?!(?:${allowed})$)`,
        message: `console-ui/ may import of vpay only ${CONSOLE_UI_SHARED.join(', ')} (pure, shared with the API): it is a browser app, built apart.`,
      },
      { regex: '^node:', message: 'console-ui/ runs in a browser: no Node built-ins.' },
    ],
  };
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The folders that hold `dir`, from the repository root down: 'lib/db' → ['', 'lib', 'lib/db']. */
const ancestors = (dir) => ['', ...dir.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))];

/**
 * A regular expression matching the relative import specifiers by which a file `depth` folders
 * below `from` reaches the folder `target` or anything in it: '../../api', '../../api/start', and
 * the longer spellings through any common ancestor ('../../lib/db' as well as '../db' from
 * lib/platform). no-restricted-imports compares specifiers as written, so this is done per depth.
 */
function reaching(from, target, depth) {
  const fromAncestors = new Set(ancestors(from));
  const spellings = ancestors(target)
    .filter((a) => fromAncestors.has(a) && a !== target)
    .map((a) => `${'../'.repeat(depth)}${path.posix.relative(from, a)}/${path.posix.relative(a, target)}`.replace(/\/\/+/g, '/'));
  return `^(?:\\./)?(?:${spellings.map(escapeRegExp).join('|')})(?:/|$)`;
}

/**
 * What the files `depth` folders below `folder` may not import, in no-restricted-imports' form;
 * `layer` is the folder whose place in LAYERS they take.
 */
function restrictionsOf(folder, depth, layer = folder) {
  if (layer === 'migrations') {
    return {
      paths: [],
      patterns: [
        {
          regex: `^(?:\\./)?${escapeRegExp('../'.repeat(depth + 1))}`,
          message: 'migrations/ imports nothing of vpay: a migration must run the same whatever the code around it becomes.',
        },
      ],
    };
  }
  const level = LAYERS.findIndex((l) => l.includes(layer));
  const patterns = LAYERS.slice(0, level)
    .flat()
    .map((target) => ({
      regex: reaching(folder, target, depth),
      message: `${folder}/ may not import ${target}/: imports run downward only (${LAYERS_TEXT}), type-only imports included.`,
    }));
  if (layer === 'workflows') {
    patterns.push({
      regex: reaching(folder, 'activities', depth),
      allowTypeImports: true,
      message:
        'workflows/ may import only types from activities/ (`import type { Activities }`): activities run in the worker, outside the sandbox.',
    });
  }
  return { paths: [], patterns };
}

/** Node built-ins and the SDK's non-workflow packages: none of them exists in the workflow sandbox. */
const sandboxRestrictions = {
  paths: [...new Set(builtinModules.flatMap((m) => [m.replace(/^node:/, ''), `node:${m.replace(/^node:/, '')}`]))].map((name) => ({
    name,
    message: `Workflow code runs in Temporal's sandbox, which has no Node built-ins (${name}): do this in an activity.`,
  })),
  patterns: [
    {
      regex: '^node:',
      message: "Workflow code runs in Temporal's sandbox, which has no Node built-ins: do this in an activity.",
    },
    {
      regex: '^@temporalio/(?:client|worker|activity|testing|nexus)(?:/|$)',
      message:
        'Workflow code may import @temporalio/workflow and @temporalio/common only: the client, worker and activity packages do not run in the sandbox.',
    },
  ],
};

const merge = (...restrictions) => ({
  paths: restrictions.flatMap((r) => r.paths),
  patterns: restrictions.flatMap((r) => r.patterns),
});

const restrictImports = (restrictions) => ({ '@typescript-eslint/no-restricted-imports': ['error', restrictions] });

/** One config per layer folder and depth below it: each file matches exactly one of them. */
function layerConfigs() {
  const configs = [];
  // Anything in lib/ outside its four folders is of lib/domain's layer; the folders' own configs,
  // later in the list, override this one for their files.
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    configs.push({
      name: `vpay/layers/lib/depth-${depth}`,
      files: [`lib/${'*/'.repeat(depth)}*.${SOURCE_EXTENSIONS}`],
      rules: restrictImports(restrictionsOf('lib', depth, 'lib/domain')),
    });
  }
  for (const folder of [...UPPER_LAYERS, 'migrations']) {
    for (let depth = 0; depth <= MAX_DEPTH; depth++) {
      const restrictions = restrictionsOf(folder, depth);
      configs.push({
        name: `vpay/layers/${folder}/depth-${depth}`,
        files: [`${folder}/${'*/'.repeat(depth)}*.${SOURCE_EXTENSIONS}`],
        rules: restrictImports(folder === 'workflows' ? merge(restrictions, sandboxRestrictions) : restrictions),
      });
    }
  }
  // The browser console: its own files, npm packages and the permission table only.
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    configs.push({
      name: `vpay/layers/console-ui/src/depth-${depth}`,
      files: [`console-ui/src/${'*/'.repeat(depth)}*.${SOURCE_EXTENSIONS}`],
      rules: restrictImports(consoleUiRestrictions(depth + 1)),
    });
  }
  // Workflow code outside workflows/ (the benchmark's bare workflow) has the sandbox's limits.
  configs.push({ name: 'vpay/workflow-sandbox', files: OTHER_WORKFLOW_FILES, rules: restrictImports(sandboxRestrictions) });
  return configs;
}

export default defineConfig([
  globalIgnores(['.data/', '.tools/', 'dist/', 'coverage/', 'bench/results/', 'test/replay/histories/']),

  {
    name: 'vpay/javascript',
    files: [`**/*.${SOURCE_EXTENSIONS}`],
    extends: [js.configs.recommended],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { globals: globals.node },
  },
  {
    name: 'vpay/commonjs',
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs' },
  },

  {
    name: 'vpay/console-ui/browser',
    files: [`console-ui/src/**/*.${SOURCE_EXTENSIONS}`],
    languageOptions: { globals: globals.browser },
  },

  {
    name: 'vpay/typescript',
    files: ['**/*.{ts,tsx,mts,cts}'],
    extends: [tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    rules: {
      // Promises (typed): every promise is awaited, returned, or handled (`.catch`, or `void` to
      // say "fire and forget" on purpose); none is passed where a callback's result is ignored.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',

      // Database rows and parsed JSON are `any` at the edges, on purpose and under test.
      '@typescript-eslint/no-explicit-any': 'off',
      // `_name` marks a parameter a signature needs but the body does not (Express's error
      // handler needs four); `...rest` siblings are how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },

  {
    // The layer rules apply to JavaScript too: the TypeScript version of the rule also sees
    // `import x = require()` and has allowTypeImports. It needs no type information.
    name: 'vpay/layers/plugin',
    files: [`**/*.${SOURCE_EXTENSIONS}`],
    plugins: { '@typescript-eslint': tseslint.plugin },
  },
  ...layerConfigs(),
]);
