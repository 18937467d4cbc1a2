// `npm run test:cluster`: the failover test on the local multi-service Temporal cluster
// (test/cluster/). It starts everything it needs itself, so it has none of the main config's
// global setup; one test file at a time on a 2-core machine.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: { warnOnly: false }, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/cluster/**/*.test.ts'],
  testTimeout: 30 * 60_000,
  maxWorkers: 1,
};
