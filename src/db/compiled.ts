import { type Placeholder, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client';

/**
 * A hot statement whose text drizzle builds once, not on every call. Drizzle turns a statement
 * into its text by walking every chunk of it with entity checks; for a composed CTE that walk
 * costs more than sending it (the submission's statement: ~0.17 ms of ~1 ms of the API's CPU
 * per submission, profiled). Here the statement is written once with a named placeholder for
 * every value, compiled on first use against each database, and then only bound.
 *
 * The statement's shape must not depend on the values (write `($x is null or …)` rather
 * than leaving a clause out). The result is the driver's, as `db.execute` returns it.
 */
export function compiledStatement<Values extends Record<string, unknown>>(
  build: (value: (name: keyof Values & string) => Placeholder, db: Database) => SQL,
): (db: Database, values: Values) => Promise<unknown> {
  const compiled = new WeakMap<Database, { execute(values: Record<string, unknown>): Promise<unknown> }>();
  return (db, values) => {
    let prepared = compiled.get(db);
    if (!prepared) {
      // Drizzle's own path for db.execute, taken once: its dialect makes the text and its
      // session the driver's prepared query, which fills the placeholders on each call.
      const { dialect, session } = db as unknown as DrizzleInternals;
      prepared = session.prepareQuery(dialect.sqlToQuery(build((name) => sql.placeholder(name), db)), undefined, undefined, false);
      compiled.set(db, prepared);
    }
    return prepared.execute(values);
  };
}

/** What every drizzle Postgres database has, behind its public API (drizzle-orm 0.45). */
interface DrizzleInternals {
  dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
  session: {
    prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: undefined, isResponseInArrayMode: boolean): { execute(values: Record<string, unknown>): Promise<unknown> };
  };
}
