/**
 * SkillBuildWorkflow: the Skill Builder (README "Skill Builder"), one durable build of a skill.
 *
 *   per round: the drafting agent (its draft compiled and checked, problems back to it as the
 *   tool's result) → each example dry-run as a child skill run of the draft → a reviewer decides:
 *   approve → published (a refined skill as a canary) · request changes → the next round ·
 *   reject → the end
 *
 * Nothing is published, and nothing runs for the organization but dry runs, before a person of
 * a role that may publish skills approves.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./; everything else is types.
 */
import { ApplicationFailure, condition, executeChild, isCancellation, proxyActivities, setCurrentDetails, setHandler, setWorkflowOptions, upsertSearchAttributes, uuid4 } from '@temporalio/workflow';
import type { BookkeepingActivities, ModelActivities } from '../activities';
import type { SkillBuildDryRun } from '../src/db/schema';
import { BOOKKEEPING_OPTIONS, MODEL_RETRY } from './shared/activity-options';
import { type LoopGiveUp, runAgentLoop } from './shared/agent-loop';
import { personChecks } from './shared/people';
import { pinnedWhenVersioned } from './shared/versioning';
import { skillWorkflow } from './skill';
import {
  searchAttributes,
  type SkillBuildDecisionInput,
  skillBuildDecisionUpdate,
  type SkillBuildOutcome,
  type SkillBuildProgress,
  type SkillBuildRequest,
  skillBuildStatusQuery,
  skillWorkflowId,
} from './definitions';

/** Turns the drafting agent gets per round; a draft that does not compile may be repaired this often. */
const MAX_TURNS = 6;
const MAX_REPAIRS = 4;
/** Rounds of requested changes before the build gives up. */
const MAX_ROUNDS = 5;

