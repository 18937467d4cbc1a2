// One jest run for every test. The global setup starts one real PostgreSQL and one real
// Temporal dev server on free ports for the integration tests; each test file gets its own
// database and task queue on them.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: { warnOnly: false }, tsconfig: 'tsconfig.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // The cluster's failover test runs apart: `npm run test:cluster` (jest.cluster.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120_000,
  maxWorkers: 2,
  // Unit tests assert failures loudly; a hung handle would hide as a slow CI.
  forceExit: false,
};
