import fs from 'node:fs';
import path from 'node:path';
import { migrateDatabase, openDatabase } from '../../src/db/client';
import { startDevServer } from '../../src/temporal/dev-server';
import { bundleWorkflows } from '../../src/temporal/worker';
import { DEFAULT_TEST_DATABASE_URL, TEST_ENV_KEYS } from './env';

/**
 * Real parts for every test: one Temporal dev server (in memory, its own free port, the
 * project's search attributes) and the test Postgres database with the real migrations.
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  const started = Date.now();

  const databaseUrl = process.env[TEST_ENV_KEYS.databaseUrl] ?? DEFAULT_TEST_DATABASE_URL;
  const db = await openDatabase({ url: databaseUrl, pgliteDir: '', poolSize: 2 });
  try {
    await migrateDatabase(db);
  } catch (error) {
    throw new Error(
      `Tests need PostgreSQL at ${databaseUrl} (set ${TEST_ENV_KEYS.databaseUrl}); \`bash .ci/run\` sets it up. ${String(error)}`,
      { cause: error },
    );
  } finally {
    await db.close();
  }

  const [server, bundle] = await Promise.all([
    startDevServer({
      port: 0,
      uiPort: null,
      namespace: 'default',
      cacheDir: path.join(root, '.data', 'bin'),
      cliPath: process.env.TEMPORAL_CLI_PATH,
      // Worker Versioning (tests/e2e/rolling-upgrade.test.ts): a build reads as drained, and a
      // stopped build may be deleted, within seconds rather than the 3 and 5 minute defaults.
      dynamicConfig: {
        'matching.wv.VersionDrainageStatusRefreshInterval': '1s',
        'matching.wv.VersionDrainageStatusVisibilityGracePeriod': '1s',
        'matching.PollerHistoryTTL': '3s',
      },
      log: (message) => process.stderr.write(`[test setup] ${message}\n`),
    }),
    bundleWorkflows(),
  ]);
  const bundlePath = path.join(root, '.data', 'test', `workflow-bundle-${process.pid}.js`);
  fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
  fs.writeFileSync(bundlePath, bundle.code);

  process.env[TEST_ENV_KEYS.databaseUrl] = databaseUrl;
  process.env[TEST_ENV_KEYS.temporalAddress] = server.address;
  process.env[TEST_ENV_KEYS.workflowBundle] = bundlePath;
  (globalThis as Record<string, unknown>).__testTemporal = server;
  (globalThis as Record<string, unknown>).__testBundlePath = bundlePath;
  process.stderr.write(`[test setup] Temporal at ${server.address}, Postgres at ${databaseUrl}, ready in ${Date.now() - started} ms\n`);
}
