/**
 * The pipeline's phases. Each is a function from the run's state to what comes next: another
 * phase (stored in `state.phase`, which continue-as-new carries) or the issue's outcome.
 *
 *   classify → triage (may ask) → research → [plan_approval] → code → review
 *   → [final_approval] → pull request; review asking for changes goes back to code on the
 *   next model tier, a gate asking for changes goes back to research or code
 *
 * DETERMINISTIC ZONE: values only from @temporalio/workflow and ./.
 */
import { workflowInfo } from '@temporalio/workflow';
import type { Stage } from '../../src/contracts/issue';
import type { ReviewSummary } from '../../src/contracts/stages';
import { type IssueOutcome, type Phase, searchAttributes } from '../definitions';
import { runAgent } from './agents';
import { type IssueRun, PipelineEnd } from './run';
import { capTier, raiseTier, tierForComplexity } from './tiers';
import { addCost, complete, enter, notifyErp, showWithNext, step } from './visibility';
import { clarify, ensureBudget, gate, holdWhile } from './waits';
import { holdReason } from '../shared/controls';
import { finishPooledChange, openPooledWorkspace, usesWorkspacePool } from './workspace-pool';
import { WORKER_TYPES } from './patches';

/** Clarification rounds triage may take before it must route. */
const MAX_TRIAGE_QUESTIONS = 2;

export type PhaseResult = { next: Phase } | { end: { status: IssueOutcome['status']; summary: string } };
type PhaseStep = (run: IssueRun) => Promise<PhaseResult>;

const end = (status: IssueOutcome['status'], summary: string): PhaseResult => ({ end: { status, summary } });

async function classify(run: IssueRun): Promise<PhaseResult> {
  const { ref, policy, state } = run;
  enter(run, 'classify', 'classifying the issue');
  if (policy.statusCallbacks) await notifyErp(run, 'issue.status_changed', { status: 'processing', stage: 'classify' });
  await ensureBudget(run);
  const classification = await run.activities.models.classifyIssue.executeWithOptions({ summary: 'classify · one model call' }, [
    { ...ref, round: 0, modelTier: capTier('small', policy.allowedTiers) },
  ]);
  addCost(run, classification.costUsd);
  complete(run, 'classify');
  showWithNext(run, [
    { key: searchAttributes.issueType, value: classification.type },
    { key: searchAttributes.issuePriority, value: classification.priority },
    ...(classification.module ? [{ key: searchAttributes.issueModule, value: classification.module }] : []),
  ]);
  state.baseTier = capTier(tierForComplexity(classification.complexity), policy.allowedTiers);
  if (classification.capabilities && classification.capabilities.length > 0) state.capabilities = classification.capabilities;
  return { next: 'triage' };
}

async function triage(run: IssueRun): Promise<PhaseResult> {
  const { ref, policy, counters, progress } = run;
  enter(run, 'triage', 'deciding how to handle the issue');
  await ensureBudget(run);
  const decision = await run.activities.models.triageIssue.executeWithOptions({ summary: `triage · one model call (round ${counters.triageRound + 1})` }, [
    { ...ref, round: counters.triageRound, modelTier: capTier('small', policy.allowedTiers) },
  ]);
  addCost(run, decision.costUsd);
  if (decision.question && counters.triageRound < MAX_TRIAGE_QUESTIONS) {
    counters.triageRound += 1;
    await clarify(run, 'triage', decision.question);
    return { next: 'triage' }; // again, with the answer
  }
  complete(run, 'triage');
  progress.route = decision.route;
  if (decision.workerType) run.state.workerType = decision.workerType;
  if (decision.makesChange === false) run.state.noChange = true;
  if (decision.route === 'reject') return end('rejected', decision.reason);
  if (decision.route === 'answer') return end('completed', decision.reason);
  return { next: 'research' };
}

async function research(run: IssueRun): Promise<PhaseResult> {
  const { ref, policy, counters, progress, state } = run;
  if (policy.workspace && !progress.branch) {
    enter(run, 'research', 'preparing the workspace');
    if (usesWorkspacePool(run)) {
      await openPooledWorkspace(run);
    } else {
      const prepared = await run.activities.workspace.prepareWorkspace.executeWithOptions({ summary: 'workspace · clone the repository' }, [ref]);
      progress.branch = prepared.branch;
    }
  }
  enter(run, 'research', counters.researchRound === 0 ? 'investigating the root cause' : 'revising the plan');
  const found = (await runAgent(run, 'research', counters.researchRound, state.baseTier)) as { rootCause: string };
  complete(run, 'research');
  if (progress.route === 'research') return end('completed', found.rootCause);
  // Plans without the code agent (free) end with the analysis for a person to act on.
  if (policy.allowedAgents && !policy.allowedAgents.includes('code')) {
    return end('completed', `${found.rootCause} (the code agent is not part of this organization's plan)`);
  }
  // The worker type decides whether there is a change to make at all, and the plan which types it allows.
  const workerType = state.workerType;
  if (workerType && run.patched(WORKER_TYPES)) {
    if (policy.allowedWorkerTypes && !policy.allowedWorkerTypes.includes(workerType)) {
      return end('completed', `${found.rootCause} (a ${workerType} change is not among the worker types this organization allows: ${policy.allowedWorkerTypes.join(', ')})`);
    }
    if (state.noChange) return end('completed', `${found.rootCause} (a ${workerType}: the analysis is the outcome, no change is made)`);
  }
  // Escalated issues always get a person's approval before code (migrations, deploys, …).
  return { next: policy.planApproval === 'required' || progress.route === 'escalate' ? 'plan_approval' : 'code' };
}

