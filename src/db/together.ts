import type { SQL, SQLWrapper } from 'drizzle-orm';
import type { Database } from './client';
import { type CompiledWrite, executeText, renderWrite } from './compiled';
import { decodedJson, executedRows } from './json-rows';

/**
 * Several writes sent as one statement: each becomes a data-modifying CTE of one
 * `with w0 as (…), w1 as (…) select …`. Postgres runs them on one snapshot and commits them
 * together — all or none — in one round trip. That is how an activity keeps to one write per
 * step (issue 13): it collects its bookkeeping and sends it once, at the end.
 *
 * The rules of data-modifying CTEs apply: no write sees another's effect (an UPDATE cannot
 * find a row inserted next to it), and two writes must not modify the same row.
 *
 * A write passed in `returning` gives back its first RETURNING row under its name (column
 * names as in the table, values as JSON gives them).
 *
 * The statement's text is joined from each write's own (compiled.ts): a compiled write's is
 * made once, so the hot writes of a step cost drizzle nothing per call.
 */
export type Write = SQLWrapper | SQL | CompiledWrite;

export async function writeTogether<Names extends string = never>(
  db: Database,
  writes: ReadonlyArray<Write | undefined | false>,
  returning: Partial<Record<Names, Write | undefined | false>> = {},
): Promise<Partial<Record<Names, Record<string, unknown>>>> {
  const entries: Array<[Names | undefined, Write]> = [];
  for (const write of writes) if (write) entries.push([undefined, write]);
  for (const [name, write] of Object.entries(returning) as Array<[Names, Write | undefined | false]>) if (write) entries.push([name, write]);
  if (entries.length === 0) return {};
  const params: unknown[] = [];
  const ctes: string[] = [];
  const selected: string[] = [];
  entries.forEach(([name, write], index) => {
    const { parts, params: own } = renderWrite(db, write);
    let text = parts[0] as string;
    for (let at = 1; at < parts.length; at++) text += `$${params.length + at}${parts[at] as string}`;
    params.push(...own);
    ctes.push(`w${index} as (${text})`);
    if (name) selected.push(`(select row_to_json(w${index}) from w${index} limit 1) as r${index}`);
  });
  const result = await executeText(db, `with ${ctes.join(', ')} select ${selected.length > 0 ? selected.join(', ') : '1'}`, params);
  const row = executedRows(result)[0] ?? {};
  const out: Partial<Record<Names, Record<string, unknown>>> = {};
  entries.forEach(([name], index) => {
    const value = name ? row[`r${index}`] : undefined;
    if (name && value) out[name] = decodedJson(value) as Record<string, unknown>;
  });
  return out;
}

/**
 * Writes an activity collects as it works and sends together (writeTogether) when it is done.
 * Nothing is written until `flush`. A flush that fails keeps its writes, so the caller can
 * send them again — or, when the step failed, send only the ones marked `essential` (the
 * records of model calls that were paid for) with the failure.
 */
export class PendingWrites {
  private writes: Array<{ write: Write; essential: boolean }> = [];

  constructor(private readonly db: Database) {}

  add(...writes: Array<Write | undefined | false>): void {
    for (const write of writes) if (write) this.writes.push({ write, essential: false });
  }

  /** A write that must be sent even when the step fails (see `keepEssential`). */
  addEssential(write: Write): void {
    this.writes.push({ write, essential: true });
  }

  /** Drops what the step would have stored, keeping the essential writes. */
  keepEssential(): void {
    this.writes = this.writes.filter((entry) => entry.essential);
  }

  get size(): number {
    return this.writes.length;
  }

  /** Sends what was collected, with `returning` writes whose first RETURNING row the caller needs. */
  async flush<Names extends string = never>(returning: Partial<Record<Names, Write | undefined | false>> = {}): Promise<Partial<Record<Names, Record<string, unknown>>>> {
    const batch = [...this.writes];
    const result = await writeTogether(
      this.db,
      batch.map((entry) => entry.write),
      returning,
    );
    this.writes = this.writes.filter((entry) => !batch.includes(entry));
    return result;
  }

  /** After a failed step: sends the essential writes alone (dropping the rest); a failure here is reported, not thrown. */
  async salvage(onError: (error: unknown) => void = () => undefined): Promise<void> {
    this.keepEssential();
    if (this.writes.length === 0) return;
    await this.flush().catch(onError);
  }
}
