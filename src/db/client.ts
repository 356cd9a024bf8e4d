import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as PgliteDriver from 'drizzle-orm/pglite';
import type * as PgliteMigrator from 'drizzle-orm/pglite/migrator';
import type * as PostgresJsDriver from 'drizzle-orm/postgres-js';
import type * as PostgresJsMigrator from 'drizzle-orm/postgres-js/migrator';
import type Postgres from 'postgres';
import { schema } from './schema';

/** Either driver behind one type: repositories never know which one they run on. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  driver: 'postgres' | 'pglite';
  /** Where the data lives, for logs (a URL without its password, or a directory). */
  location: string;
  /** Runs `fn` while holding a cluster-wide lock (Postgres) so concurrent starters migrate once. */
  withMigrationLock<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * LISTENs on `channel`: `onPayload` gets each NOTIFY's payload. `onConnected` runs whenever the
   * listening connection is (re)established — notifications sent while it was down are lost,
   * so a listener that caches must start over there. Resolves once listening; the result stops it.
   */
  listen(channel: string, onPayload: (payload: string) => void, onConnected: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const MIGRATION_LOCK_ID = 7433001;

export interface DatabaseOptions {
  /** postgres:// URL; unset means embedded PGlite in `pgliteDir`. */
  url: string | undefined;
  pgliteDir: string;
  poolSize?: number;
  /** Seconds to wait for a connection before a statement fails (default 3). */
  connectTimeoutSeconds?: number;
  /**
   * Postgres only, default true: each connection prepares a statement text once and reuses its
   * plan (see `preparePerConnection`). False for a pooler that cannot keep prepared statements
   * (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
  /** Called for every statement sent (Postgres only): benchmarks count writes with it. */
  onQuery?: (query: string) => void;
}

/**
 * Drizzle sends every statement it did not name with `.prepare(name)` unprepared, so Postgres
 * parses and plans our composed CTEs on every call. postgres.js prepares by default: a
 * connection names each distinct text once and binds to it afterwards. That default is put back
 * here for the pool's statements (issue 13: Postgres CPU per issue fell by about a third).
 *
 * Bounded: every statement text comes from code (values are always parameters; `sql.raw` only
 * takes constants), and postgres.js closes a connection after 30–60 minutes by default, with its
 * statements. A schema change under a prepared statement is retried by postgres.js once the
 * plan is invalid. Statements inside `client.begin` transactions keep drizzle's choice.
 */
function preparePerConnection(client: { unsafe: (...args: never[]) => unknown }): void {
  const unsafe = client.unsafe.bind(client) as (query: string, params?: unknown[], options?: { prepare?: boolean }) => unknown;
  (client as { unsafe: typeof unsafe }).unsafe = (query, params, options) => unsafe(query, params, { ...options, prepare: true });
}

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

/**
 * Loads a database driver module when first needed (a process uses one of the two), through
 * `require`. Under tsx, `import()` would load drizzle's (and postgres.js's) ES-module build
 * beside the CommonJS one this code's static imports use: a second copy of drizzle, whose
 * objects fail the first's `instanceof`, and ~200 ms more at every process start.
 */
function loadDriver<Module>(id: string): Module {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy and CommonJS on purpose, see above
  return require(id) as Module;
}

/**
 * Opens Postgres (postgres.js) when a URL is given, else embedded PGlite persisted in a
 * directory. PGlite is one in-process connection: run the worker and the API in the same
 * process with it (the all-in-one `npm run dev` does), or set DATABASE_URL.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const postgres = loadDriver<typeof Postgres>('postgres');
    const { drizzle } = loadDriver<typeof PostgresJsDriver>('drizzle-orm/postgres-js');
    const client = postgres(options.url, {
      max: options.poolSize ?? 10,
      onnotice: () => undefined,
      // The service is a long-lived process; idle connections are closed, not kept forever.
      idle_timeout: 60,
      // A database that does not answer fails the statement in seconds (the API answers 503,
      // activities retry) instead of after postgres.js's default of 30 s.
      connect_timeout: options.connectTimeoutSeconds ?? 3,
      // Between failed connection attempts postgres.js waits, and statements queue behind the
      // wait: by default 3^n/100 s, up to 20 s, so in a longer outage a request hung for many
      // seconds instead of failing (seen by npm run chaos). Capped at 1 s: statements fail fast
      // while the database is away and run as soon as it is back.
      backoff: (attempt: number) => Math.min(0.1 * 2 ** attempt, 1),
      ...(options.onQuery ? { debug: (_connection: number, query: string) => options.onQuery?.(query) } : {}),
    });
    if (options.preparedStatements !== false) preparePerConnection(client);
    return {
      db: drizzle(client, { schema }) as unknown as Database,
      driver: 'postgres',
      location: redactUrl(options.url),
      async withMigrationLock(fn) {
        // A connection of its own: the migrator uses the pool, which may have one slot.
        const lock = postgres(options.url as string, { max: 1, onnotice: () => undefined });
        try {
          await lock`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
          return await fn();
        } finally {
          await lock`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => undefined);
          await lock.end({ timeout: 5 });
        }
      },
      async listen(channel, onPayload, onConnected) {
        // postgres.js listens on a connection of its own (outside the pool) and reconnects it.
        const listening = await client.listen(channel, onPayload, onConnected);
        return () => listening.unlisten();
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  fs.mkdirSync(options.pgliteDir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = loadDriver<typeof PgliteDriver>('drizzle-orm/pglite');
  const client = await PGlite.create({ dataDir: options.pgliteDir });
  return {
    db: drizzle(client, { schema }) as unknown as Database,
    driver: 'pglite',
    location: options.pgliteDir,
    // One in-process connection: nobody else can migrate concurrently.
    withMigrationLock: (fn) => fn(),
    async listen(channel, onPayload, onConnected) {
      const unlisten = await client.listen(channel, onPayload);
      onConnected(); // one in-process connection: it never drops
      return () => unlisten();
    },
    close: () => client.close(),
  };
}

/**
 * Applies the committed migrations (idempotent). On Postgres an advisory lock serialises
 * concurrent starters (API and worker booting together), so each migration runs once.
 */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_DIR };
  if (handle.driver === 'pglite') {
    const { migrate } = loadDriver<typeof PgliteMigrator>('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, config);
    return;
  }
  const { migrate } = loadDriver<typeof PostgresJsMigrator>('drizzle-orm/postgres-js/migrator');
  await handle.withMigrationLock(() => migrate(handle.db as never, config));
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres (unparseable URL)';
  }
}
