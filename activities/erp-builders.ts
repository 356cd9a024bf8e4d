import { z } from 'zod';
import { proposalChecksum } from '../src/builds/proposal';
import { type ContentTrigger, ERP_BUILD_COLLECTIONS, type ErpBuildCollection, triggerCycle } from '../src/contracts/erp-records';
import { jsonSchemaOf } from '../src/contracts/json-schema';
import { type ModelTier, settingsOf } from '../src/contracts/policy';
import { getToolCall, putAgentMessage, storeToolResult } from '../src/db/agent-transcripts';
import { getOrganization } from '../src/db/organizations';
import type { ErpBuildCreated, ErpBuildProposal } from '../src/db/schema';
import { findEffect, recordEffect } from '../src/db/side-effects';
import { getSkillBuild, type SkillBuildRecord, updateSkillBuild } from '../src/db/skill-builds';
import { getSkill, listSkillVersions } from '../src/db/skills';
import { createErpClient, type ErpClient } from '../src/erp/client';
import { AppError } from '../src/errors';
import type { LlmTool } from '../src/llm/client';
import { loadPrompt } from '../src/prompts';
import { currentVersionOf } from '../src/skills/rollout';
import { type BuilderToolsTurn, type BuilderTurnInput, builderLoopId } from './build-turns';
import { currentActivity, withHeartbeat } from './context';
import { toActivityFailure } from './failures';
import type { ModelCallDeps } from './model-call';
import { takeModelTurn } from './agent-turn';
import { truncate } from './stages';

/**
 * The Form Generator's and the Workflow Designer's activities (README "Builder agents"): one
 * model turn of the designing agent — its create calls checked against the ERP's shapes
 * (src/contracts/erp-records.ts) and collected into the proposal, never sent — the ERP reads
 * it asks for, and, once a reviewer approved, each proposed record created exactly once. The
 * workflow (workflows/erp-builder.ts) runs the loop and the reviewer's gate.
 */

export interface ErpBuildDeps extends ModelCallDeps {
  models: Record<ModelTier, string>;
  maxOutputTokens: number;
}

export const SUBMIT_PROPOSAL = 'submit_proposal';
/** Takes a record out of the proposal, by name (a retried turn withdraws the same one again, harmlessly). */
export const WITHDRAW_RECORD = 'withdraw_record';

/** What each read tool lists; it takes only field filters (the organization is the client's to set). */
const LIST_TOOLS = {
  erp_list_form_templates: { collection: 'form-templates', what: "the organization's form templates" },
  erp_list_content_triggers: { collection: 'content-triggers', what: "the organization's content triggers" },
  erp_list_agent_skills: { collection: 'agent-skills', what: "the organization's agent skills (the ones a trigger may invoke)" },
} as const;
type ListTool = keyof typeof LIST_TOOLS;

/** Each create tool proposes a record of one collection; nothing is sent until the whole proposal is approved. */
const CREATE_TOOLS = {
  erp_create_form_template: 'form-templates',
  erp_create_content_trigger: 'content-triggers',
} as const satisfies Record<string, ErpBuildCollection>;
type CreateTool = keyof typeof CREATE_TOOLS;

const TOOLS_OF: Record<'form' | 'workflow', Array<ListTool | CreateTool>> = {
  form: ['erp_list_form_templates', 'erp_create_form_template'],
  workflow: ['erp_list_content_triggers', 'erp_list_agent_skills', 'erp_create_content_trigger'],
};

const listInputSchema = z.strictObject({
  filters: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a field name'), z.string().max(200))
    .refine((filters) => !('organizationId' in filters) && !('id' in filters), 'filter by the records’ own fields, not id or organizationId')
    .optional()
    .describe('List only records whose fields equal these values'),
});
const withdrawInputSchema = z.strictObject({ name: z.string().min(1).max(200).describe('The name of the proposed record to take out') });
const proposalInputSchema = z.strictObject({
  summary: z.string().trim().min(1).max(1000).describe('What the proposal creates, in a few lines'),
  rationale: z.string().trim().min(1).max(5000).describe('Why: which existing records you followed, and what each part is for'),
});

