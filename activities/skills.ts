import { Context } from '@temporalio/activity';
import type { AgentControls } from '../src/contracts/controls';
import { readControls } from '../src/db/controls';
import { toolCalls } from '../src/metrics/registry';
import { z } from 'zod';
import { type ModelTier, settingsOf, resolvePolicy, skillRunConcurrency } from '../src/contracts/policy';
import {
  getToolCall,
  putAgentMessage,
  storeToolResult,
} from '../src/db/agent-transcripts';
import { takeModelTurn } from './agent-turn';
import { getOrganization } from '../src/db/organizations';
import {
  createInvocationRequest,
  finishInvocation,
  getInvocation,
  getPersona,
  getSkill,
  getSkillVersion,
  invocationRowOf,
  listSkillVersions,
  resolveInvocationRequest,
  startInvocation,
} from '../src/db/skills';
import type { SkillRunRequest } from '../workflows/definitions';
import { createErpClient } from '../src/erp/client';
import { AppError, isAppError } from '../src/errors';
import { type CompiledSkill, zodForFields } from '../src/skills/compiler';
import { getSkillBuild } from '../src/db/skill-builds';
import { candidatesOf, chooseVersion } from '../src/skills/rollout';
import { controlToolInputs, executeSkillTool, FLAG_FOR_REVIEW, REQUEST_INFO, skillToolDefinitions, SUBMIT_OUTPUT } from '../src/skills/tools';
import { ToolInputError } from '../src/workspace/read-tools';
import { offersToSkill, parseMcpToolName } from '../src/contracts/mcp';
import type { OutboundPolicy } from '../src/outbound/url-policy';
import { createMcpTools, type McpTools } from './mcp-tools';
import { currentActivity, withHeartbeat } from './context';
import { toActivityFailure } from './failures';
import type { ModelCallDeps } from './model-call';
import { truncate } from './stages';

/**
 * The activities of SkillWorkflow. Same shape as the pipeline's agent loop: one activity per
 * model turn, one per tool call (run at most once, keyed by tool_use_id), the transcript in
 * Postgres (agent_messages / agent_tool_calls under the invocation), every model call in
 * llm_calls with its cost.
 */

/** `spend`: the worker's spend-cap check (see ModelCallDeps). */
export interface SkillDeps extends ModelCallDeps {
  models: Record<ModelTier, string>;
  maxOutputTokens: number;
  /** Skill runs at once across organizations; undefined = no skill-run limiter. */
  maxConcurrentSkillRuns?: number;
  /** Where MCP servers may be reached (OUTBOUND_ALLOW_PRIVATE); strict when absent. */
  outbound?: OutboundPolicy;
  /** The worker's MCP tools (one catalog for issues and skills); made here when absent. */
  mcp?: McpTools;
}

/** The frozen context of a run (agent_invocations.context): what every turn is built from. */
interface RunContext {
  personaName: string;
  personaPrompt: string;
  skill: CompiledSkill;
  tier: ModelTier;
}

export type BeginSkillResult =
  | {
      ok: true;
      invocationId: string;
      version: string;
      budgetUsd: number;
      maxTurns: number;
      /** How long a question or review waits for a person before the run fails. */
      waitSeconds: number;
      /** The organization's activityHeartbeatSeconds. */
      heartbeatSeconds: number;
      /** The organization has an ERP API: the finished invocation is sent to its AgentInvocation endpoint. */
      erpSync?: boolean;
      /** The organization has a callback URL: the run's end is sent there as invocation.finished. */
      statusCallbacks?: boolean;
      /** An MCP server of the organization offers its tools to this skill: list them (discoverSkillMcpTools). */
      mcp?: boolean;
      /** The run waits for a slot of the skill-run limiter (absent: no limiter, or a run begun before it existed). */
      concurrency?: { organizationLimit: number; globalLimit: number };
      /**
       * The kill switch as it applies to this organization now, read after the invocation row
       * exists: a later change's broadcast finds the row and signals the run (absent: a run
       * begun before skill runs obeyed it).
       */
      controls?: AgentControls;
    }
  | { ok: false; invocationId: string; version: string | null; reason: string };

export interface SkillLoopRef {
  organizationId: string;
  invocationId: string;
  loopId: string;
}

export interface SkillToolCallRef {
  toolUseId: string;
  name: string;
  /** For request_info / flag_for_review: the question or the reason. */
  prompt?: string;
}

