/**
 * One hot statement, prepared per connection and not (src/db/client.ts): the stage entry an
 * agent loop starts with (src/db/stage-entry.ts, a composed CTE that also reads the issue's
 * context). Each way runs on its own single connection, so the Postgres backend's CPU is read
 * from /proc for that backend alone.
 */
import { sql } from 'drizzle-orm';
import { migrateDatabase, openDatabase } from '../src/db/client';
import { insertIssueIfAbsent } from '../src/db/issues';
import { createOrganization } from '../src/db/organizations';
import { executedRows } from '../src/db/json-rows';
import { enterStage } from '../src/db/stage-entry';
import { processCpuSeconds } from './cpu-profile';

export interface StatementCost {
  /** Per statement: wall time, this process's CPU and the Postgres backend's CPU, in ms. */
  wallMs: number;
  clientCpuMs: number;
  postgresCpuMs: number;
}

async function measureOne(databaseUrl: string, prepared: boolean, statements: number): Promise<StatementCost> {
  const handle = await openDatabase({ url: databaseUrl, pgliteDir: '', poolSize: 1, preparedStatements: prepared });
  try {
    const organizationId = `bench-prep-${prepared ? 'on' : 'off'}-${Date.now().toString(36)}`;
    await createOrganization(handle.db, { id: organizationId, name: organizationId, tier: 'enterprise' });
    const { issue } = await insertIssueIfAbsent(handle.db, {
      organizationId,
      source: 'erp',
      externalId: organizationId,
      type: 'bug',
      priority: 'high',
      title: 'Bench issue',
      description: 'bench',
      module: null,
      context: {},
      workflowId: `bench-prep-${organizationId}`,
    });
    const [row] = executedRows(await handle.db.execute(sql`select pg_backend_pid() as pid`));
    const pid = Number(row?.['pid']);
    const enter = (i: number) =>
      enterStage(handle.db, { organizationId, issueId: issue.id }, { stage: 'research', round: i % 3, agentType: 'research', model: 'bench', attempt: 1, message: 'research agent started' }, { withContext: true });
    for (let i = 0; i < 50; i++) await enter(i); // warm-up: the statement prepared, the JIT warm
    const cpuBefore = process.cpuUsage();
    const backendBefore = processCpuSeconds(pid);
    const started = performance.now();
    for (let i = 0; i < statements; i++) await enter(i);
    const wallMs = (performance.now() - started) / statements;
    const cpu = process.cpuUsage(cpuBefore);
    const backendAfter = processCpuSeconds(pid);
    return {
      wallMs,
      clientCpuMs: (cpu.user + cpu.system) / 1000 / statements,
      postgresCpuMs: ((backendAfter - backendBefore) * 1000) / statements, // NaN where /proc cannot tell (another host)
    };
  } finally {
    await handle.close();
  }
}

/**
 * Alternates the two ways twice and keeps each way's better run (the machine is noisy).
 * `databaseUrl`: an empty database; the schema is migrated here.
 */
export async function measurePreparedStatements(databaseUrl: string, statements: number): Promise<{ prepared: StatementCost; unprepared: StatementCost }> {
  const migrator = await openDatabase({ url: databaseUrl, pgliteDir: '', poolSize: 1 });
  try {
    await migrateDatabase(migrator);
  } finally {
    await migrator.close();
  }
  const best = (a: StatementCost, b: StatementCost) => (a.wallMs <= b.wallMs ? a : b);
  const unprepared1 = await measureOne(databaseUrl, false, statements);
  const prepared1 = await measureOne(databaseUrl, true, statements);
  const unprepared2 = await measureOne(databaseUrl, false, statements);
  const prepared2 = await measureOne(databaseUrl, true, statements);
  return { prepared: best(prepared1, prepared2), unprepared: best(unprepared1, unprepared2) };
}
