// What the jest global setup started, as handed to the test files through the environment.
export interface TestEnv {
  pgAdminUrl: string;
  temporalAddress: string;
  bundlePath: string;
}

export function testEnv(): TestEnv {
  const pgAdminUrl = process.env.VPAY_TEST_PG_URL;
  const temporalAddress = process.env.VPAY_TEST_TEMPORAL_ADDRESS;
  const bundlePath = process.env.VPAY_TEST_BUNDLE;
  if (!pgAdminUrl || !temporalAddress || !bundlePath) {
    throw new Error('the jest global setup did not run (VPAY_TEST_* unset); run tests with `npm test`');
  }
  return { pgAdminUrl, temporalAddress, bundlePath };
}
