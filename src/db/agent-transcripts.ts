import { and, asc, eq, isNull, type Placeholder, sql } from 'drizzle-orm';
import type { Database } from './client';
import { compiledWrite, placeholdersFor } from './compiled';
import { writeTogether } from './together';
import { executedRows, rowsFromJson } from './json-rows';
import { agentMessages, agentToolCalls } from './schema';

export type AgentMessageRecord = typeof agentMessages.$inferSelect;
export type AgentToolCallRecord = typeof agentToolCalls.$inferSelect;

/** A loop belongs to an issue's pipeline stage or to a skill invocation. */
export interface LoopRef {
  organizationId: string;
  issueId?: string | null;
  invocationId?: string | null;
  loopId: string;
}

/** Only the columns: callers pass wider objects (the whole activity input). */
const owner = (ref: LoopRef) => ({
  organizationId: ref.organizationId,
  issueId: ref.issueId ?? null,
  invocationId: ref.invocationId ?? null,
  loopId: ref.loopId,
});

/** Appends a message at `seq`; a retried writer finds its own message already there. */
export async function putAgentMessage(db: Database, ref: LoopRef, seq: number, role: 'user' | 'assistant', content: unknown): Promise<void> {
  await writeTogether(db, [agentMessageWrite(db, ref, seq, role, content)]);
}

/** A message of the loop (kept if already stored), unsent: for PendingWrites (together.ts). */
export function agentMessageWrite(db: Database, ref: LoopRef, seq: number, role: 'user' | 'assistant', content: unknown) {
  return agentMessage(db, { ...owner(ref), seq, role, content });
}

/** The same, giving back its `seq` when this write stored it (nothing when the message was there already). */
export function agentMessageWriteReturningSeq(db: Database, ref: LoopRef, seq: number, role: 'user' | 'assistant', content: unknown) {
  return agentMessageReturningSeq(db, { ...owner(ref), seq, role, content });
}

type AgentMessageValues = ReturnType<typeof owner> & { seq: number; role: 'user' | 'assistant'; content: unknown };
const AGENT_MESSAGE_COLUMNS = ['organizationId', 'issueId', 'invocationId', 'loopId', 'seq', 'role', 'content'] as const satisfies ReadonlyArray<keyof AgentMessageValues>;
const agentMessageInsert = (value: (name: keyof AgentMessageValues & string) => Placeholder, db: Database) =>
  db.insert(agentMessages).values(placeholdersFor(value, AGENT_MESSAGE_COLUMNS)).onConflictDoNothing({ target: [agentMessages.loopId, agentMessages.seq] });
const agentMessage = compiledWrite<AgentMessageValues>(agentMessageInsert);
const agentMessageReturningSeq = compiledWrite<AgentMessageValues>((value, db) => agentMessageInsert(value, db).returning({ seq: agentMessages.seq }));

/**
 * A loop's messages (by seq) and tool calls (oldest first), in one statement: what a model
 * turn rebuilds the conversation from.
 */
export async function loadLoopTranscript(db: Database, ref: LoopRef): Promise<{ messages: AgentMessageRecord[]; toolCalls: AgentToolCallRecord[] }> {
  const result = await db.execute(sql`
    select
      (select coalesce(json_agg(m order by m.seq), '[]'::json) from ${agentMessages} m
        where m.organization_id = ${ref.organizationId} and m.loop_id = ${ref.loopId}) as messages,
      (select coalesce(json_agg(t order by t.created_at), '[]'::json) from ${agentToolCalls} t
        where t.organization_id = ${ref.organizationId} and t.loop_id = ${ref.loopId}) as tool_calls`);
  const [row] = executedRows(result);
  return { messages: rowsFromJson(agentMessages, row?.['messages']), toolCalls: rowsFromJson(agentToolCalls, row?.['tool_calls']) };
}

export async function loadAgentMessages(db: Database, ref: LoopRef): Promise<AgentMessageRecord[]> {
  return db
    .select()
    .from(agentMessages)
    .where(and(eq(agentMessages.organizationId, ref.organizationId), eq(agentMessages.loopId, ref.loopId)))
    .orderBy(asc(agentMessages.seq));
}

