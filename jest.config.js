/**
 * Jest runs TypeScript through @swc/jest (fast on 2 cores); `npm run typecheck` does the
 * type checking. The swc options live here, not in a repo-level .swcrc, because the
 * Temporal workflow bundler's swc-loader would read a .swcrc too.
 *
 * globalSetup starts one real Temporal dev server (in memory) and migrates the test
 * Postgres database; each test file then uses its own task queue and organization.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // The run ends when its tests have: a handle a suite leaked (a worker or a socket its
  // teardown could not close) fails that suite, and must not hold CI until its time limit.
  forceExit: true,
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Pages of the reviewer console (src/console/**/*.tsx) are JSX rendered by Hono (hono/jsx).
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic', importSource: 'hono/jsx' } } },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  // @octokit/core and its helpers ship only ES modules; Jest's CommonJS runtime needs them
  // transformed (Node itself loads them with require(esm), so production needs nothing).
  transformIgnorePatterns: [
    '/node_modules/(?!(@octokit|universal-user-agent|before-after-hook|fast-content-type-parse|json-with-bigint|content-type|aggregate-error|indent-string|clean-stack|escape-string-regexp)/)',
  ],
  // @octokit/webhooks-methods declares its entry only under the "import" condition, which
  // Jest's CommonJS resolver skips; point it at that same file (transformed above).
  moduleNameMapper: {
    '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js',
  },
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/tests/support/summary-reporter.js'],
};
