/** Values globalSetup hands to test files through the environment. */
export const TEST_ENV_KEYS = {
  temporalAddress: 'TEST_TEMPORAL_ADDRESS',
  workflowBundle: 'TEST_WORKFLOW_BUNDLE',
  databaseUrl: 'TEST_DATABASE_URL',
} as const;

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testEnv(key: keyof typeof TEST_ENV_KEYS): string {
  const value = process.env[TEST_ENV_KEYS[key]];
  if (!value) throw new Error(`${TEST_ENV_KEYS[key]} is not set: run the tests with jest (globalSetup sets it)`);
  return value;
}
