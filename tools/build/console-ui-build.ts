// Typed access for TS code (npm start, the tests' global setup) to tools/build/console-ui.js, which
// stays plain JS because `npm run build` runs it without a TypeScript runner.
interface ConsoleUiBuilder {
  ensureConsoleUi(root?: string, outDir?: string): boolean;
  buildConsoleUi(root?: string, outDir?: string): void;
  isFresh(root?: string, outDir?: string): boolean;
  inputsHash(root?: string): string;
  defaultOutDir(root?: string): string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const builder = require('./console-ui.js') as ConsoleUiBuilder;

export const { ensureConsoleUi, buildConsoleUi, isFresh, inputsHash, defaultOutDir } = builder;