/** Registers the tool calls of an assistant message (no result yet). Idempotent. */
export async function registerToolCalls(
  db: Database,
  ref: LoopRef,
  calls: Array<{ toolUseId: string; name: string; input: unknown }>,
): Promise<void> {
  await writeTogether(db, [toolCallsWrite(db, ref, calls)]);
}

/** The registration of tool calls, unsent (undefined when there are none): for PendingWrites. */
export function toolCallsWrite(db: Database, ref: LoopRef, calls: Array<{ toolUseId: string; name: string; input: unknown; result?: { output: string; isError: boolean } }>) {
  if (calls.length === 0) return undefined;
  const values: Record<string, unknown> = owner(ref);
  calls.forEach((call, row) => {
    values[`toolUseId${row}`] = call.toolUseId;
    values[`name${row}`] = call.name;
    values[`input${row}`] = call.input ?? {};
    // Registered with its result (a refusal, a repair request): nothing will run it.
    values[`output${row}`] = call.result ? call.result.output : null;
    values[`isError${row}`] = call.result?.isError ? 1 : 0;
  });
  return toolCallRows(calls.length)(db, values);
}

/** The insert of `rows` tool calls, compiled once per number of rows (an answer has a few). */
const toolCallInserts = new Map<number, ReturnType<typeof compiledWrite<Record<string, unknown>>>>();
function toolCallRows(rows: number) {
  let insert = toolCallInserts.get(rows);
  if (!insert) {
    insert = compiledWrite<Record<string, unknown>>((value, db) =>
      db
        .insert(agentToolCalls)
        .values(
          Array.from({ length: rows }, (_, row) => ({
            organizationId: value('organizationId'),
            issueId: value('issueId'),
            invocationId: value('invocationId'),
            loopId: value('loopId'),
            toolUseId: value(`toolUseId${row}`),
            name: value(`name${row}`),
            input: value(`input${row}`),
            output: value(`output${row}`),
            isError: value(`isError${row}`),
            // Completed when registered with its result; a call still to run has none.
            completedAt: sql`(case when ${value(`output${row}`)}::text is not null then now() end)`,
          })),
        )
        // Registered again (a retry): kept as it is, but given the result now settled if it has
        // none yet (registered without one, by a release that wrote results apart).
        .onConflictDoUpdate({
          target: [agentToolCalls.loopId, agentToolCalls.toolUseId],
          set: { output: sql`excluded.output`, isError: sql`excluded.is_error`, completedAt: sql`excluded.completed_at` },
          setWhere: sql`${agentToolCalls.output} is null and excluded.output is not null`,
        }),
    );
    toolCallInserts.set(rows, insert);
  }
  return insert;
}

export async function getToolCall(db: Database, ref: LoopRef, toolUseId: string): Promise<AgentToolCallRecord | undefined> {
  const [row] = await db
    .select()
    .from(agentToolCalls)
    .where(
      and(eq(agentToolCalls.organizationId, ref.organizationId), eq(agentToolCalls.loopId, ref.loopId), eq(agentToolCalls.toolUseId, toolUseId)),
    );
  return row;
}

/** The tool calls of one loop, or of all an issue's loops (`issueId` without `loopId`). */
export async function listToolCalls(db: Database, ref: Omit<LoopRef, 'loopId'> & { loopId?: string }): Promise<AgentToolCallRecord[]> {
  return db
    .select()
    .from(agentToolCalls)
    .where(
      and(
        eq(agentToolCalls.organizationId, ref.organizationId),
        ...(ref.issueId ? [eq(agentToolCalls.issueId, ref.issueId)] : []),
        ...(ref.invocationId ? [eq(agentToolCalls.invocationId, ref.invocationId)] : []),
        ...(ref.loopId ? [eq(agentToolCalls.loopId, ref.loopId)] : []),
      ),
    )
    .orderBy(asc(agentToolCalls.createdAt));
}