export async function skillBuildWorkflow(request: SkillBuildRequest): Promise<SkillBuildOutcome> {
  const { buildId, organizationId } = request;
  const bookkeeping = proxyActivities<BookkeepingActivities>(BOOKKEEPING_OPTIONS);
  const models = proxyActivities<ModelActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute', retry: MODEL_RETRY });
  const people = personChecks(bookkeeping, organizationId, { type: 'build', id: buildId });

  const progress: SkillBuildProgress = { buildId, status: 'drafting', round: 0, skill: null, version: null, updatedAt: new Date().toISOString() };
  const show = (step: string) => {
    progress.updatedAt = new Date().toISOString();
    setCurrentDetails(`**Skill Builder** (${request.mode}) round ${progress.round + 1}: ${progress.status}${progress.skill ? ` — ${progress.skill} ${progress.version}` : ''} — ${step}`);
  };
  upsertSearchAttributes([{ key: searchAttributes.organizationId, value: organizationId }]);
  setHandler(skillBuildStatusQuery, () => progress);

  // ---- the reviewer's decision (the API's update; the Web UI's and CLI's too) --------------
  let decision: SkillBuildDecisionInput | null = null;
  /** True only while the build waits for a decision: one taken ends it at once, before any await. */
  let waiting = false;
  setHandler(
    skillBuildDecisionUpdate,
    async (input) => {
      await people.perform({ via: 'update', person: input.reviewer, action: 'build.decide', details: { decision: input.decision, round: progress.round } }, async () => {
        await people.authorize(input.reviewer, 'publishSkill');
        if (!waiting || progress.status !== 'awaiting_approval' || decision) throw ApplicationFailure.create({ type: 'NotWaiting', message: `the build is not waiting for a decision (${progress.status})`, nonRetryable: true });
        decision = input;
      });
      return progress;
    },
    {
      validator: (input) => {
        if (!input || !['approve', 'reject', 'request_changes'].includes(input.decision)) throw new Error('decision must be approve, reject or request_changes');
        if (typeof input.reviewer !== 'string' || !input.reviewer.trim()) throw new Error('reviewer is required');
        if (input.decision === 'request_changes' && !input.comment?.trim()) throw new Error('request_changes needs a comment saying what to change');
        if (!waiting || progress.status !== 'awaiting_approval' || decision) throw new Error(`the build is not waiting for a decision (${progress.status})`);
      },
    },
  );

  /** The row first, then the live status: what the status says is already in the build's record (a decision is taken only then). */
  const record = async (status: SkillBuildProgress['status'], extra: { dryRuns?: SkillBuildDryRun[]; decision?: SkillBuildDecisionInput & { round: number }; error?: string } = {}) => {
    await bookkeeping.recordSkillBuild({ organizationId, buildId, status, round: progress.round, ...extra });
    progress.status = status;
    show(status);
  };

  try {
    for (;;) {
      await record('drafting');
      const drafted = await runAgentLoop<{ skill: string; version: string }, { toolUseId: string; name: string }>(
        { forceFinalFrom: MAX_TURNS - 1, turnLimit: MAX_TURNS, maxRepairs: MAX_REPAIRS, stopAtForcedTurnWithoutTools: false },
        {
          beforeTurn: async () => undefined,
          takeTurn: async (turn, forceFinal) => {
            show(`drafting, turn ${turn + 1}`);
            const result = await models.skillBuilderTurn.executeWithOptions({ summary: `build · draft turn ${turn + 1} (round ${progress.round + 1})` }, [
              { organizationId, buildId, round: progress.round, turn, forceFinal },
            ]);
            return result.kind === 'final' ? { kind: 'final', final: { skill: result.skill, version: result.version } } : result;
          },
          runTool: async () => undefined,
          giveUp: async (why: LoopGiveUp) => {
            throw ApplicationFailure.create({
              type: 'BuildFailed',
              message: `the Skill Builder did not produce a draft that compiles within ${MAX_TURNS} turns${why.reason !== 'out_of_turns' && why.problem ? `: ${why.problem}` : ''}`,
              nonRetryable: true,
            });
          },
        },
      );
      progress.skill = drafted.skill;
      progress.version = drafted.version;

      // Each example, dry-run: its reads reach the ERP, its writes are recorded, nothing is sent.
      await record('testing');
      const dryRuns: SkillBuildDryRun[] = [];
      for (const [index, input] of request.examples.entries()) {
        show(`dry run ${index + 1} of ${request.examples.length}`);
        const invocationId = uuid4();
        const outcome = await executeChild(skillWorkflow, {
          workflowId: skillWorkflowId(organizationId, invocationId),
          args: [{ organizationId, invocationId, skill: drafted.skill, persona: request.persona, input, triggeredBy: `build:${buildId}`, dryRun: true, draft: { buildId, round: progress.round } }],
        });
        dryRuns.push({ invocationId, input, status: outcome.status, output: outcome.output ?? null, error: outcome.error ?? null });
      }

      await record('awaiting_approval', { dryRuns });
      waiting = true;
      await condition(() => decision !== null);
      waiting = false;
      const decided = decision as unknown as SkillBuildDecisionInput;
      decision = null;
      const round = progress.round;
      if (decided.decision === 'approve') {
        await bookkeeping.recordSkillBuild({ organizationId, buildId, status: 'awaiting_approval', decision: { ...decided, round } });
        const published = await bookkeeping.publishSkillBuild({ organizationId, buildId, reviewer: decided.reviewer });
        progress.status = 'published';
        show(`published ${drafted.skill} ${published.version}`);
        return { status: 'published', version: published.version, summary: `${drafted.skill} ${published.version} published, approved by ${decided.reviewer}` };
      }
      if (decided.decision === 'reject') {
        await record('rejected', { decision: { ...decided, round } });
        return { status: 'rejected', version: null, summary: `rejected by ${decided.reviewer}${decided.comment ? `: ${decided.comment}` : ''}` };
      }
      // Changes asked for: no longer waiting (the next decision is on the next draft).
      progress.status = 'drafting';
      await bookkeeping.recordSkillBuild({ organizationId, buildId, status: 'drafting', decision: { ...decided, round } });
      if (round + 1 >= MAX_ROUNDS) throw ApplicationFailure.create({ type: 'BuildFailed', message: `changes were requested in all ${MAX_ROUNDS} rounds`, nonRetryable: true });
      progress.round = round + 1;
      progress.skill = null;
      progress.version = null;
    }
  } catch (err) {
    if (isCancellation(err)) throw err;
    const message = err instanceof Error ? ((err as { cause?: Error }).cause?.message ?? err.message) : String(err);
    await record('failed', { error: message });
    return { status: 'failed', version: null, summary: message };
  } finally {
    await people.flush();
  }
}

setWorkflowOptions(pinnedWhenVersioned, skillBuildWorkflow);
