import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { canonicalJson } from '../src/canonical-json';
import { jsonSchemaOf } from '../src/contracts/json-schema';
import type { ModelTier } from '../src/contracts/policy';
import { putAgentMessage, storeToolResult } from '../src/db/agent-transcripts';
import { agentInvocations, feedback, type SkillBuildDraft, type SkillBuildDryRun } from '../src/db/schema';
import { getSkillBuild, type SkillBuildRecord, updateSkillBuild } from '../src/db/skill-builds';
import { getSkill, getSkillVersion, listSkills, updateSkill } from '../src/db/skills';
import { AppError } from '../src/errors';
import type { LlmTool } from '../src/llm/client';
import { loadPrompt } from '../src/prompts';
import { type CompiledSkill, SkillCompileError } from '../src/skills/compiler';
import { IsolatedSkillCompiler } from '../src/skills/isolated-compiler';
import { publishSkill } from '../src/skills/publish';
import { currentVersionOf } from '../src/skills/rollout';
import { nextVersion, requiredBump } from '../src/skills/versioning';
import { listSkillVersions } from '../src/db/skills';
import type { SkillBuildDecisionInput } from '../workflows/definitions';
import { type BuilderToolsTurn, type BuilderTurnInput, builderLoopId } from './build-turns';
import { currentActivity } from './context';
import { toActivityFailure } from './failures';
import type { ModelCallDeps } from './model-call';
import { takeModelTurn } from './agent-turn';
import { truncate } from './stages';

/**
 * The Skill Builder's activities (README "Builder agents"): one model turn of the drafting agent
 * — its draft compiled in the isolated compiler, checked and versioned here, problems handed
 * back as the tool's result — the build's record, and publishing the approved draft. The
 * workflow (workflows/builder.ts) runs the loop, the dry runs and the reviewer's gate.
 */

export interface SkillBuildDeps extends ModelCallDeps {
  models: Record<ModelTier, string>;
  maxOutputTokens: number;
  /** Drafts are model output: compiled with the limits of a caller's file (a worker thread, a time limit). */
  compiler?: IsolatedSkillCompiler;
}

export const SUBMIT_SKILL_DRAFT = 'submit_skill_draft';

const draftInputSchema = z.strictObject({
  source: z.string().min(1).max(100_000).describe('The whole skill file: YAML frontmatter and Markdown'),
  changelog: z.string().min(1).max(500).describe('One line: what this version changes'),
  rationale: z.string().min(1).max(5_000).describe('Why the skill is written this way'),
  citedFeedback: z.array(z.string().max(100)).max(50).default([]).describe('Refining: the ids of the feedback this version answers'),
});

const DRAFT_TOOL: LlmTool = {
  name: SUBMIT_SKILL_DRAFT,
  description: 'Submit the skill file. If it does not compile, the result lists the problems: fix them and submit again.',
  input_schema: jsonSchemaOf(draftInputSchema) as LlmTool['input_schema'],
};

/** `checksum`: the draft's (its source's sha256), which the approval publishes and nothing else. */
export type SkillBuilderTurnResult = { kind: 'final'; costUsd: number; skill: string; version: string; checksum: string } | BuilderToolsTurn;
export type SkillBuilderTurnInput = BuilderTurnInput;
/** Feedback the refine prompt shows (newest first). */
const MAX_FEEDBACK = 50;