/**
 * Stores a tool's result once. `executed` counts a real run of the tool; results written
 * for it (validation errors, answers to questions) do not count. Returns false when a
 * result was already stored (the caller must not have run the tool).
 */
/**
 * Counts a run of a tool call's command before the command starts: true when this attempt may
 * run it, false when an earlier attempt already started it and never stored a result (its
 * worker died or it was given up) — the command may have run partly or fully, and running it
 * again is the agent's decision, not a retry's. `executions` then counts real starts.
 */
export async function claimToolRun(db: Database, ref: LoopRef, toolUseId: string): Promise<boolean> {
  const rows = await db
    .update(agentToolCalls)
    .set({ executions: sql`${agentToolCalls.executions} + 1` })
    .where(and(eq(agentToolCalls.loopId, ref.loopId), eq(agentToolCalls.toolUseId, toolUseId), isNull(agentToolCalls.output), eq(agentToolCalls.executions, 0)))
    .returning({ id: agentToolCalls.id });
  return rows.length > 0;
}

export async function storeToolResult(
  db: Database,
  ref: LoopRef,
  toolUseId: string,
  result: { output: string; isError: boolean; executed: boolean },
): Promise<boolean> {
  const { stored } = await writeTogether(db, [], { stored: toolResultRow(db, toolResultValues(ref, toolUseId, result)) });
  return stored !== undefined;
}

/** A tool's result (kept if one is stored), unsent: for PendingWrites (together.ts). */
export function toolResultWrite(db: Database, ref: LoopRef, toolUseId: string, result: { output: string; isError: boolean; executed: boolean }) {
  return toolResult(db, toolResultValues(ref, toolUseId, result));
}

function toolResultValues(ref: LoopRef, toolUseId: string, result: { output: string; isError: boolean; executed: boolean }) {
  return { loopId: ref.loopId, toolUseId, output: result.output, isError: result.isError ? 1 : 0, executed: result.executed };
}

const toolResultUpdate = (value: (name: keyof ReturnType<typeof toolResultValues> & string) => Placeholder, db: Database) =>
  db
    .update(agentToolCalls)
    .set({
      output: sql`${value('output')}`,
      isError: sql`${value('isError')}`,
      executions: sql`${agentToolCalls.executions} + (case when ${value('executed')}::boolean then 1 else 0 end)`,
      completedAt: sql`now()`,
    })
    .where(and(eq(agentToolCalls.loopId, value('loopId')), eq(agentToolCalls.toolUseId, value('toolUseId')), isNull(agentToolCalls.output)));
const toolResult = compiledWrite<ReturnType<typeof toolResultValues>>(toolResultUpdate);
const toolResultRow = compiledWrite<ReturnType<typeof toolResultValues>>((value, db) => toolResultUpdate(value, db).returning({ id: agentToolCalls.id }));

/** Transcripts shown at most per issue (the console's issue page): the newest loops' turns past it are cut. */
export const ISSUE_TRANSCRIPT_LIMIT = 500;

/**
 * Every loop of an issue — its messages (by loop, then seq) and tool calls (oldest first) —
 * for people to read (the reviewer console), at most ISSUE_TRANSCRIPT_LIMIT of each.
 */
export async function listIssueTranscript(db: Database, organizationId: string, issueId: string): Promise<{ messages: AgentMessageRecord[]; toolCalls: AgentToolCallRecord[] }> {
  const [messages, toolCalls] = await Promise.all([
    db
      .select()
      .from(agentMessages)
      .where(and(eq(agentMessages.organizationId, organizationId), eq(agentMessages.issueId, issueId)))
      .orderBy(asc(agentMessages.createdAt), asc(agentMessages.loopId), asc(agentMessages.seq))
      .limit(ISSUE_TRANSCRIPT_LIMIT),
    db
      .select()
      .from(agentToolCalls)
      .where(and(eq(agentToolCalls.organizationId, organizationId), eq(agentToolCalls.issueId, issueId)))
      .orderBy(asc(agentToolCalls.createdAt))
      .limit(ISSUE_TRANSCRIPT_LIMIT),
  ]);
  return { messages, toolCalls };
}