/** A list's answer in the transcript: past this it is cut (the model sees that it was). */
const MAX_LIST_CHARS = 40_000;
/** Records one build may propose. */
const MAX_RECORDS = 20;

const PROMPTS = { form: 'form-generator', workflow: 'workflow-designer' } as const;

export type ErpBuilderTurnResult = { kind: 'final'; costUsd: number; records: number; checksum: string } | BuilderToolsTurn;
export type ErpBuilderTurnInput = BuilderTurnInput;

function toolDefinitions(kind: 'form' | 'workflow'): LlmTool[] {
  const tools: LlmTool[] = TOOLS_OF[kind].map((name) =>
    name in LIST_TOOLS
      ? { name, description: `List ${LIST_TOOLS[name as ListTool].what} from the ERP.`, input_schema: jsonSchemaOf(listInputSchema) as LlmTool['input_schema'] }
      : {
          name,
          description: `Propose a ${CREATE_TOOLS[name as CreateTool].slice(0, -1).replace('-', ' ')} for the reviewer. Nothing is created now: the result says whether it is valid and its place in the proposal; all of it is created once a reviewer approves.`,
          input_schema: jsonSchemaOf(ERP_BUILD_COLLECTIONS[CREATE_TOOLS[name as CreateTool]]) as LlmTool['input_schema'],
        },
  );
  tools.push({ name: WITHDRAW_RECORD, description: 'Take a record you proposed out of the proposal, by its name.', input_schema: jsonSchemaOf(withdrawInputSchema) as LlmTool['input_schema'] });
  tools.push({ name: SUBMIT_PROPOSAL, description: 'Submit the proposal (every record you proposed this round) for review.', input_schema: jsonSchemaOf(proposalInputSchema) as LlmTool['input_schema'] });
  return tools;
}

