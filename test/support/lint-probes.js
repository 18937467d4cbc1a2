'use strict';
// Lints source texts as if they were files at the given paths, with the project's own
// eslint.config.mjs, and prints each one's messages as JSON. test/unit/lint-rules.test.ts runs it
// in a child process: ESLint loads its config with import(), which jest's module sandbox refuses.
//   stdin:  [{ "filePath": "lib/db/probe.ts", "code": "import ...", "typed": false }, ...]
//   stdout: [[{ "ruleId": "...", "message": "...", "line": 1 }, ...], ...]
// An untyped probe's file need not exist: type information is off (the layer and sandbox rules
// need none). A typed one's must be a file of the TypeScript project; its text is replaced.

const path = require('node:path');
const { ESLint } = require('eslint');
const tseslint = require('typescript-eslint');

const root = path.resolve(__dirname, '..', '..');

async function main() {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const probes = JSON.parse(input);
  const untyped = new ESLint({ cwd: root, overrideConfig: tseslint.configs.disableTypeChecked });
  const typed = new ESLint({ cwd: root });
  const results = [];
  for (const { filePath, code, typed: withTypes } of probes) {
    const eslint = withTypes ? typed : untyped;
    const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
    results.push(result.messages.map(({ ruleId, message, line }) => ({ ruleId, message, line })));
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
