/**
 * The rounds every builder runs (README "Builder agents"), shared by the skill builds
 * (workflows/builder.ts) and the ERP builds (workflows/erp-builder.ts):
 *
 *   per round: draft (the agent) → test (skill builds: dry runs) → wait for a reviewer:
 *   approve → apply (publish, or create in the ERP) · request changes → the next round ·
 *   reject → the end
 *
 * Only a person whose role may publishSkill decides, checked here whoever sent the update (the
 * API, the Web UI, the CLI), and audited. Nothing the build made goes out before that.
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./; everything else is types.
 */
import { ApplicationFailure, condition, isCancellation, patched, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { BookkeepingActivities } from '../../activities';
import type { SkillBuildDryRun } from '../../src/db/schema';
import { personChecks } from './people';
import {
  searchAttributes,
  type SkillBuildDecisionInput,
  skillBuildDecisionUpdate,
  type SkillBuildOutcome,
  type SkillBuildProgress,
  skillBuildStatusQuery,
} from '../definitions';

/** Rounds of requested changes before a build gives up. */
const MAX_ROUNDS = 5;

/** patched() id: a build waiting for its decision says so in AwaitingHuman, as an issue does (issue 17). */
export const BUILD_AWAITING_HUMAN = 'build-awaiting-human';

type RecordExtra = { dryRuns?: SkillBuildDryRun[]; decision?: SkillBuildDecisionInput & { round: number }; error?: string };

/** What a build shows and records as it goes, handed to its steps. */
export interface BuildContext {
  progress: SkillBuildProgress;
  /** The Web UI's current details: the build, its round and status, and `step`. */
  show(step: string): void;
  /** The row first, then the live status: what the status says is already in the build's record. */
  record(status: SkillBuildProgress['status'], extra?: RecordExtra): Promise<void>;
}

export interface BuildSteps<Drafted> {
  /** The Web UI's name for the build, e.g. `Skill Builder (create)`. */
  title: string;
  /** What the current draft is, for the Web UI (e.g. `client-summary 1.0.0`), or ''. */
  describe(progress: SkillBuildProgress): string;
  /** One round's draft by the agent; a BuildFailed failure when it cannot make one. */
  draft(round: number, build: BuildContext): Promise<Drafted>;
  /** What the reviewer sees beside the draft, made before the wait (absent: the draft is all). */
  test?(drafted: Drafted, build: BuildContext): Promise<{ dryRuns: SkillBuildDryRun[] }>;
  /** The approved draft goes out; its outcome ends the build. */
  apply(drafted: Drafted, decided: SkillBuildDecisionInput, build: BuildContext): Promise<SkillBuildOutcome>;
  /** A round for changes begins: forget what the last draft showed. */
  reset?(progress: SkillBuildProgress): void;
}

export async function runBuildRounds<Drafted>(
  ref: { buildId: string; organizationId: string },
  bookkeeping: Pick<BookkeepingActivities, 'recordSkillBuild' | 'verifyReviewer' | 'recordAuditEvent'>,
  steps: BuildSteps<Drafted>,
): Promise<SkillBuildOutcome> {
  const { buildId, organizationId } = ref;
  const people = personChecks(bookkeeping, organizationId, { type: 'build', id: buildId });

  const progress: SkillBuildProgress = { buildId, status: 'drafting', round: 0, skill: null, version: null, updatedAt: new Date().toISOString() };
  const show = (step: string) => {
    progress.updatedAt = new Date().toISOString();
    const what = steps.describe(progress);
    setCurrentDetails(`**${steps.title}** round ${progress.round + 1}: ${progress.status}${what ? ` — ${what}` : ''} — ${step}`);
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
      // The round this decision was validated against: checking the person may take a while, and the build may move on meanwhile.
      const round = progress.round;
      await people.perform({ via: 'update', person: input.reviewer, action: 'build.decide', details: { decision: input.decision, round } }, async () => {
        await people.authorize(input.reviewer, 'publishSkill');
        const stale = staleDecision(input) ?? (progress.round !== round ? `round ${round + 1} is no longer the one waiting` : undefined);
        if (stale) throw ApplicationFailure.create({ type: 'NotWaiting', message: stale, nonRetryable: true });
        decision = input;
      });
      return progress;
    },
    {
      validator: (input) => {
        if (!input || !['approve', 'reject', 'request_changes'].includes(input.decision)) throw new Error('decision must be approve, reject or request_changes');
        if (typeof input.reviewer !== 'string' || !input.reviewer.trim()) throw new Error('reviewer is required');
        if (input.decision === 'request_changes' && !input.comment?.trim()) throw new Error('request_changes needs a comment saying what to change');
        const stale = staleDecision(input);
        if (stale) throw new Error(stale);
      },
    },
  );

  /** Why a decision cannot be taken now, or undefined: the build must wait, and for what the person saw when they say what that was. */
  function staleDecision(input: SkillBuildDecisionInput): string | undefined {
    if (!waiting || progress.status !== 'awaiting_approval' || decision) return `the build is not waiting for a decision (${progress.status})`;
    if (input.round !== undefined && input.round !== progress.round) return `the decision is on round ${input.round + 1}, but round ${progress.round + 1} is the one waiting: look at it first`;
    if (input.checksum !== undefined && input.checksum !== progress.checksum) return 'the decision is on another draft or proposal than the one waiting: look at it first';
    return undefined;
  }

  const build: BuildContext = {
    progress,
    show,
    record: async (status, extra = {}) => {
      await bookkeeping.recordSkillBuild({ organizationId, buildId, status, round: progress.round, ...extra });
      progress.status = status;
      show(status);
    },
  };

  /** AwaitingHuman is set while a decision is awaited (patched runs): unset again however the wait ends. */
  let flaggedWaiting = false;
  try {
    for (;;) {
      await build.record('drafting');
      const drafted = await steps.draft(progress.round, build);
      let tested: { dryRuns?: SkillBuildDryRun[] } = {};
      if (steps.test) {
        await build.record('testing');
        tested = await steps.test(drafted, build);
      }

      await build.record('awaiting_approval', tested);
      // Operators find what waits for a person with `AwaitingHuman = true` in the Web UI, builds included.
      const showsWait = patched(BUILD_AWAITING_HUMAN);
      if (showsWait) upsertSearchAttributes([{ key: searchAttributes.awaitingHuman, value: (flaggedWaiting = true) }]);
      waiting = true;
      await condition(() => decision !== null);
      waiting = false;
      if (showsWait) upsertSearchAttributes([{ key: searchAttributes.awaitingHuman, value: (flaggedWaiting = false) }]);
      const decided = decision as unknown as SkillBuildDecisionInput;
      decision = null;
      const round = progress.round;
      if (decided.decision === 'approve') {
        await bookkeeping.recordSkillBuild({ organizationId, buildId, status: 'awaiting_approval', decision: { ...decided, round } });
        return await steps.apply(drafted, decided, build);
      }
      if (decided.decision === 'reject') {
        await build.record('rejected', { decision: { ...decided, round } });
        return { status: 'rejected', version: null, summary: `rejected by ${decided.reviewer}${decided.comment ? `: ${decided.comment}` : ''}` };
      }
      // Changes asked for: no longer waiting (the next decision is on the next draft).
      progress.status = 'drafting';
      await bookkeeping.recordSkillBuild({ organizationId, buildId, status: 'drafting', decision: { ...decided, round } });
      if (round + 1 >= MAX_ROUNDS) throw ApplicationFailure.create({ type: 'BuildFailed', message: `changes were requested in all ${MAX_ROUNDS} rounds`, nonRetryable: true });
      progress.round = round + 1;
      steps.reset?.(progress);
    }
  } catch (err) {
    // Cancelled while waiting: the Web UI's filter for what waits on people must not keep listing it.
    if (flaggedWaiting) upsertSearchAttributes([{ key: searchAttributes.awaitingHuman, value: false }]);
    if (isCancellation(err)) throw err;
    const message = err instanceof Error ? ((err as { cause?: Error }).cause?.message ?? err.message) : String(err);
    await build.record('failed', { error: message });
    return { status: 'failed', version: null, summary: message };
  } finally {
    await people.flush();
  }
}