export function createErpBuildActivities(deps: ErpBuildDeps) {
  const { db } = deps;

  async function requireBuild(ref: { organizationId: string; buildId: string }): Promise<SkillBuildRecord & { kind: 'form' | 'workflow' }> {
    const build = await getSkillBuild(db, ref.organizationId, ref.buildId);
    if (!build || (build.kind !== 'form' && build.kind !== 'workflow')) throw toActivityFailure(new AppError('NOT_FOUND', `ERP build ${ref.buildId} not found`));
    return build as SkillBuildRecord & { kind: 'form' | 'workflow' };
  }

  async function erpOf(organizationId: string): Promise<ErpClient> {
    const organization = await getOrganization(db, organizationId);
    const erp = settingsOf(organization?.settings).erp;
    if (!erp.apiUrl) throw new AppError('VALIDATION_FAILED', 'no ERP API is configured for this organization (settings.erp.apiUrl)');
    return createErpClient({ apiUrl: erp.apiUrl, serviceKey: erp.serviceKey }, organizationId);
  }

  /** This round's proposal so far (an earlier round's is set aside). */
  const proposalOf = (build: SkillBuildRecord, round: number): ErpBuildProposal =>
    build.proposal && build.proposal.round === round ? build.proposal : { round, summary: null, rationale: null, records: [] };

  /** The loop's first message: the request, as data, and (after a request for changes) the last proposal and the comment. */
  function firstMessage(build: SkillBuildRecord, round: number): string {
    const parts = [
      build.kind === 'form' ? 'Design the form template(s) this request needs.' : 'Design the content trigger(s) this request needs.',
      `<request>\n${build.description}\n</request>`,
    ];
    if (round > 0 && build.proposal) {
      const asked = build.decisions.find((decision) => decision.round === round - 1);
      parts.push(
        `Your previous proposal:\n${JSON.stringify(build.proposal.records.map(({ collection, payload }) => ({ collection, payload })), null, 2)}`,
        `The reviewer asked for changes: ${asked?.comment ?? '(no comment)'}\nPropose the whole set again: the previous proposal is not kept.`,
      );
    }
    return parts.join('\n\n');
  }

  /** A trigger's checks beyond its shape: the skill it invokes, and the inputs it maps. */
  async function triggerProblem(organizationId: string, trigger: ContentTrigger): Promise<string | null> {
    const action = trigger.action;
    if (action.type !== 'invoke_skill') return null;
    const skill = await getSkill(db, organizationId, action.skill);
    if (!skill || skill.enabled !== 1) return `action.skill: the organization has no enabled skill ${action.skill} (see erp_list_agent_skills)`;
    const current = currentVersionOf(await listSkillVersions(db, organizationId, action.skill));
    if (!current) return `action.skill: ${action.skill} has no version to run`;
    const inputs = current.compiled.inputs;
    const unknown = Object.keys(action.inputMapping).filter((name) => !inputs.some((input) => input.name === name));
    if (unknown.length > 0) return `action.inputMapping: ${action.skill} has no input ${unknown.join(', ')} (its inputs: ${inputs.map((input) => input.name).join(', ')})`;
    const unmapped = inputs.filter((input) => input.required && !Object.hasOwn(action.inputMapping, input.name)).map((input) => input.name);
    if (unmapped.length > 0) return `action.inputMapping: map the required input(s) ${unmapped.join(', ')} of ${action.skill}`;
    return null;
  }

  /** Checks a proposed record; the problem (for the agent), or the payload as it will be sent. */
  async function checkRecord(build: SkillBuildRecord, proposal: ErpBuildProposal, toolUseId: string, collection: ErpBuildCollection, raw: unknown): Promise<{ problem: string } | { payload: Record<string, unknown> }> {
    const parsed = ERP_BUILD_COLLECTIONS[collection].safeParse(raw);
    if (!parsed.success) return { problem: `The payload is not a valid ${collection.slice(0, -1)}:\n${z.prettifyError(parsed.error)}` };
    const payload = parsed.data as Record<string, unknown> & { name: string };
    const others = proposal.records.filter((record) => record.toolUseId !== toolUseId);
    if (others.length >= MAX_RECORDS) return { problem: `A proposal holds at most ${MAX_RECORDS} records.` };
    if (others.some((record) => record.collection === collection && record.payload['name'] === payload.name)) return { problem: `The proposal already has a ${collection.slice(0, -1)} named ${payload.name}.` };
    if (collection === 'content-triggers') {
      const problem = await triggerProblem(build.organizationId, payload as unknown as ContentTrigger);
      if (problem) return { problem };
      const cycle = triggerCycle([...proposedTriggers(others), payload as unknown as ContentTrigger]);
      if (cycle) return { problem: `The triggers would loop: ${cycle.join(' → ')}` };
    }
    return { payload };
  }

  /**
   * Before the first record is created (once: the ledger says so), what may have changed in the
   * ERP since the proposal: a name taken since, a chain that would now loop. Refused then,
   * nothing is created; after the first create it is not asked again (our own records would
   * look like conflicts).
   */
  async function preflight(erp: ErpClient, build: SkillBuildRecord, proposal: ErpBuildProposal): Promise<void> {
    const effect = 'erp-build-preflight';
    if (await findEffect(db, build.workflowId, effect)) return;
    const problems: string[] = [];
    for (const collection of [...new Set(proposal.records.map((record) => record.collection))]) {
      const existing = itemsOf(await erp.request({ method: 'GET', path: `/${collection}` }));
      const taken = new Set(existing.map((item) => (item as { name?: unknown } | null)?.name).filter((name): name is string => typeof name === 'string'));
      const clashes = proposal.records.filter((record) => record.collection === collection && taken.has(String(record.payload['name']))).map((record) => String(record.payload['name']));
      if (clashes.length > 0) problems.push(`${collection}: ${clashes.join(', ')} exist(s) in the ERP now`);
      if (collection === 'content-triggers') {
        const cycle = loopThrough(existing, proposal.records);
        if (cycle) problems.push(`with the ERP's triggers now, the chain would loop: ${cycle.join(' → ')}`);
      }
    }
    if (problems.length > 0) throw new AppError('CONFLICT', `the ERP changed since the proposal; nothing was created: ${problems.join('; ')}`);
    await recordEffect(db, { organizationId: build.organizationId, workflowId: build.workflowId, effect, result: { checkedAt: new Date().toISOString() } });
  }

  return {
    /**
     * One model turn of the designing agent. Its create calls are checked and join the round's
     * proposal (kept in the build's row, by tool call: a retried turn replaces, never repeats);
     * its list calls go to runErpBuilderTool; submit_proposal ends the round's loop.
     */
    async erpBuilderTurn(input: ErpBuilderTurnInput): Promise<ErpBuilderTurnResult> {
      const runtime = currentActivity();
      const build = await requireBuild(input);
      const ref = { organizationId: input.organizationId, loopId: builderLoopId(input.buildId, input.round) };
      if (input.turn === 0) await putAgentMessage(db, ref, 0, 'user', firstMessage(build, input.round));
      const prompt = loadPrompt(PROMPTS[build.kind]);
      const { costUsd, uses } = await takeModelTurn(deps, runtime, ref, {
        turn: input.turn,
        forceFinal: input.forceFinal,
        finalTool: SUBMIT_PROPOSAL,
        model: deps.models.medium,
        system: prompt.text,
        tools: toolDefinitions(build.kind),
        maxTokens: Math.max(deps.maxOutputTokens, 4096),
        record: { organizationId: input.organizationId, issueId: null, invocationId: null, stepId: null, stage: PROMPTS[build.kind], request: { promptId: prompt.id, buildId: input.buildId } },
      });

      const offered = new Set<string>(TOOLS_OF[build.kind]);
      const proposal = proposalOf(build, input.round);
      const toolCalls: Array<{ toolUseId: string; name: string }> = [];
      let submitted: (typeof uses)[number] | undefined;
      for (const use of uses) {
        if (use.name === SUBMIT_PROPOSAL) {
          submitted = use;
        } else if (use.name === WITHDRAW_RECORD) {
          const parsed = withdrawInputSchema.safeParse(use.input);
          const at = parsed.success ? proposal.records.findIndex((record) => record.payload['name'] === parsed.data.name) : -1;
          if (at >= 0) proposal.records.splice(at, 1);
          const left = proposal.records.map((record, index) => `${index + 1}. ${String(record.payload['name'])}`).join(', ') || 'nothing';
          await storeToolResult(db, ref, use.id, {
            output: !parsed.success ? `invalid input: ${z.prettifyError(parsed.error)}` : at >= 0 ? `Withdrawn. The proposal now: ${left}.` : `No proposed record is named ${truncate(parsed.data.name, 200)}. The proposal: ${left}.`,
            isError: !parsed.success || at < 0,
            executed: false,
          });
        } else if (!offered.has(use.name)) {
          await storeToolResult(db, ref, use.id, { output: `${truncate(use.name, 100)} is not a tool here`, isError: true, executed: false });
        } else if (use.name in LIST_TOOLS) {
          toolCalls.push({ toolUseId: use.id, name: use.name });
        } else {
          const collection = CREATE_TOOLS[use.name as CreateTool];
          const checked = await checkRecord(build, proposal, use.id, collection, use.input);
          if ('problem' in checked) {
            await storeToolResult(db, ref, use.id, { output: `${checked.problem}\nNot added to the proposal: call ${use.name} again with a corrected payload.`, isError: true, executed: false });
            continue;
          }
          const at = proposal.records.findIndex((record) => record.toolUseId === use.id);
          const entry = { toolUseId: use.id, collection, payload: checked.payload };
          if (at >= 0) proposal.records[at] = entry;
          else proposal.records.push(entry);
          const place = (at >= 0 ? at : proposal.records.length - 1) + 1;
          await storeToolResult(db, ref, use.id, { output: `Valid: record ${place} of the proposal (not created: the whole proposal is created once a reviewer approves it).`, isError: false, executed: false });
        }
      }
      // Save what this turn added before any answer to submit_proposal: a retried turn finds it.
      await updateSkillBuild(db, { organizationId: input.organizationId, id: input.buildId }, { proposal }, { round: input.round });

      if (!submitted) return { kind: 'tools', costUsd, toolCalls, repairs: 0 };
      const refuse = async (problem: string) => {
        await storeToolResult(db, ref, submitted.id, { output: `${problem}\nFix it and call ${SUBMIT_PROPOSAL} again.`, isError: true, executed: false });
        return { kind: 'tools' as const, costUsd, toolCalls, repairs: 1, problem };
      };
      if (toolCalls.length > 0) return refuse(`Read what the list calls answer before submitting: submit in a turn of its own.`);
      const parsed = proposalInputSchema.safeParse(submitted.input);
      if (!parsed.success) return refuse(`The input does not match the schema:\n${z.prettifyError(parsed.error)}`);
      if (proposal.records.length === 0) return refuse('The proposal is empty: propose the records first (the erp_create_* tools).');
      if (build.kind === 'workflow') {
        // A chain must not loop through the organization's existing triggers either.
        let existing: unknown;
        try {
          existing = await (await erpOf(input.organizationId)).request({ method: 'GET', path: '/content-triggers' });
        } catch (error) {
          // The ERP refused (or is no longer configured): the agent hears why; an outage is retried.
          if (error instanceof AppError && !error.retryable) return refuse(`The organization's triggers could not be read to check the chain: ${error.message}`);
          throw toActivityFailure(error);
        }
        const cycle = loopThrough(itemsOf(existing), proposal.records);
        if (cycle) return refuse(`With the organization's existing triggers, the chain would loop: ${cycle.join(' → ')}`);
      }
      const final: ErpBuildProposal = { ...proposal, summary: parsed.data.summary, rationale: parsed.data.rationale };
      await updateSkillBuild(db, { organizationId: input.organizationId, id: input.buildId }, { proposal: final }, { round: input.round });
      await storeToolResult(db, ref, submitted.id, { output: `Submitted: ${final.records.length} record(s) for review.`, isError: false, executed: false });
      return { kind: 'final', costUsd, records: final.records.length, checksum: proposalChecksum(final.records) };
    },

    /** One of the agent's ERP reads, run once (its answer kept in the transcript); an ERP refusal is a result it reads. */
    async runErpBuilderTool(input: { organizationId: string; buildId: string; round: number; toolUseId: string }): Promise<void> {
      const ref = { organizationId: input.organizationId, loopId: builderLoopId(input.buildId, input.round) };
      const call = await getToolCall(db, ref, input.toolUseId);
      if (!call) throw toActivityFailure(new AppError('NOT_FOUND', `tool call ${input.toolUseId} not registered in ${ref.loopId}`));
      if (call.output !== null) return;
      const tool = LIST_TOOLS[call.name as ListTool];
      const parsed = listInputSchema.safeParse(call.input ?? {});
      let output: string;
      let isError = false;
      if (!tool) {
        output = `${truncate(call.name, 100)} is not a read tool`;
        isError = true;
      } else if (!parsed.success) {
        output = `invalid input for ${call.name}: ${z.prettifyError(parsed.error)}`;
        isError = true;
      } else {
        try {
          const erp = await erpOf(input.organizationId);
          const runtime = currentActivity();
          const result = await withHeartbeat(runtime, erp.request({ method: 'GET', path: `/${tool.collection}`, ...(parsed.data.filters ? { query: parsed.data.filters } : {}), signal: runtime.signal }));
          const text = JSON.stringify(result, null, 2);
          output = text.length > MAX_LIST_CHARS ? `${text.slice(0, MAX_LIST_CHARS)}\n… (cut at ${MAX_LIST_CHARS} characters: filter the list to see the rest)` : text;
        } catch (error) {
          if (error instanceof AppError && !error.retryable) {
            output = error.message;
            isError = true;
          } else {
            throw toActivityFailure(error);
          }
        }
      }
      await storeToolResult(db, ref, input.toolUseId, { output, isError, executed: !isError });
    },

    /**
     * Creates the approved proposal's record `index` in the ERP, exactly once: the ledger is
     * read first (created before: its answer again); the ERP gets the same Idempotency-Key on
     * every attempt, so a write it applied before a crash — before the ledger heard of it — is
     * answered, not applied, again. Refuses a proposal other than the one approved (`checksum`).
     * An ERP refusal (4xx) fails the build; an outage is retried.
     */
    async createErpBuildRecord(input: { organizationId: string; buildId: string; index: number; checksum: string }): Promise<ErpBuildCreated> {
      const build = await requireBuild(input);
      const effect = `erp-build-record:${input.index}`;
      const done = await findEffect(db, build.workflowId, effect);
      if (done) return done as unknown as ErpBuildCreated;
      const proposal = build.proposal;
      if (!proposal || proposalChecksum(proposal.records) !== input.checksum) {
        throw toActivityFailure(new AppError('CONFLICT', `build ${build.id}: the proposal in the record is not the one approved; nothing more is created`));
      }
      const record = proposal.records[input.index];
      if (!record) throw toActivityFailure(new AppError('NOT_FOUND', `build ${build.id} has no record ${input.index}`));
      let answer: unknown;
      const runtime = currentActivity();
      try {
        const erp = await erpOf(input.organizationId);
        await preflight(erp, build, proposal);
        answer = await withHeartbeat(
          runtime,
          erp.request({
            method: 'POST',
            path: `/${record.collection}`,
            body: record.payload,
            // The approved proposal's checksum, not anything the row says of it: the same record of the same proposal, the same key.
            idempotencyKey: `build-${build.id}-${input.checksum.slice(0, 32)}-record-${input.index}`,
            signal: runtime.signal,
          }),
        );
      } catch (error) {
        throw toActivityFailure(error);
      }
      const id = (answer as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' && typeof id !== 'number') throw toActivityFailure(new AppError('UPSTREAM_REJECTED', `ERP POST /${record.collection} answered without an id`));
      const created: ErpBuildCreated = { index: input.index, collection: record.collection, id: String(id), name: String(record.payload['name'] ?? '') };
      const kept = (await recordEffect(db, { organizationId: input.organizationId, workflowId: build.workflowId, effect, result: created as unknown as Record<string, unknown> })) as unknown as ErpBuildCreated;
      await updateSkillBuild(db, { organizationId: input.organizationId, id: input.buildId }, { createdRecord: kept });
      return kept;
    },
  };
}

/** The triggers among proposed records (checked against the contract when proposed). */
function proposedTriggers(records: ErpBuildProposal['records']): ContentTrigger[] {
  return records.filter((record) => record.collection === 'content-triggers').map((record) => record.payload as unknown as ContentTrigger);
}

/** The loop the proposed triggers would close with the ERP's existing ones (as listed), or null. */
function loopThrough(existing: unknown[], records: ErpBuildProposal['records']): string[] | null {
  return triggerCycle([...existing.flatMap(chainLinkOf), ...proposedTriggers(records)]);
}

/** A list answer's records (`{ items: [...] }`); anything else holds none. */
function itemsOf(answer: unknown): unknown[] {
  const items = (answer as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? items : [];
}

/** What an existing ERP trigger adds to a chain (its event and the event it emits), whatever else it holds. */
function chainLinkOf(item: unknown): Array<Pick<ContentTrigger, 'event' | 'action'>> {
  const trigger = item as { event?: unknown; action?: { type?: unknown; event?: unknown } } | null;
  if (typeof trigger?.event !== 'string' || trigger.action?.type !== 'emit_event' || typeof trigger.action.event !== 'string') return [];
  return [{ event: trigger.event, action: { type: 'emit_event', event: trigger.action.event, payloadMapping: {} } }];
}
