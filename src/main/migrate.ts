/** `npm run db:migrate`: applies the committed migrations to DATABASE_URL (or embedded PGlite). */
import { loadConfig } from '../config';
import { migrateDatabase } from '../db/client';
import { openConfiguredDatabase } from './services';
import { processLogger } from './logging';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = processLogger(config, 'migrate');
  const db = await openConfiguredDatabase(config, log);
  try {
    await migrateDatabase(db);
    log.info('Migrations applied');
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
