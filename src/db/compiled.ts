import { Param, Placeholder, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Database } from './client';

/**
 * Hot statements whose text drizzle builds once, not on every call. Drizzle turns a statement
 * into its text by walking every chunk of it with entity checks; for a composed CTE that walk
 * costs more than sending it (the submission's statement: ~0.17 ms of ~1 ms of the API's CPU
 * per submission; a pipeline's writes: ~4 of its ~5 ms in drizzle, profiled). Here a statement
 * is written once with a named placeholder for every value, compiled on first use against
 * each database, and then only bound.
 *
 * The statement's shape must not depend on the values (write `($x is null or …)` rather
 * than leaving a clause out).
 */

/** A whole statement: the result is the driver's, as `db.execute` returns it. */
export function compiledStatement<Values extends Record<string, unknown>>(
  build: (value: (name: keyof Values & string) => Placeholder, db: Database) => SQL,
): (db: Database, values: Values) => Promise<unknown> {
  const compiled = new WeakMap<Database, { execute(values: Record<string, unknown>): Promise<unknown> }>();
  return (db, values) => {
    let prepared = compiled.get(db);
    if (!prepared) {
      // Drizzle's own path for db.execute, taken once: its dialect makes the text and its
      // session the driver's prepared query, which fills the placeholders on each call.
      const { dialect, session } = internals(db);
      prepared = session.prepareQuery(dialect.sqlToQuery(build((name) => sql.placeholder(name), db)), undefined, undefined, false);
      compiled.set(db, prepared);
    }
    return prepared.execute(values);
  };
}

/**
 * One write of several sent together (together.ts `writeTogether`), compiled like a
 * statement: `compiledWrite(build)` gives a maker of writes that carry only their values. A
 * write built with drizzle's builders works there too, walked on every call.
 */
export function compiledWrite<Values extends Record<string, unknown>>(
  build: (value: (name: keyof Values & string) => Placeholder, db: Database) => SQLWrapper,
): (db: Database, values: Values) => CompiledWrite {
  const compiled = new WeakMap<Database, CompiledTemplate>();
  const template = (db: Database) => {
    let rendered = compiled.get(db);
    if (!rendered) {
      const names = new Set<string>();
      const write = render(db, build((name) => (names.add(name), sql.placeholder(name)), db));
      rendered = { ...write, names };
      compiled.set(db, rendered);
    }
    return rendered;
  };
  return (db, values) => new CompiledWrite(template, values);
}

/** `{ key: the placeholder named key }` for each of `keys`: a builder's `values` or `set`, compiled. */
export function placeholdersFor<Key extends string>(value: (name: Key) => Placeholder, keys: readonly Key[]): Record<Key, Placeholder> {
  return Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<Key, Placeholder>;
}

/** A write's text cut at its parameters (`parts` has one more entry than `params`). */
export interface RenderedWrite {
  parts: readonly string[];
  params: readonly unknown[];
}

interface CompiledTemplate extends RenderedWrite {
  /** The placeholders it was built with: a value under any other name would be dropped, so it is refused. */
  names: ReadonlySet<string>;
}

export class CompiledWrite {
  constructor(
    private readonly template: (db: Database) => CompiledTemplate,
    private readonly values: Record<string, unknown>,
  ) {}

  /** Its text and this call's values, each through its column's mapping as drizzle would (null stays NULL). */
  render(db: Database): RenderedWrite {
    const { parts, params, names } = this.template(db);
    for (const name in this.values) if (!names.has(name)) throw new Error(`compiled write: ${name} is not one of its values`);
    return { parts, params: params.map((param) => this.bind(param)) };
  }

  private bind(param: unknown): unknown {
    const placeholder = param instanceof Param && param.value instanceof Placeholder ? param.value : param instanceof Placeholder ? param : undefined;
    if (!placeholder) return param;
    if (!(placeholder.name in this.values)) throw new Error(`compiled write: no value for ${placeholder.name}`);
    const value = this.values[placeholder.name];
    if (value === null || value === undefined) return null;
    return param instanceof Param ? param.encoder.mapToDriverValue(value) : value;
  }
}

/** Any write as text cut at its parameters: compiled ones from their template, others walked now. */
export function renderWrite(db: Database, write: CompiledWrite | SQLWrapper): RenderedWrite {
  return write instanceof CompiledWrite ? write.render(db) : render(db, write);
}

function render(db: Database, write: SQLWrapper): RenderedWrite {
  const { sql: text, params } = internals(db).dialect.sqlToQuery(write.getSQL());
  return { parts: cutAtParams(text, params.length), params };
}

/** Drizzle numbers a statement's parameters `$1`…`$n` in order, each once; anything else is refused. */
function cutAtParams(text: string, count: number): string[] {
  const pieces = text.split(/\$(\d+)/);
  const parts: string[] = [];
  for (let index = 0; index < pieces.length; index += 2) {
    parts.push(pieces[index] as string);
    const number = pieces[index + 1];
    if (number !== undefined && Number(number) !== parts.length) throw new Error(`a write's text numbers its parameters out of order: ${text.slice(0, 200)}`);
  }
  if (parts.length !== count + 1) throw new Error(`a write's text has ${parts.length - 1} parameters for ${count} values: ${text.slice(0, 200)}`);
  return parts;
}

/** Sends a statement already in text with its values, as `db.execute` would send it. */
export function executeText(db: Database, text: string, params: unknown[]): Promise<unknown> {
  return internals(db).session.prepareQuery({ sql: text, params }, undefined, undefined, false).execute({});
}

function internals(db: Database): DrizzleInternals {
  return db as unknown as DrizzleInternals;
}

/** What every drizzle Postgres database has, behind its public API (drizzle-orm 0.45). */
interface DrizzleInternals {
  dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
  session: {
    prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: undefined, isResponseInArrayMode: boolean): { execute(values: Record<string, unknown>): Promise<unknown> };
  };
}
