import { and, asc, eq, inArray, type Placeholder, sql } from 'drizzle-orm';
import type { LlmUsage } from '../llm/client';
import type { Database } from './client';
import { compiledWrite, placeholdersFor } from './compiled';
import { writeTogether } from './together';
import { llmCalls, organizations } from './schema';

export type LlmCallRecord = typeof llmCalls.$inferSelect;

export interface NewLlmCall {
  organizationId: string;
  issueId: string | null;
  /** Skill runs record their calls against the invocation instead of an issue. */
  invocationId?: string | null;
  stepId: string | null;
  stage: string;
  model: string;
  status: 'ok' | 'error';
  attempt: number;
  usage: LlmUsage;
  costUsd: number;
  durationMs: number;
  stopReason?: string | null;
  requestId?: string | null;
  error?: string | null;
  request?: unknown;
  response?: unknown;
}

/** One row per model call, failed calls included, so cost and error rates add up. */
export async function recordLlmCall(db: Database, call: NewLlmCall): Promise<string> {
  const { call: row } = await writeTogether(db, [], { call: llmCallRow(db, llmCallValues(call)) });
  if (!row) throw new Error('llm call insert returned no row');
  return String(row['id']);
}

/** The record of a model call, unsent: for PendingWrites (together.ts). */
export function llmCallWrite(db: Database, call: NewLlmCall) {
  return llmCallInsert(db, llmCallValues(call));
}

function llmCallValues(call: NewLlmCall) {
  return {
    organizationId: call.organizationId,
    issueId: call.issueId,
    invocationId: call.invocationId ?? null,
    stepId: call.stepId,
    stage: call.stage,
    model: call.model,
    status: call.status,
    attempt: call.attempt,
    inputTokens: call.usage.inputTokens,
    outputTokens: call.usage.outputTokens,
    cacheReadTokens: call.usage.cacheReadTokens,
    cacheWriteTokens: call.usage.cacheWriteTokens,
    costUsd: call.costUsd.toFixed(6),
    durationMs: call.durationMs,
    stopReason: call.stopReason ?? null,
    requestId: call.requestId ?? null,
    error: call.error ?? null,
    request: call.request ?? null,
    response: call.response ?? null,
  };
}

type LlmCallValues = ReturnType<typeof llmCallValues>;
const LLM_CALL_COLUMNS = [
  'organizationId', 'issueId', 'invocationId', 'stepId', 'stage', 'model', 'status', 'attempt', 'inputTokens', 'outputTokens',
  'cacheReadTokens', 'cacheWriteTokens', 'costUsd', 'durationMs', 'stopReason', 'requestId', 'error', 'request', 'response',
] as const satisfies ReadonlyArray<keyof LlmCallValues>;
const llmCallInsert = compiledWrite<LlmCallValues>((value, db) => db.insert(llmCalls).values(placeholdersFor(value, LLM_CALL_COLUMNS)));
const llmCallRow = compiledWrite<LlmCallValues>((value, db) => db.insert(llmCalls).values(placeholdersFor(value, LLM_CALL_COLUMNS)).returning({ id: llmCalls.id }));

export async function listLlmCalls(db: Database, organizationId: string, issueId: string): Promise<LlmCallRecord[]> {
  return db
    .select()
    .from(llmCalls)
    .where(and(eq(llmCalls.organizationId, organizationId), eq(llmCalls.issueId, issueId)))
    .orderBy(asc(llmCalls.createdAt));
}

export interface CostTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
}

export async function issueCostTotals(db: Database, organizationId: string, issueId: string): Promise<CostTotals> {
  const [row] = await db
    .select({
      calls: sql<number>`count(*)::int`,
      inputTokens: sql<number>`coalesce(sum(${llmCalls.inputTokens}), 0)::int`,
      outputTokens: sql<number>`coalesce(sum(${llmCalls.outputTokens}), 0)::int`,
      cacheReadTokens: sql<number>`coalesce(sum(${llmCalls.cacheReadTokens}), 0)::int`,
      cacheWriteTokens: sql<number>`coalesce(sum(${llmCalls.cacheWriteTokens}), 0)::int`,
      costUsd: sql<string>`coalesce(sum(${llmCalls.costUsd}), 0)::text`,
    })
    .from(llmCalls)
    .where(and(eq(llmCalls.organizationId, organizationId), eq(llmCalls.issueId, issueId)));
  return {
    calls: row?.calls ?? 0,
    inputTokens: row?.inputTokens ?? 0,
    outputTokens: row?.outputTokens ?? 0,
    cacheReadTokens: row?.cacheReadTokens ?? 0,
    cacheWriteTokens: row?.cacheWriteTokens ?? 0,
    costUsd: Number(row?.costUsd ?? 0),
  };
}

/** What each of the given issues' model calls cost so far (issues without calls: 0), in one statement. */
export async function issueCosts(db: Database, organizationId: string, issueIds: readonly string[]): Promise<Map<string, number>> {
  const costs = new Map<string, number>(issueIds.map((id) => [id, 0]));
  if (issueIds.length === 0) return costs;
  const rows = await db
    .select({ issueId: llmCalls.issueId, costUsd: sql<string>`coalesce(sum(${llmCalls.costUsd}), 0)::text` })
    .from(llmCalls)
    .where(and(eq(llmCalls.organizationId, organizationId), inArray(llmCalls.issueId, [...issueIds])))
    .groupBy(llmCalls.issueId);
  for (const row of rows) if (row.issueId) costs.set(row.issueId, Number(row.costUsd));
  return costs;
}

/** What an agent loop's model turn cost (its successful calls), for a retry that reuses the stored answer. */
export async function costOfLoopTurn(db: Database, ref: { organizationId: string; loopId: string }, turn: number): Promise<number> {
  const [row] = await db
    .select({ total: sql<string | null>`sum(${llmCalls.costUsd})` })
    .from(llmCalls)
    .where(
      and(
        eq(llmCalls.organizationId, ref.organizationId),
        eq(llmCalls.status, 'ok'),
        sql`${llmCalls.request}->>'loopId' = ${ref.loopId}`,
        sql`(${llmCalls.request}->>'turn')::int = ${turn}`,
      ),
    );
  return Number(row?.total ?? 0);
}

/**
 * What an organization's model calls cost since the start of this UTC day or month (text, a
 * subquery to select). Qualified by hand: inside select fields drizzle writes bare column
 * names, and a bare "id" in the subquery would be llm_calls.id.
 */
export function modelSpendSince(organizationId: string | Placeholder, start: 'day' | 'month') {
  return sql<string>`(select coalesce(sum(l.cost_usd), 0)::text from llm_calls l where l.organization_id = ${organizationId} and l.created_at >= date_trunc(${start}, now() at time zone 'UTC') at time zone 'UTC')`;
}

/**
 * An organization's plan and settings with what its model calls cost this UTC day and month,
 * in one statement: the spend-cap check runs before every model call.
 */
export async function organizationWithSpend(
  db: Database,
  organizationId: string,
): Promise<{ tier: 'free' | 'pro' | 'enterprise'; settings: Record<string, unknown>; today: number; month: number } | undefined> {
  const [row] = await db
    .select({ tier: organizations.tier, settings: organizations.settings, today: modelSpendSince(organizationId, 'day'), month: modelSpendSince(organizationId, 'month') })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return row ? { tier: row.tier, settings: row.settings, today: Number(row.today), month: Number(row.month) } : undefined;
}

