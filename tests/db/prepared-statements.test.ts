import { eq, sql } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '../../src/db/client';
import { executedRows } from '../../src/db/json-rows';
import { organizations } from '../../src/db/schema';
import { createTestOrganization } from '../support/harness';
import { testEnv } from '../support/env';

/**
 * Drizzle sends unnamed statements unprepared; the pool prepares them per connection
 * (src/db/client.ts), so Postgres plans a statement text once per connection. One connection
 * per handle here, so what the statement saw is what its connection holds.
 */
describe('prepared statements per connection', () => {
  const handles: DatabaseHandle[] = [];
  const open = async (preparedStatements?: boolean) => {
    const handle = await openDatabase({ url: testEnv('databaseUrl'), pgliteDir: '', poolSize: 1, ...(preparedStatements === undefined ? {} : { preparedStatements }) });
    handles.push(handle);
    return handle;
  };
  afterAll(async () => {
    await Promise.all(handles.map((handle) => handle.close()));
  });

  /** The statement texts this connection has prepared that read organizations by id. */
  async function preparedOrganizationReads(handle: DatabaseHandle): Promise<string[]> {
    const rows = executedRows(await handle.db.execute(sql`select statement from pg_prepared_statements where not from_sql`));
    return rows.map((row) => String(row['statement'])).filter((text) => text.includes('from "organizations"') && text.includes('"organizations"."id" = $1'));
  }

  it('prepares a query builder statement once and binds to it for other values', async () => {
    const handle = await open();
    const { organization: first } = await createTestOrganization(handle);
    const { organization: second } = await createTestOrganization(handle);
    const read = (id: string) => handle.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id));
    expect(await read(first.id)).toEqual([{ id: first.id }]);
    expect(await read(second.id)).toEqual([{ id: second.id }]);
    expect(await read('no-such-organization')).toEqual([]);
    // One prepared statement for the three reads: the values were parameters, never text.
    expect(await preparedOrganizationReads(handle)).toHaveLength(1);
  });

  it('prepares nothing when turned off (a pooler that cannot keep prepared statements)', async () => {
    const handle = await open(false);
    const { organization } = await createTestOrganization(handle);
    expect(await handle.db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organization.id))).toEqual([{ id: organization.id }]);
    expect(await preparedOrganizationReads(handle)).toEqual([]);
  });

  it('keeps working when the schema changes under a prepared statement', async () => {
    const handle = await open();
    const table = `prepared_probe_${process.pid}_${Date.now()}`;
    await handle.db.execute(sql.raw(`create table ${table} (id integer primary key)`));
    try {
      const probe = () => handle.db.execute(sql`select * from ${sql.identifier(table)} where id = ${1}`);
      await handle.db.execute(sql.raw(`insert into ${table} values (1)`));
      expect(executedRows(await probe())).toEqual([{ id: 1 }]);
      const prepared = executedRows(await handle.db.execute(sql`select statement from pg_prepared_statements where not from_sql`));
      expect(prepared.some((row) => String(row['statement']).includes(`from "${table}"`))).toBe(true);
      // Another process migrates: the prepared plan's result type is no longer valid.
      const other = await open(false);
      await other.db.execute(sql.raw(`alter table ${table} add column note text default 'added'`));
      expect(executedRows(await probe())).toEqual([{ id: 1, note: 'added' }]);
    } finally {
      await handle.db.execute(sql.raw(`drop table if exists ${table}`));
    }
  });
});
