import { getTableColumns, type InferSelectModel, type Table } from 'drizzle-orm';

/**
 * A row Postgres handed back as JSON (`row_to_json(t)`, `json_agg(t)`: column names as
 * keys), as drizzle's select would give it: property names, and each value through its
 * column's own mapping. Timestamps keep JSON's ISO form. For statements that read rows in
 * the same round trip as they write others (stage-entry.ts).
 */
export function rowFromJson<T extends Table>(table: T, json: Record<string, unknown>): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  for (const [property, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    // json/jsonb values arrive decoded already: mapping them again would parse a string that happens to be JSON.
    row[property] = value === null || value === undefined ? null : column.dataType === 'json' ? value : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}

/** `json_agg` output (a JSON array, or its text) as rows of `table`. */
export function rowsFromJson<T extends Table>(table: T, json: unknown): Array<InferSelectModel<T>> {
  const parsed = decodedJson(json);
  return Array.isArray(parsed) ? parsed.map((item) => rowFromJson(table, item as Record<string, unknown>)) : [];
}

/** A json column of a raw result: drivers hand it over as text or already decoded. */
export function decodedJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

/** The rows of `db.execute`: postgres-js answers with the rows, PGlite with `{ rows }`. */
export function executedRows(result: unknown): Array<Record<string, unknown>> {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
}
