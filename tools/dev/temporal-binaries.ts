// Typed access for TS code to the binaries that tools/dev/install-temporal.js installs; the
// installer stays plain JS because it runs before `npm install`.
import path from 'node:path';

interface Installer {
  temporalCliPath(root: string): string;
  temporalTestServerPath(root: string): string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const installer = require('./install-temporal.js') as Installer;

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Absolute path of the `temporal` CLI; throws if it is not installed. */
export function temporalCliPath(root: string = PROJECT_ROOT): string {
  return installer.temporalCliPath(root);
}

/** Absolute path of `temporal-test-server`; throws if it is not installed. */
export function temporalTestServerPath(root: string = PROJECT_ROOT): string {
  return installer.temporalTestServerPath(root);
}
