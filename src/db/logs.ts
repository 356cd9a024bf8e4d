import { and, asc, desc, eq, gt } from 'drizzle-orm';
import { type Page, pageOf, type PageQuery } from '../contracts/pages';
import type { Database } from './client';
import { compiledWrite, placeholdersFor } from './compiled';
import { newestFirstAfter } from './keyset';
import { writeTogether } from './together';
import { issueLogs, type LogLevel } from './schema';

export type IssueLogRecord = typeof issueLogs.$inferSelect;

export type LogEntry = { organizationId: string; issueId: string; stepId?: string | null; level: LogLevel; message: string; data?: Record<string, unknown> };

export async function appendLog(db: Database, entry: LogEntry): Promise<void> {
  await writeTogether(db, [logWrite(db, entry)]);
}

/** The insert of a log line, unsent: for PendingWrites (together.ts). */
export function logWrite(db: Database, entry: LogEntry) {
  return logLine(db, {
    organizationId: entry.organizationId,
    issueId: entry.issueId,
    stepId: entry.stepId ?? null,
    level: entry.level,
    message: entry.message,
    data: entry.data ?? null,
  });
}

type LogRow = { organizationId: string; issueId: string; stepId: string | null; level: LogLevel; message: string; data: Record<string, unknown> | null };
const logLine = compiledWrite<LogRow>((value, db) =>
  db.insert(issueLogs).values(placeholdersFor(value, ['organizationId', 'issueId', 'stepId', 'level', 'message', 'data'])),
);

/** Newest first. */
export async function listLogs(db: Database, organizationId: string, issueId: string, limit = 100, cursor?: string): Promise<IssueLogRecord[]> {
  const after = newestFirstAfter(issueLogs.timestamp, issueLogs.id, cursor, 'bigint');
  return db
    .select()
    .from(issueLogs)
    .where(and(eq(issueLogs.organizationId, organizationId), eq(issueLogs.issueId, issueId), ...(after ? [after] : [])))
    .orderBy(desc(issueLogs.timestamp), desc(issueLogs.id))
    .limit(limit);
}

/** A page of an issue's log lines, newest first. */
export async function listLogPage(db: Database, organizationId: string, issueId: string, query: PageQuery): Promise<Page<IssueLogRecord>> {
  const rows = await listLogs(db, organizationId, issueId, query.limit + 1, query.cursor);
  return pageOf(rows, query.limit, (row) => [row.timestamp, row.id]);
}

/** The issue's log lines after the one with id `afterId` (0: from the first), oldest first: a live timeline's next lines. */
export async function listLogsAfter(db: Database, organizationId: string, issueId: string, afterId: number, limit: number): Promise<IssueLogRecord[]> {
  return db
    .select()
    .from(issueLogs)
    .where(and(eq(issueLogs.organizationId, organizationId), eq(issueLogs.issueId, issueId), gt(issueLogs.id, afterId)))
    .orderBy(asc(issueLogs.id))
    .limit(limit);
}