async function planApproval(run: IssueRun): Promise<PhaseResult> {
  enter(run, 'research', 'waiting for plan approval');
  const decision = await gate(run, 'plan');
  if (decision.decision === 'reject') return end('rejected', `plan rejected by ${decision.reviewer}: ${decision.comment ?? ''}`);
  if (decision.decision === 'request_changes') {
    run.counters.researchRound += 1;
    return { next: 'research' };
  }
  return { next: 'code' };
}

async function code(run: IssueRun): Promise<PhaseResult> {
  const { ref, policy, counters, progress, state } = run;
  const tier = capTier(raiseTier(state.baseTier, counters.codeTierBoost), policy.allowedTiers);
  progress.round = counters.codeRound;
  progress.codeTier = tier;
  enter(run, 'code', counters.codeRound === 0 ? 'writing the change' : `revising the change (round ${counters.codeRound + 1})`);
  await runAgent(run, 'code', counters.codeRound, tier);
  if (policy.workspace) {
    step(run, 'running the tests and committing');
    const change = usesWorkspacePool(run)
      ? await finishPooledChange(run, counters.codeRound, state.workerType)
      : await run.activities.workspace.finalizeChange.executeWithOptions({ summary: 'code · tests, commit, diff' }, [
          { ...ref, round: counters.codeRound, ...(state.workerType ? { workerType: state.workerType } : {}) },
        ]);
    progress.testsPassed = change.testsPassed;
  }
  complete(run, 'code');
  return { next: 'review' };
}

async function review(run: IssueRun): Promise<PhaseResult> {
  const { policy, counters, state } = run;
  enter(run, 'review', `reviewing the change (round ${counters.codeRound + 1})`);
  const verdict = (await runAgent(run, 'review', counters.codeRound, state.baseTier)) as ReviewSummary;
  complete(run, 'review');
  if (verdict.verdict === 'approve') {
    if (policy.finalApproval === 'never') return end('completed', await publish(run, verdict.summary));
    return { next: 'final_approval' };
  }
  if (counters.reviewRoundsUsed < policy.maxReviewRounds) {
    // A failed review sends the change back, and the next attempt gets a stronger model.
    counters.reviewRoundsUsed += 1;
    counters.codeRound += 1;
    counters.codeTierBoost += 1;
    return { next: 'code' };
  }
  throw new PipelineEnd('failed', `review requested changes in all ${policy.maxReviewRounds + 1} rounds: ${verdict.summary}`);
}

async function finalApproval(run: IssueRun): Promise<PhaseResult> {
  enter(run, 'review', 'waiting for final approval');
  const decision = await gate(run, 'final');
  if (decision.decision === 'approve') return end('completed', await publish(run, `approved by ${decision.reviewer}`));
  if (decision.decision === 'reject') return end('rejected', `rejected by ${decision.reviewer}: ${decision.comment ?? ''}`);
  run.counters.codeRound += 1;
  return { next: 'code' };
}

/** Workspace issues end in a pull request, opened exactly once (see publishChange). */
async function publish(run: IssueRun, summary: string): Promise<string> {
  if (!run.policy.workspace) return summary;
  if (holdReason(run.state.controls, 'publish')) await holdWhile(run, 'publish');
  step(run, 'opening the pull request');
  const pr = await run.activities.workspace.publishChange.executeWithOptions({ summary: 'publish · push and open the pull request' }, [
    { ...run.ref, workflowId: workflowInfo().workflowId },
  ]);
  run.progress.pullRequestUrl = pr.url;
  if (run.policy.statusCallbacks) await notifyErp(run, 'issue.pull_request_opened', { pullRequestUrl: pr.url, status: 'processing' });
  return `${summary}; pull request ${pr.url}`;
}

/** The agent stage a phase runs (the gates run none): what a stage flag holds. */
export const STAGE_OF_PHASE: Record<Phase, Stage | null> = {
  classify: 'classify',
  triage: 'triage',
  research: 'research',
  plan_approval: null,
  code: 'code',
  review: 'review',
  final_approval: null,
};

export const PHASES: Record<Phase, PhaseStep> = {
  classify,
  triage,
  research,
  plan_approval: planApproval,
  code,
  review,
  final_approval: finalApproval,
};