export function createSkillBuildActivities(deps: SkillBuildDeps) {
  const { db } = deps;
  const compiler = deps.compiler ?? new IsolatedSkillCompiler();

  async function requireBuild(ref: { organizationId: string; buildId: string }): Promise<SkillBuildRecord> {
    const build = await getSkillBuild(db, ref.organizationId, ref.buildId);
    if (!build) throw toActivityFailure(new AppError('NOT_FOUND', `build ${ref.buildId} not found`));
    return build;
  }

  /** The refined skill's feedback: what its runs were rated and told, with the ids the draft may cite. */
  async function feedbackOn(organizationId: string, slug: string) {
    return db
      .select({ id: feedback.id, rating: feedback.rating, outcome: feedback.outcome, comment: feedback.comment, tags: feedback.tags, invocationId: feedback.invocationId })
      .from(feedback)
      .innerJoin(agentInvocations, eq(agentInvocations.id, feedback.invocationId))
      .where(and(eq(feedback.organizationId, organizationId), eq(agentInvocations.skillSlug, slug)))
      .orderBy(desc(feedback.createdAt))
      .limit(MAX_FEEDBACK);
  }

  /** The refined skill's version now (what `latest` runs), or undefined for a new skill. */
  async function currentOf(build: SkillBuildRecord) {
    if (build.mode === 'create' || !build.skillSlug) return undefined;
    return currentVersionOf(await listSkillVersions(db, build.organizationId, build.skillSlug));
  }

  /** The loop's first message: the request, as data, and what the agent builds on. */
  async function firstMessage(build: SkillBuildRecord): Promise<string> {
    const existing = (await listSkills(db, build.organizationId)).map((skill) => skill.slug);
    const parts = [
      build.mode === 'create'
        ? 'Write a new skill.'
        : build.mode === 'extend'
          ? `Write the next version of the skill ${build.skillSlug}, with the capability the request asks for (a permission, an input, an output, or a section). Keep everything else as it is.`
          : `Write the next version of the skill ${build.skillSlug}.`,
      `<request>\n${build.description}\n</request>`,
      build.examples.length > 0 ? `Inputs it will be tried on:\n${JSON.stringify(build.examples, null, 2)}` : '',
      `The organization's skills: ${existing.join(', ') || '(none)'}${build.mode === 'create' ? ' — the new skill needs an id of its own.' : ''}`,
    ];
    const current = await currentOf(build);
    if (current) {
      parts.push(`The current version (${current.version}):\n<skill>\n${current.source}\n</skill>`);
      const notes = await feedbackOn(build.organizationId, build.skillSlug as string);
      parts.push(
        notes.length > 0
          ? `Feedback on its runs (newest first; cite the ids you answer):\n${notes.map((note) => `- ${note.id}: ${note.rating}/5, ${note.outcome}${note.tags.length > 0 ? ` [${note.tags.join(', ')}]` : ''}${note.comment ? ` — ${truncate(note.comment, 500)}` : ''}`).join('\n')}`
          : 'There is no feedback on its runs yet.',
      );
    }
    if (build.round > 0 && build.draft) {
      const asked = build.decisions.find((decision) => decision.round === build.round - 1);
      parts.push(`Your previous draft:\n<skill>\n${build.draft.source}\n</skill>`, `The reviewer asked for changes: ${asked?.comment ?? '(no comment)'}`);
    }
    return parts.filter(Boolean).join('\n\n');
  }

  /** Checks a submitted draft; the problems (for the agent), or the draft as it will be proposed. */
  async function checkDraft(build: SkillBuildRecord, raw: unknown): Promise<{ problem: string } | { draft: SkillBuildDraft }> {
    const parsed = draftInputSchema.safeParse(raw);
    if (!parsed.success) return { problem: `The input does not match the schema:\n${z.prettifyError(parsed.error)}` };
    const input = parsed.data;
    let compiled: CompiledSkill;
    try {
      compiled = await compiler.compile('draft.md', input.source);
    } catch (error) {
      if (error instanceof SkillCompileError) return { problem: `The skill file does not compile:\n${error.issues.map((issue) => `- line ${issue.line}, ${issue.field}: ${issue.message}`).join('\n')}` };
      throw error;
    }
    const current = await currentOf(build);
    if (build.mode !== 'create' && compiled.id !== build.skillSlug) return { problem: `The id must stay ${build.skillSlug} (it is ${compiled.id}).` };
    if (build.mode === 'create' && (await getSkill(db, build.organizationId, compiled.id))) return { problem: `A skill ${compiled.id} exists already: choose another id.` };
    if (build.mode === 'create' && input.citedFeedback.length > 0) return { problem: 'citedFeedback is for refining a skill: a new skill has no feedback yet; send an empty list.' };
    if (build.mode !== 'create') {
      const known = new Set((await feedbackOn(build.organizationId, compiled.id)).map((note) => note.id));
      const unknown = input.citedFeedback.filter((id) => !known.has(id));
      if (unknown.length > 0) return { problem: `citedFeedback names feedback this skill does not have: ${unknown.join(', ')}` };
    }
    // The version and status are ours to set: the change decides the version, and it is a draft until approved.
    const change = current ? requiredBump(current.compiled, compiled) : undefined;
    if (current && change && build.mode === 'extend') {
      // A feature is at least a minor version, and it must add something (a removal is no feature).
      const sections = addedSections(current.compiled, compiled);
      change.reasons.push(...sections);
      if (change.additions.length + sections.length === 0) {
        return { problem: 'This draft adds no capability: add what the request asks for — a permission, an input, an output, or a section (Founder Knowledge, an Error Handling rule).' };
      }
      if (change.bump === 'patch') change.bump = 'minor';
    }
    const version = current && change ? nextVersion(current.version, change.bump) : '1.0.0';
    const source = withFrontmatter(input.source, { version, status: 'draft' });
    let normalized: CompiledSkill;
    try {
      normalized = await compiler.compile('draft.md', source);
    } catch (error) {
      if (error instanceof SkillCompileError) return { problem: 'Write version and status as plain top-level `version:` and `status:` lines, once each: the builder sets them.' };
      throw error;
    }
    if (normalized.version !== version || normalized.status !== 'draft') return { problem: 'Write version and status as plain top-level `version:` and `status:` lines, once each: the builder sets them.' };
    return {
      draft: {
        source,
        slug: normalized.id,
        version,
        bump: change?.bump ?? 'new',
        reasons: change?.reasons ?? [],
        changelog: input.changelog,
        rationale: input.rationale,
        citedFeedback: input.citedFeedback,
        compiled: normalized,
        ...(current ? { baseVersion: current.version } : {}),
      },
    };
  }

  return {
    /** One model turn of the drafting agent; a draft that compiles and checks out ends the round's loop. */
    async skillBuilderTurn(input: SkillBuilderTurnInput): Promise<SkillBuilderTurnResult> {
      const runtime = currentActivity();
      const build = await requireBuild(input);
      const ref = { organizationId: input.organizationId, loopId: builderLoopId(input.buildId, input.round) };
      if (input.turn === 0) await putAgentMessage(db, ref, 0, 'user', await firstMessage(build));
      const prompt = loadPrompt('skill-builder');
      const { costUsd, uses } = await takeModelTurn(deps, runtime, ref, {
        turn: input.turn,
        forceFinal: input.forceFinal,
        finalTool: SUBMIT_SKILL_DRAFT,
        model: deps.models.medium,
        system: prompt.text,
        tools: [DRAFT_TOOL],
        maxTokens: Math.max(deps.maxOutputTokens, 4096),
        record: { organizationId: input.organizationId, issueId: null, invocationId: null, stepId: null, stage: 'skill-builder', request: { promptId: prompt.id, buildId: input.buildId } },
      });
      const submitted = uses.find((use) => use.name === SUBMIT_SKILL_DRAFT);
      for (const use of uses.filter((other) => other !== submitted)) {
        await storeToolResult(db, ref, use.id, { output: `${truncate(use.name, 100)} is not a tool here; call ${SUBMIT_SKILL_DRAFT}`, isError: true, executed: false });
      }
      if (!submitted) return { kind: 'tools', costUsd, toolCalls: [], repairs: 1, problem: `the agent did not call ${SUBMIT_SKILL_DRAFT}` };
      const checked = await checkDraft(build, submitted.input);
      if ('problem' in checked) {
        await storeToolResult(db, ref, submitted.id, { output: `${checked.problem}\nCall ${SUBMIT_SKILL_DRAFT} again with the whole corrected file.`, isError: true, executed: false });
        return { kind: 'tools', costUsd, toolCalls: [], repairs: 1, problem: truncate(checked.problem, 500) };
      }
      await storeToolResult(db, ref, submitted.id, { output: `accepted as ${checked.draft.slug} ${checked.draft.version} (draft)`, isError: false, executed: false });
      await updateSkillBuild(db, { organizationId: input.organizationId, id: input.buildId }, { draft: checked.draft, skillSlug: checked.draft.slug }, { round: input.round });
      return { kind: 'final', costUsd, skill: checked.draft.slug, version: checked.draft.version, checksum: checked.draft.compiled.checksum };
    },

    /** The build's state as the workflow moves it (and each reviewer's decision, once per round). */
    async recordSkillBuild(input: {
      organizationId: string;
      buildId: string;
      status: SkillBuildRecord['status'];
      round?: number;
      dryRuns?: SkillBuildDryRun[];
      decision?: SkillBuildDecisionInput & { round: number };
      error?: string;
    }): Promise<void> {
      await updateSkillBuild(db, { organizationId: input.organizationId, id: input.buildId }, {
        status: input.status,
        ...(input.round !== undefined ? { round: input.round } : {}),
        ...(input.dryRuns ? { dryRuns: input.dryRuns } : {}),
        ...(input.decision ? { decision: { round: input.decision.round, decision: input.decision.decision, reviewer: input.decision.reviewer, comment: input.decision.comment ?? null, at: new Date().toISOString() } } : {}),
        ...(input.error !== undefined ? { error: input.error } : {}),
      });
    },

    /**
     * Publishes the approved draft as an active version, its changelog naming the build, who
     * asked and who approved; a refined skill's rollout becomes a canary of it beside the version
     * serving now (10 %). Idempotent: the same content publishes once, the rollout is set to the
     * same value again.
     */
    async publishSkillBuild(input: { organizationId: string; buildId: string; reviewer: string; checksum?: string }): Promise<{ version: string }> {
      const build = await requireBuild(input);
      const draft = build.draft;
      if (!draft) throw toActivityFailure(new AppError('CONFLICT', `build ${build.id} has no draft to publish`));
      // The draft the reviewer approved, not one a late retry of an earlier turn put in its place (builds begun before the checksum carry none).
      if (input.checksum !== undefined && draft.compiled.checksum !== input.checksum) {
        throw toActivityFailure(new AppError('CONFLICT', `build ${build.id}: the draft in the record is not the one approved; nothing is published`));
      }
      const current = await currentOf(build);
      if (draft.baseVersion && current && current.version !== draft.baseVersion) {
        throw toActivityFailure(new AppError('CONFLICT', `${draft.slug} ${current.version} came out while ${draft.version} (drafted from ${draft.baseVersion}) was reviewed: publishing it would drop that version's changes; start a new build from ${current.version}`));
      }
      const source = withFrontmatter(draft.source, { version: draft.version, status: 'active' });
      // What goes out is what was reviewed and dry-run: only its status may differ.
      const final = await compiler.compile('build.md', source);
      if (!sameSkillBut(final, draft.compiled) || final.status !== 'active' || final.version !== draft.version) {
        throw toActivityFailure(new AppError('CONFLICT', `build ${build.id}: the approved draft could not be published unchanged (its file does not set status and version plainly)`));
      }
      const changelog = `${draft.changelog}\n\nBuilt by the ${build.mode === 'extend' ? 'Feature Builder' : 'Skill Builder'} (build ${build.id}, ${build.mode}, round ${build.round + 1}): asked by ${build.requestedBy}, approved by ${input.reviewer}.${draft.citedFeedback.length > 0 ? ` Answers feedback ${draft.citedFeedback.join(', ')}.` : ''}`;
      try {
        await publishSkill(db, input.organizationId, source, changelog, 'build.md', (file, text) => compiler.compile(file, text));
      } catch (error) {
        throw toActivityFailure(error);
      }
      if (current && current.version !== draft.version && (await getSkillVersion(db, input.organizationId, draft.slug, current.version))) {
        await updateSkill(db, input.organizationId, draft.slug, { rollout: { mode: 'canary', stable: current.version, canary: draft.version, percent: 10 } });
      }
      await updateSkillBuild(db, { organizationId: input.organizationId, id: input.buildId }, { status: 'published', publishedVersion: draft.version });
      return { version: draft.version };
    },
  };
}

