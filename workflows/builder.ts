/**
 * SkillBuildWorkflow: the Skill Builder and the Feature Builder (README "Builder agents"), one
 * durable build of a skill version: a new skill, a refined one, or one extended with a capability.
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
import { ApplicationFailure, executeChild, proxyActivities, setWorkflowOptions, uuid4 } from '@temporalio/workflow';
import type { BookkeepingActivities, ModelActivities } from '../activities';
import type { SkillBuildDryRun } from '../src/db/schema';
import { BOOKKEEPING_OPTIONS, MODEL_RETRY } from './shared/activity-options';
import { type LoopGiveUp, runAgentLoop } from './shared/agent-loop';
import { runBuildRounds } from './shared/build-rounds';
import { pinnedWhenVersioned } from './shared/versioning';
import { skillWorkflow } from './skill';
import { type SkillBuildOutcome, type SkillBuildRequest, skillWorkflowId } from './definitions';

/** Turns the drafting agent gets per round; a draft that does not compile may be repaired this often. */
const MAX_TURNS = 6;
const MAX_REPAIRS = 4;

const TITLES: Record<SkillBuildRequest['mode'], string> = { create: 'Skill Builder (create)', refine: 'Skill Builder (refine)', extend: 'Feature Builder' };

export async function skillBuildWorkflow(request: SkillBuildRequest): Promise<SkillBuildOutcome> {
  const { buildId, organizationId } = request;
  const bookkeeping = proxyActivities<BookkeepingActivities>(BOOKKEEPING_OPTIONS);
  const models = proxyActivities<ModelActivities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute', retry: MODEL_RETRY });

  return runBuildRounds<{ skill: string; version: string; checksum?: string }>(request, bookkeeping, {
    title: TITLES[request.mode],
    describe: (progress) => (progress.skill ? `${progress.skill} ${progress.version}` : ''),

    draft: async (round, build) => {
      const drafted = await runAgentLoop<{ skill: string; version: string; checksum?: string }, { toolUseId: string; name: string }>(
        { forceFinalFrom: MAX_TURNS - 1, turnLimit: MAX_TURNS, maxRepairs: MAX_REPAIRS, stopAtForcedTurnWithoutTools: false },
        {
          beforeTurn: async () => undefined,
          takeTurn: async (turn, forceFinal) => {
            build.show(`drafting, turn ${turn + 1}`);
            const result = await models.skillBuilderTurn.executeWithOptions({ summary: `build · draft turn ${turn + 1} (round ${round + 1})` }, [
              { organizationId, buildId, round, turn, forceFinal },
            ]);
            return result.kind === 'final' ? { kind: 'final', final: { skill: result.skill, version: result.version, checksum: result.checksum } } : result;
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
      build.progress.skill = drafted.skill;
      build.progress.version = drafted.version;
      if (drafted.checksum) build.progress.checksum = drafted.checksum;
      return drafted;
    },

    // Each example, dry-run: its reads reach the ERP, its writes are recorded, nothing is sent.
    test: async (drafted, build) => {
      const dryRuns: SkillBuildDryRun[] = [];
      for (const [index, input] of request.examples.entries()) {
        build.show(`dry run ${index + 1} of ${request.examples.length}`);
        const invocationId = uuid4();
        const outcome = await executeChild(skillWorkflow, {
          workflowId: skillWorkflowId(organizationId, invocationId),
          args: [{ organizationId, invocationId, skill: drafted.skill, persona: request.persona, input, triggeredBy: `build:${buildId}`, dryRun: true, draft: { buildId, round: build.progress.round } }],
        });
        dryRuns.push({ invocationId, input, status: outcome.status, output: outcome.output ?? null, error: outcome.error ?? null });
      }
      return { dryRuns };
    },

    apply: async (drafted, decided, build) => {
      // Runs drafted before the checksum existed have none: their result said only skill and version.
      const published = await bookkeeping.publishSkillBuild({ organizationId, buildId, reviewer: decided.reviewer, ...(drafted.checksum ? { checksum: drafted.checksum } : {}) });
      build.progress.status = 'published';
      build.show(`published ${drafted.skill} ${published.version}`);
      return { status: 'published', version: published.version, summary: `${drafted.skill} ${published.version} published, approved by ${decided.reviewer}` };
    },

    reset: (progress) => {
      progress.skill = null;
      progress.version = null;
      delete progress.checksum;
    },
  });
}

setWorkflowOptions(pinnedWhenVersioned, skillBuildWorkflow);
