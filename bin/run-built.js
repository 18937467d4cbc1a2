'use strict';
// `npm run api` / `npm run worker`: runs a service from the production build (`npm run build`,
// dist/), in this process. It installs nothing and compiles nothing, unlike `npm start` and
// `npm test`, which go through tools/dev/bootstrap.js: a production process starts from what was
// built and shipped. Plain CommonJS with node's built-ins only, so that a missing build is a
// clear message rather than node's MODULE_NOT_FOUND.
//   node bin/run-built.js api|worker|reconcile [args...]

const fs = require('node:fs');
const path = require('node:path');

/** What each command runs, in dist/: the two services and the operator's reconcile tool. */
const ENTRIES = { api: 'api/main.js', worker: 'worker/main.js', reconcile: 'tools/ops/reconcile-cli.js' };
const SERVICES = Object.keys(ENTRIES);
/** The folders tsconfig.build.json compiles: a source newer than the build is not in it. */
const SOURCE_DIRS = ['api', 'worker', 'application', 'workflows', 'activities', 'lib', 'migrations', 'tools/ops'];

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** The newest .ts file under the source folders, when they are there (a deployment may ship only dist/). */
function newestSource() {
  let newest;
  const visit = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith('.ts')) {
        const mtimeMs = fs.statSync(p).mtimeMs;
        if (!newest || mtimeMs > newest.mtimeMs) newest = { file: p, mtimeMs };
      }
    }
  };
  for (const d of SOURCE_DIRS) visit(path.join(root, d));
  return newest;
}

const service = process.argv[2];
if (!SERVICES.includes(service)) fail(`usage: node bin/run-built.js ${SERVICES.join('|')}`);
const entry = path.join(dist, ENTRIES[service]);
if (!fs.existsSync(entry)) {
  fail(
    `${path.relative(process.cwd(), entry)} not found: run \`npm run build\` first ` +
      `(\`npm run ${service}\` runs the production build; \`npm start\` runs the whole stack from source).`,
  );
}
// A developer who edits code and runs `npm run api` would otherwise run the old build unawares.
// Only a warning: a deployment's file times are whatever its copy made them.
const builtAt = fs.statSync(entry).mtimeMs;
const source = newestSource();
if (source && source.mtimeMs > builtAt) {
  process.stderr.write(
    `warning: ${path.relative(root, source.file)} changed after the build in dist/; run \`npm run build\` to run the current code\n`,
  );
}
// The build emits source maps: stack traces in the logs then name the TypeScript lines.
process.setSourceMapsEnabled(true);
// The command reads its own arguments from process.argv: without the command's name.
process.argv.splice(2, 1);
require(entry);