/** The skill file with its frontmatter's `version` and `status` set (added when missing). */
export function withFrontmatter(source: string, values: { version: string; status: string }): string {
  const match = /^---\n([\s\S]*?)\n---/.exec(source);
  if (!match) return source;
  let front = match[1] as string;
  for (const [key, value] of Object.entries(values)) {
    const line = new RegExp(`^${key}:.*$`, 'm');
    front = line.test(front) ? front.replace(line, `${key}: ${value}`) : `${front}\n${key}: ${value}`;
  }
  return `---\n${front}\n---${source.slice(match[0].length)}`;
}

/**
 * The sections a feature adds (README "Builder agents", the Feature Builder): Founder Knowledge
 * or Error Handling where there was none, and Error Handling rules that let a run ask a person
 * (request_info) or stop for a review (flag_for_review) where it could not.
 */
export function addedSections(previous: CompiledSkill, next: CompiledSkill): string[] {
  const added: string[] = [];
  if (previous.founderKnowledge.length === 0 && next.founderKnowledge.length > 0) added.push('section Founder Knowledge is added');
  if (previous.errorHandling.length === 0 && next.errorHandling.length > 0) added.push('section Error Handling is added');
  for (const [kind, what] of [['ask', 'ask a person for information (request_info)'], ['review', 'stop for a review (flag_for_review)']] as const) {
    if (!previous.errorHandling.some((rule) => rule.kind === kind) && next.errorHandling.some((rule) => rule.kind === kind)) added.push(`error handling can ${what}`);
  }
  return added;
}

/** Two compiled skills are the same skill apart from their status, version, checksum and system context (which quotes the version). */
function sameSkillBut(a: CompiledSkill, b: CompiledSkill): boolean {
  const strip = ({ status: _status, version: _version, checksum: _checksum, systemContext: _context, ...rest }: CompiledSkill) => rest;
  // Canonical: the draft's copy comes back from jsonb, whose key order is its own.
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}
