/**
 * The same-I/O baseline's one real step (bench/workflows.ts `bareModelStepsWorkflow`): what a
 * hand-written agent on Temporal does at the least for each model call — one call through the
 * Anthropic SDK to the same fake Claude, with a stage's system prompt, and one insert that
 * makes the answer durable. Against it, the pipeline's figures show what the orchestration
 * itself adds beyond the I/O any durable agent step needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { Context } from '@temporalio/activity';
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/client';

export async function createModelStepTable(db: Database): Promise<void> {
  await db.execute(sql`create table if not exists bench_model_steps (
    id bigserial primary key, workflow_id text not null, step integer not null,
    answer jsonb not null, usage jsonb not null, created_at timestamptz not null default now())`);
}

type ModelStepOptions = { db: Database; fakeUrl: string; model: string; root: string };

export function modelStepActivity(options: ModelStepOptions): (step: number) => Promise<void> {
  const callModel = modelCall(options);
  return async (step) => {
    const { workflowExecution } = Context.current().info;
    const message = await callModel();
    await options.db.execute(
      sql`insert into bench_model_steps (workflow_id, step, answer, usage) values (${workflowExecution?.workflowId ?? ''}, ${step}, ${JSON.stringify(message.content)}::jsonb, ${JSON.stringify(message.usage)}::jsonb)`,
    );
  };
}

/**
 * The same-bookkeeping baseline's step (bench/workflows.ts `bareBookkeepingWorkflow`): the model
 * call when the step has one, then `statements` single-row inserts, each its own statement (the
 * first holds the answer). The least a step that writes that often can cost.
 */
export function bookkeepingStepActivity(options: ModelStepOptions): (step: number, callModel: boolean, statements: number) => Promise<void> {
  const call = modelCall(options);
  return async (step, callModel, statements) => {
    const { workflowExecution } = Context.current().info;
    const workflowId = workflowExecution?.workflowId ?? '';
    const message = callModel ? await call() : undefined;
    for (let i = 0; i < statements; i++) {
      const answer = i === 0 && message ? JSON.stringify(message.content) : '{}';
      const usage = i === 0 && message ? JSON.stringify(message.usage) : '{}';
      await options.db.execute(sql`insert into bench_model_steps (workflow_id, step, answer, usage) values (${workflowId}, ${step}, ${answer}::jsonb, ${usage}::jsonb)`);
    }
  };
}

function modelCall(options: ModelStepOptions): () => Promise<Anthropic.Message> {
  const anthropic = new Anthropic({ baseURL: options.fakeUrl, apiKey: 'bench', maxRetries: 0 });
  const system = fs.readFileSync(path.join(options.root, 'src', 'prompts', 'classify.v1.md'), 'utf8');
  const tool = {
    name: 'submit_step',
    description: 'Submit the result of this step',
    input_schema: { type: 'object' as const, properties: { summary: { type: 'string' } }, required: ['summary'] },
  };
  return () =>
    anthropic.messages.create({
      model: options.model,
      max_tokens: 1024,
      system,
      tools: [tool],
      tool_choice: { type: 'tool', name: tool.name },
      messages: [{ role: 'user', content: 'Title: Bench issue\n\nbench' }],
    });
}