export type SkillTurnResult =
  | { kind: 'final'; costUsd: number; output: Record<string, unknown> }
  | { kind: 'tools'; costUsd: number; toolCalls: SkillToolCallRef[]; repairs: number; problem?: string };

const loopIdOf = (invocationId: string) => `${invocationId}:skill`;

export function createSkillActivities(deps: SkillDeps) {
  const { db } = deps;
  const mcp = deps.mcp ?? createMcpTools(deps);

  /** The run's frozen context, and whether it is a dry run (the invocation row says, not the caller). */
  async function runContext(ref: { organizationId: string; invocationId: string }): Promise<RunContext & { dryRun: boolean }> {
    const invocation = await getInvocation(db, ref.organizationId, ref.invocationId);
    if (!invocation?.context) throw toActivityFailure(new AppError('NOT_FOUND', `invocation ${ref.invocationId} has not started`));
    return { ...(invocation.context as unknown as RunContext), dryRun: invocation.dryRun };
  }

  return {
    /**
     * Checks and freezes everything the run needs: the persona may use the skill, the skill is
     * enabled, the version (pinned, or chosen by the rollout from the invocation id) is
     * published and not disabled, and the input matches the skill's inputs. Writes the
     * invocation as running (or failed, with the reason) and the loop's first message.
     */
    async beginSkillInvocation(request: SkillRunRequest & { invocationId: string; workflowId: string }): Promise<BeginSkillResult> {
      const { organizationId, invocationId } = request;
      const organization = await getOrganization(db, organizationId);
      if (!organization) throw toActivityFailure(new AppError('NOT_FOUND', `organization ${organizationId} not found`));
      const policy = resolvePolicy(organization.tier, organization.settings);
      const timers = settingsOf(organization.settings).timers;
      const budgetUsd = request.budgetUsd ?? policy.budgetUsd;
      const row = invocationRowOf(request, request.workflowId);
      let version: string | null = request.version ?? null;
      const refuse = async (reason: string): Promise<BeginSkillResult> => {
        await startInvocation(db, { ...row, skillVersion: version ?? '', budgetUsd, context: {} });
        await finishInvocation(db, { organizationId, id: invocationId }, { status: 'failed', error: reason, costUsd: 0, skillVersion: version });
        return { ok: false, invocationId, version, reason };
      };

      const persona = await getPersona(db, organizationId, request.persona);
      let compiled: CompiledSkill;
      if (request.draft) {
        // A Skill Builder's draft (README "Builder agents"): never published, only ever dry-run,
        // as the persona the build names (a draft is in no persona's allowedSkills yet).
        if (!request.dryRun) return refuse('a draft runs only as a dry run');
        const build = await getSkillBuild(db, organizationId, request.draft.buildId);
        if (!build?.draft || build.round !== request.draft.round || build.draft.slug !== request.skill) return refuse(`build ${request.draft.buildId} has no draft of ${request.skill} in round ${request.draft.round + 1}`);
        if (!persona) return refuse(`persona ${request.persona} does not exist`);
        if (!persona.enabled) return refuse(`persona ${request.persona} is disabled`);
        compiled = build.draft.compiled;
        version = `${build.draft.version}-draft.${request.draft.round + 1}`;
      } else {
        const skill = await getSkill(db, organizationId, request.skill);
        if (!skill) return refuse(`skill ${request.skill} is not published for this organization`);
        if (!skill.enabled) return refuse(`skill ${request.skill} is disabled for this organization`);
        if (!persona) return refuse(`persona ${request.persona} does not exist`);
        if (!persona.enabled) return refuse(`persona ${request.persona} is disabled`);
        if (!persona.allowedSkills.includes(request.skill)) return refuse(`persona ${request.persona} is not allowed to run ${request.skill}`);
        if (!version) {
          const published = candidatesOf(await listSkillVersions(db, organizationId, request.skill));
          if (published.length === 0 && skill.rollout.mode !== 'pinned') return refuse(`skill ${request.skill} has no active published version`);
          version = chooseVersion(skill.rollout, published, invocationId);
        }
        const published = await getSkillVersion(db, organizationId, request.skill, version);
        if (!published) return refuse(`${request.skill}@${version} is not published`);
        compiled = published.compiled;
      }
      if (compiled.status === 'disabled') return refuse(`${request.skill}@${version} has status disabled`);
      const input = zodForFields(compiled.inputs).safeParse(request.input);
      if (!input.success) return refuse(`the input does not match ${request.skill}@${version}: ${z.prettifyError(input.error)}`);

      const tier: ModelTier = policy.allowedTiers.includes('medium') ? 'medium' : (policy.allowedTiers[0] ?? 'small');
      const context: RunContext = { personaName: persona.name, personaPrompt: persona.systemPrompt, skill: compiled, tier };
      if (!(await startInvocation(db, { ...row, skillVersion: version, budgetUsd, context: context as unknown as Record<string, unknown> }))) {
        // Ended already (e.g. a workflow id reused after the run finished): keep its outcome.
        return { ok: false, invocationId, version, reason: 'the invocation has already ended' };
      }
      const entity = request.entityType ? `\nIt concerns ${request.entityType}${request.entityId ? ` ${request.entityId}` : ''}.` : '';
      await putAgentMessage(
        db,
        { organizationId, invocationId, loopId: loopIdOf(invocationId) },
        0,
        'user',
        `Run the skill "${compiled.title}" (triggered by ${request.triggeredBy}).${entity}\n\nInput:\n${JSON.stringify(input.data, null, 2)}\n\nWhen done, call ${SUBMIT_OUTPUT}.`,
      );
      const settings = settingsOf(organization.settings);
      const erpSettings = settings.erp;
      return {
        ok: true,
        invocationId,
        version,
        budgetUsd,
        maxTurns: policy.maxAgentTurns,
        waitSeconds: timers.expirySeconds,
        heartbeatSeconds: policy.activityHeartbeatSeconds,
        // A dry run tells the ERP nothing: no AgentInvocation record, no callback.
        erpSync: !request.dryRun && erpSettings.apiUrl !== undefined,
        statusCallbacks: !request.dryRun && erpSettings.callbackUrl !== undefined,
        // A dry run changes nothing: no MCP server (its tools may write) is offered to it.
        ...(!request.dryRun && settings.mcp.servers.some((server) => offersToSkill(server, request.skill)) ? { mcp: true } : {}),
        ...(deps.maxConcurrentSkillRuns ? { concurrency: skillRunConcurrency(organization.tier, organization.settings, deps.maxConcurrentSkillRuns) } : {}),
        controls: (await readControls(db, organizationId)).effective,
      };
    },

    /**
     * One model turn. Idempotent: a stored answer for this turn is used again instead of paying
     * for a second call. A valid submit_output ends the run; an invalid one is answered with the
     * schema errors (a repair turn).
     */
    async skillModelTurn(input: SkillLoopRef & { turn: number; forceFinal: boolean; mcpTools?: string[] }): Promise<SkillTurnResult> {
      const runtime = currentActivity();
      const context = await runContext(input);
      const model = deps.models[context.tier];
      const mcpTools = input.mcpTools ?? [];
      const { costUsd: cost, uses } = await takeModelTurn(deps, runtime, input, {
        turn: input.turn,
        forceFinal: input.forceFinal,
        finalTool: SUBMIT_OUTPUT,
        model,
        system: `${context.personaPrompt}\n\nYou are ${context.personaName}.\n\n${context.skill.systemContext}`,
        // The organization's MCP tools first and the run's own after, as in the issue agents' turns.
        tools: [...(await mcp.definitions(input.organizationId, { invocationId: input.invocationId, skill: context.skill.id }, mcpTools)), ...skillToolDefinitions(context.skill)],
        maxTokens: deps.maxOutputTokens,
        record: {
          organizationId: input.organizationId,
          issueId: null,
          invocationId: input.invocationId,
          stepId: null,
          stage: 'skill',
          request: { skill: `${context.skill.id}@${context.skill.version}` },
        },
      });
      if (uses.length === 0) throw toActivityFailure(new AppError('INVALID_MODEL_OUTPUT', 'the skill agent answered without calling a tool'));

      const final = uses.find((use) => use.name === SUBMIT_OUTPUT);
      let repairs = 0;
      let problem: string | undefined;
      if (final) {
        const parsed = zodForFields(context.skill.outputs).strict().safeParse(final.input);
        if (parsed.success) {
          for (const use of uses.filter((u) => u.id !== final.id)) {
            await storeToolResult(db, input, use.id, { output: 'not run: the output was submitted', isError: true, executed: false });
          }
          await storeToolResult(db, input, final.id, { output: 'accepted', isError: false, executed: false });
          return { kind: 'final', costUsd: cost, output: parsed.data as Record<string, unknown> };
        }
        repairs = 1;
        problem = z.prettifyError(parsed.error);
        await storeToolResult(db, input, final.id, {
          output: `The output does not match the skill's outputs:\n${problem}\nCall ${SUBMIT_OUTPUT} again with a corrected input.`,
          isError: true,
          executed: false,
        });
      }

      const toolCalls: SkillToolCallRef[] = [];
      for (const use of uses) {
        if (use.id === final?.id) continue;
        if (use.name === REQUEST_INFO || use.name === FLAG_FOR_REVIEW) {
          const offered = skillToolDefinitions(context.skill).some((tool) => tool.name === use.name);
          const parsed = controlToolInputs[use.name].safeParse(use.input);
          if (!offered || !parsed.success) {
            const why = offered ? `${use.name} needs ${use.name === REQUEST_INFO ? 'a "question"' : 'a "reason"'}` : `${use.name} is not available for this skill`;
            await storeToolResult(db, input, use.id, { output: why, isError: true, executed: false });
            continue;
          }
          const data = parsed.data as { question?: string; reason?: string };
          toolCalls.push({ toolUseId: use.id, name: use.name, prompt: truncate(data.question ?? data.reason ?? '', 2000) });
          continue;
        }
        if (parseMcpToolName(use.name) && !mcpTools.includes(use.name)) {
          // An MCP name the run was not given (made up, or from a server that lists it no more).
          await storeToolResult(db, input, use.id, { output: `${truncate(use.name, 100)} is not available to this run`, isError: true, executed: false });
          continue;
        }
        toolCalls.push({ toolUseId: use.id, name: use.name });
      }
      return { kind: 'tools', costUsd: cost, toolCalls, repairs, ...(problem ? { problem: truncate(problem) } : {}) };
    },

    /**
     * Runs one ERP tool call at most once. A tool outside the skill's permissions, a bad input
     * or an ERP refusal (4xx) is a result the agent reads; ERP outages (5xx, network) retry.
     */
    async runSkillTool(input: SkillLoopRef & { toolUseId: string }): Promise<{ isError: boolean; refused: boolean; summary: string; executed: boolean }> {
      const call = await getToolCall(db, input, input.toolUseId);
      if (!call) throw toActivityFailure(new AppError('NOT_FOUND', `tool call ${input.toolUseId} not registered in ${input.loopId}`));
      if (call.output !== null) return { isError: call.isError === 1, refused: false, summary: truncate(call.output, 200), executed: false };
      const context = await runContext(input);
      const organization = await getOrganization(db, input.organizationId);
      const erpSettings = settingsOf(organization?.settings).erp;
      const erp = erpSettings.apiUrl ? createErpClient({ apiUrl: erpSettings.apiUrl, serviceKey: erpSettings.serviceKey }, input.organizationId) : undefined;
      let output: string;
      let isError = false;
      let refused = false;
      // An at-most-once MCP tool is counted as it starts (claimToolRun), not when it answers.
      let countedAtStart = false;
      const runtime = currentActivity();
      try {
        if (parseMcpToolName(call.name) && context.dryRun) {
          throw new ToolInputError('MCP tools are not called in a dry run (they may change things)');
        } else if (parseMcpToolName(call.name)) {
          // An MCP tool of a server that offers its tools to this skill (README "MCP tools").
          countedAtStart = (await mcp.admit(input.organizationId, { skill: context.skill.id }, call.name)).atMostOnce;
          try {
            output = await withHeartbeat(runtime, mcp.call(input, input.toolUseId, call.name, call.input));
          } catch (error) {
            // Admitted: the server's own error (or a may-have-run notice) is a result, not a refusal.
            if (!(error instanceof ToolInputError)) throw error;
            output = error.message;
            isError = true;
          }
        } else {
          output = await withHeartbeat(
            runtime,
            executeSkillTool(context.skill, call.name, call.input, erp, {
              // The same key on every attempt: a write the ERP applied before a crash is not applied again.
              idempotencyKey: `${input.invocationId}:${input.toolUseId}`,
              signal: runtime.signal,
              dryRun: context.dryRun,
            }),
          );
        }
      } catch (error) {
        if (error instanceof ToolInputError) {
          output = error.message;
          isError = true;
          refused = true;
        } else if (isAppError(error) && !error.retryable) {
          output = error.message;
          isError = true;
        } else {
          throw toActivityFailure(error);
        }
      }
      const stored = await storeToolResult(db, input, input.toolUseId, { output, isError, executed: !refused && !countedAtStart });
      // A refused name may be anything the model made up: one label for all of them.
      toolCalls.inc({ tool: refused ? 'unpermitted' : parseMcpToolName(call.name) ? 'mcp' : call.name, outcome: refused ? 'refused' : isError ? 'error' : 'ok' });
      if (refused) Context.current().log.warn('skill tool refused', { invocationId: input.invocationId, tool: call.name, reason: truncate(output, 300) });
      return { isError, refused, summary: truncate(output, 200), executed: stored && !refused };
    },

    /**
     * The MCP tools offered to this run (its skill opted in by a server's `skills`), listed once
     * as it begins; a server that does not answer is left out and named, not fatal.
     */
    async discoverSkillMcpTools(input: SkillLoopRef & { skill: string }): Promise<{ tools: string[]; unreachable: string[] }> {
      const { tools, unreachable } = await mcp.discover(input.organizationId, { invocationId: input.invocationId, skill: input.skill });
      for (const down of unreachable) Context.current().log.warn('MCP server did not list its tools', { invocationId: input.invocationId, server: down.server, error: truncate(down.error, 300) });
      return { tools: tools.map((tool) => tool.name), unreachable: unreachable.map((down) => down.server) };
    },

    /** A request_info / flag_for_review call is waiting for a person. */
    async openInvocationRequest(input: SkillLoopRef & { toolUseId: string; kind: 'question' | 'review'; prompt: string }): Promise<void> {
      await createInvocationRequest(db, input);
    },

    /** The person answered (or time ran out): recorded, and handed to the agent as the tool's result. */
    async closeInvocationRequest(
      input: SkillLoopRef & {
        toolUseId: string;
        status: 'answered' | 'approved' | 'rejected' | 'expired';
        response: string | null;
        respondedBy: string | null;
        toolResult: string;
      },
    ): Promise<void> {
      await resolveInvocationRequest(db, input, input);
      await storeToolResult(db, input, input.toolUseId, { output: input.toolResult, isError: input.status === 'rejected' || input.status === 'expired', executed: false });
    },

    /**
     * Sends the finished invocation to the ERP's AgentInvocation endpoint (ERP-CONTRACT.md),
     * once: the idempotency key is the invocation id. An ERP refusal (4xx) is reported, not
     * retried; outages retry.
     */
    async syncInvocationToErp(input: { organizationId: string; invocationId: string }): Promise<{ status: 'synced' | 'skipped' | 'refused'; detail?: string }> {
      const [invocation, organization] = await Promise.all([getInvocation(db, input.organizationId, input.invocationId), getOrganization(db, input.organizationId)]);
      const erp = settingsOf(organization?.settings).erp;
      if (!invocation || !erp.apiUrl) return { status: 'skipped' };
      try {
        await createErpClient({ apiUrl: erp.apiUrl, serviceKey: erp.serviceKey }, input.organizationId).request({
          method: 'POST',
          path: '/agent-invocations',
          idempotencyKey: `invocation:${invocation.id}`,
          signal: Context.current().cancellationSignal,
          body: {
            externalId: invocation.id,
            organizationId: invocation.organizationId,
            skillId: invocation.skillSlug,
            skillVersion: invocation.skillVersion,
            personaId: invocation.personaSlug,
            triggeredBy: invocation.triggeredBy,
            entityType: invocation.entityType,
            entityId: invocation.entityId,
            status: invocation.status,
            input: invocation.input,
            output: invocation.output,
            error: invocation.error,
            costUsd: Number(invocation.costUsd),
            startedAt: invocation.startedAt,
            completedAt: invocation.completedAt,
          },
        });
        return { status: 'synced' };
      } catch (error) {
        if (isAppError(error) && !error.retryable) return { status: 'refused', detail: error.message };
        throw toActivityFailure(error);
      }
    },

    async finishSkillInvocation(input: {
      organizationId: string;
      invocationId: string;
      status: 'completed' | 'failed';
      output: Record<string, unknown> | null;
      error: string | null;
      costUsd: number;
    }): Promise<void> {
      await finishInvocation(db, { organizationId: input.organizationId, id: input.invocationId }, input);
    },
  };
}

