import { runsCommands, type WorkerType, writeRefusal } from '../src/contracts/worker-types';
import fs from 'node:fs/promises';
import { and, eq, sql } from 'drizzle-orm';
import type { CodeHost } from '../src/codehost/code-host';
import { createGitHubCodeHost } from '../src/codehost/github';
import { createLocalCodeHost } from '../src/codehost/local';
import { type OrganizationSettings, settingsOf, type RepositorySettings, type SandboxSettings } from '../src/contracts/policy';
import { latestArtifact, saveArtifact } from '../src/db/artifacts';
import type { Database } from '../src/db/client';
import { getIssue, type IssueRecord } from '../src/db/issues';
import { issueCostTotals } from '../src/db/llm-calls';
import { appendLog } from '../src/db/logs';
import { getOrganization } from '../src/db/organizations';
import { issues, issueSteps } from '../src/db/schema';
import { findEffect, recordEffect } from '../src/db/side-effects';
import { AppError, isAppError } from '../src/errors';
import type { CommandSandbox } from '../src/sandbox/sandbox';
import { TransferError, type TransferRef, type TransferStore } from '../src/workspace/transfers';
import {
  branchName,
  branchTip,
  type ChangeLimits,
  exportBranch,
  ChangeRejectedError,
  diffInMirror,
  importBundle,
  mirrorDir,
  type PreparedWorkspace,
  prepareMirror,
  prepareWorkspace as prepareClone,
  workspaceDir,
} from '../src/workspace/git';
import { commitAndBundle } from '../src/workspace/sandboxed-git';
import { currentActivity, withHeartbeat } from './context';
import { toActivityFailure } from './failures';
import {
  type CommandLimits,
  commitMessage,
  MAX_WORKSPACE_ENTRIES,
  type Notice,
  runInWorkspace,
  sandboxLimits,
  testOutcome,
  type WorkspaceChangeOutcome,
  type WorkspaceChangeRequest,
  workspaceOverCap,
} from './workspace-host';

/**
 * The issue's workspace (a clone on its own branch), the end of the code stage (tests,
 * commit, diff) and publishing (push, pull request, comment) exactly once.
 */

export interface WorkspaceDeps {
  db: Database;
  /** Per-issue clones the agent writes (mounted into the sandbox one at a time). */
  workspacesDir: string;
  /** The worker's own bare repositories: never mounted into a sandbox. */
  mirrorsDir: string;
  /** Where every command on repository content runs. */
  sandbox: CommandSandbox;
  github: { token: string | undefined; apiUrl: string };
  publicBaseUrl: string;
  /** Where bundles pass to and from a workspace pool (TRANSFER_DIR); absent: this worker has none. */
  transfers?: TransferStore;
}

export interface WorkspaceRef {
  organizationId: string;
  issueId: string;
}

export interface ChangeResult {
  commitSha: string | null;
  /** null when the repository has no test command configured. */
  testsPassed: boolean | null;
  testSummary: string;
  filesChanged: string[];
}

export interface PublishedChange {
  url: string;
  number: number;
  branch: string;
  /** False when an earlier attempt (or run) had already opened it. */
  created: boolean;
}

/** The tests' outcome when it is known without running them. */
interface TestsDecided {
  passed: boolean | null;
  summary: string;
}

/** The ledger entry of a round's tests. */
const testsEffect = (round: number) => `tests:round-${round}`;

/**
 * Settings are read on every tool call and model turn; a short per-process cache saves a
 * query each time. A settings change reaches running issues within SETTINGS_TTL_MS.
 */
const SETTINGS_TTL_MS = 10_000;
const settingsCache = new Map<string, { settings: OrganizationSettings; until: number }>();

export async function organizationSettings(db: Database, organizationId: string): Promise<OrganizationSettings> {
  const cached = settingsCache.get(organizationId);
  if (cached && cached.until > Date.now()) return cached.settings;
  const organization = await getOrganization(db, organizationId);
  const settings = settingsOf(organization?.settings);
  settingsCache.set(organizationId, { settings, until: Date.now() + SETTINGS_TTL_MS });
  return settings;
}

export async function repositorySettings(db: Database, organizationId: string): Promise<RepositorySettings> {
  return (await organizationSettings(db, organizationId)).repository;
}

/** Where an issue's agents read and write: its workspace, or the read-only path. */
export async function repositoryRootFor(deps: Pick<WorkspaceDeps, 'db' | 'workspacesDir'>, ref: WorkspaceRef): Promise<{ root: string | undefined; writable: boolean; settings: RepositorySettings; organization: OrganizationSettings }> {
  const organization = await organizationSettings(deps.db, ref.organizationId);
  const settings = organization.repository;
  if (settings.remote) return { root: workspaceDir({ workspacesRoot: deps.workspacesDir, ...ref }), writable: true, settings, organization };
  return { root: settings.path, writable: false, settings, organization };
}

/** Auth for a GitHub remote, as a git config entry; only ever used in the mirror. */
export function gitAuth(settings: RepositorySettings, token: string | undefined): string[] {
  if (settings.host !== 'github' || !token) return [];
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  return [`http.extraHeader=Authorization: Basic ${basic}`];
}

/**
 * The issue's mirror and workspace, made if missing (first use, or after the TTL sweep), and
 * marked as used now so the sweep leaves it alone.
 */
export async function ensureWorkspace(deps: Pick<WorkspaceDeps, 'workspacesDir' | 'mirrorsDir' | 'github' | 'sandbox'>, ref: WorkspaceRef, settings: RepositorySettings): Promise<PreparedWorkspace> {
  if (!settings.remote) throw new AppError('CONFLICT', 'no repository remote configured');
  const prepared = await prepareClone({
    owner: deps.sandbox.fileOwner,
    workspacesRoot: deps.workspacesDir,
    mirrorsRoot: deps.mirrorsDir,
    ...ref,
    remote: settings.remote,
    baseBranch: settings.baseBranch,
    gitConfig: gitAuth(settings, deps.github.token),
  });
  const now = new Date();
  await fs.utimes(prepared.dir, now, now).catch(() => undefined);
  return prepared;
}

/** What a change imported from a workspace may add up to: what the workspace may hold. */
export function changeLimits(sandbox: SandboxSettings): ChangeLimits {
  return { maxCheckoutBytes: sandbox.workspaceMb * 1024 ** 2, maxEntries: MAX_WORKSPACE_ENTRIES };
}

/** The limits commands of the organization run with (activities/workspace-host.ts). */
export function commandLimitsOf(settings: OrganizationSettings): CommandLimits {
  return { sandbox: settings.sandbox, commandTimeoutSeconds: settings.repository.commandTimeoutSeconds };
}

/** Writes a workspace host's notices to the issue's log. */
export async function logNotices(db: Database, ref: WorkspaceRef & { stepId?: string }, notices: Notice[]): Promise<void> {
  for (const notice of notices) await appendLog(db, { ...ref, level: notice.level, message: notice.message });
}

export function createWorkspaceActivities(deps: WorkspaceDeps) {
  const { db } = deps;

  function codeHostFor(settings: RepositorySettings, organizationId: string): CodeHost {
    if (!settings.remote) throw new AppError('CONFLICT', 'the organization has no repository remote configured');
    if (settings.host === 'github') {
      if (!settings.github) throw new AppError('BAD_REQUEST', 'repository.github { owner, repo } is required for the GitHub host');
      if (!deps.github.token) throw new AppError('BAD_REQUEST', 'GITHUB_TOKEN is not set; it is needed to publish to GitHub');
      return createGitHubCodeHost({ token: deps.github.token, apiUrl: deps.github.apiUrl, ...settings.github });
    }
    return createLocalCodeHost({ db, organizationId, remote: settings.remote });
  }

  async function requireIssue(ref: WorkspaceRef): Promise<IssueRecord> {
    const issue = await getIssue(db, ref.organizationId, ref.issueId);
    if (!issue) throw toActivityFailure(new AppError('NOT_FOUND', `issue ${ref.issueId} not found`));
    return issue;
  }

  /** The issue's mirror (made again from the remote if its disk was lost). */
  function mirrorOf(ref: WorkspaceRef, settings: RepositorySettings) {
    if (!settings.remote) throw new AppError('CONFLICT', 'no repository remote configured');
    return prepareMirror({ workspacesRoot: deps.workspacesDir, mirrorsRoot: deps.mirrorsDir, ...ref, remote: settings.remote, baseBranch: settings.baseBranch, gitConfig: gitAuth(settings, deps.github.token) });
  }

  const heartbeating = <A, R>(work: (input: A) => Promise<R>) => (input: A) => withHeartbeat(currentActivity(), work(input));
  const failing = <A, R>(work: (input: A) => Promise<R>) => async (input: A) => {
    try {
      return await work(input);
    } catch (error) {
      if (error instanceof ChangeRejectedError) throw toActivityFailure(new AppError('VALIDATION_FAILED', error.message));
      if (error instanceof TransferError) throw toActivityFailure(new AppError('INTERNAL', error.message, { retryable: true }));
      throw toActivityFailure(error);
    }
  };

  return {
    prepareWorkspace: heartbeating(prepareWorkspace),
    finalizeChange: heartbeating(finalizeChange),
    publishChange: heartbeating(publishChange),
    exportWorkspace: heartbeating(failing(exportWorkspace)),
    beginChange: failing(beginChange),
    importChange: heartbeating(failing(importChange)),
  };

  /** Makes the issue's mirror and workspace (or finds the ones a previous attempt made). */
  async function prepareWorkspace(ref: WorkspaceRef): Promise<{ branch: string; baseSha: string; created: boolean }> {
    const settings = await repositorySettings(db, ref.organizationId);
    try {
      const prepared = await ensureWorkspace(deps, ref, settings);
      if (prepared.created) {
        await appendLog(db, { ...ref, level: 'INFO', message: `workspace ready on ${prepared.branch} (base ${prepared.baseSha.slice(0, 8)})` });
      }
      return { branch: prepared.branch, baseSha: prepared.baseSha, created: prepared.created };
    } catch (error) {
      // git errors (unreachable remote, missing base branch) are retried by Temporal.
      throw toActivityFailure(error);
    }
  }

  /**
   * For a workspace worker (README "Worker pools"): the issue's branch as it is in the mirror —
   * its last commit, so a workspace made again resumes there — and the base, as a bundle in the
   * transfer store. The workspace worker clones it without any credential.
   */
  async function exportWorkspace(ref: WorkspaceRef): Promise<{ branch: string; baseSha: string; source: TransferRef }> {
    if (!deps.transfers) throw new AppError('CONFLICT', 'this worker has no TRANSFER_DIR: it cannot hand workspaces to a workspace pool', { retryable: true });
    const settings = await repositorySettings(db, ref.organizationId);
    const { mirror, branch, baseSha } = await mirrorOf(ref, settings);
    const bundle = await exportBranch(mirror, branch);
    try {
      const source = await deps.transfers.put(ref, bundle.file);
      await appendLog(db, { ...ref, level: 'INFO', message: `workspace exported for a workspace worker: ${branch} at ${(await branchTip(mirror, branch)).slice(0, 8)} (base ${baseSha.slice(0, 8)}, ${source.bytes} bytes)` });
      return { branch, baseSha, source };
    } finally {
      await bundle.cleanup();
    }
  }

  /** What ending a code round needs, whoever runs its tests and commit. */
  async function planChange(input: WorkspaceRef & { round: number; workerType?: WorkerType }) {
    const issue = await requireIssue(input);
    const organization = await organizationSettings(db, input.organizationId);
    const settings = organization.repository;
    const { mirror, branch, baseSha } = await mirrorOf(input, settings);
    // Decided here, not run: not configured, not for this worker type, or already run this round.
    let decided: TestsDecided | null = null;
    if (!settings.testCommand) decided = { passed: null, summary: 'no test command configured' };
    else if (input.workerType && !runsCommands(input.workerType)) decided = { passed: null, summary: `not run: a ${input.workerType} change runs no commands` };
    else {
      // The round's tests run once: an attempt whose tests finished recorded their outcome in
      // the ledger, and a retry (its completion was lost, or the commit failed) reuses it. Only
      // tests that never finished — their worker died with them — run again.
      const stored = await findEffect(db, issue.workflowId, testsEffect(input.round));
      if (stored) {
        decided = { passed: stored['testsPassed'] as boolean, summary: String(stored['testSummary']) };
        await appendLog(db, { ...input, level: 'INFO', message: `tests of round ${input.round + 1} already ran (${decided.passed ? 'passed' : 'failed'}); their outcome is reused, not run again` });
      }
    }
    const messageHead = `fix: ${issue.title}\n\nAgent change for issue ${issue.id} (${issue.source} ${issue.externalId}), round ${input.round + 1}.`;
    return { issue, organization, mirror, branch, baseSha, decided, testCommand: decided ? null : (settings.testCommand as string[]), messageHead };
  }

  /**
   * Ends the code stage: runs the test command in the sandbox, commits there and hands the
   * commits to the worker as a bundle, which goes into the mirror; the diff stored on the
   * round's artifact is computed in the mirror. No git runs on the host over the workspace.
   * `workerType`: the code stage's; one that runs no commands (docs) runs no tests either.
   */
  async function finalizeChange(input: WorkspaceRef & { round: number; workerType?: WorkerType }): Promise<ChangeResult> {
    let plan: Awaited<ReturnType<typeof planChange>>;
    let prepared: PreparedWorkspace;
    try {
      plan = await planChange(input);
      prepared = await ensureWorkspace(deps, input, plan.organization.repository);
    } catch (error) {
      throw toActivityFailure(error);
    }
    const limits = commandLimitsOf(plan.organization);
    const overCap = await workspaceOverCap(prepared.dir, limits.sandbox);
    if (overCap) throw toActivityFailure(new AppError('VALIDATION_FAILED', overCap));
    let tests: WorkspaceChangeOutcome['tests'] = null;
    if (plan.testCommand) {
      const notices: Notice[] = [];
      const ran = await runInWorkspace(deps.sandbox, { dir: prepared.dir, argv: plan.testCommand, allowlist: [plan.testCommand], limits, maxOutputBytes: 200_000, signal: currentActivity().signal, notices });
      await logNotices(db, input, notices);
      if (ran.overCap) throw toActivityFailure(new AppError('VALIDATION_FAILED', `after the test command, ${ran.overCap}`));
      tests = testOutcome(ran.result);
    }
    try {
      const change = await commitAndBundle(deps.sandbox, prepared.dir, {
        message: commitMessage(plan.messageHead, tests ? tests.passed : (plan.decided?.passed ?? null)),
        knownSha: await branchTip(plan.mirror, plan.branch),
        limits: sandboxLimits(limits, { maxOutputBytes: 50_000 }),
      });
      try {
        return await recordChange(input, plan, tests, change.bundle);
      } finally {
        await change.cleanup();
      }
    } catch (error) {
      if (error instanceof ChangeRejectedError) throw toActivityFailure(new AppError('VALIDATION_FAILED', error.message));
      if (isAppError(error)) throw toActivityFailure(error);
      throw toActivityFailure(new AppError('INTERNAL', error instanceof Error ? error.message : String(error), { retryable: true }));
    }
  }

  /** A workspace worker's round: what it is to run and commit (tests, message, the tip the mirror has). */
  async function beginChange(input: WorkspaceRef & { round: number; workerType?: WorkerType }): Promise<Omit<WorkspaceChangeRequest, 'workspace'>> {
    const plan = await planChange(input);
    return {
      limits: commandLimitsOf(plan.organization),
      testCommand: plan.testCommand,
      messageHead: plan.messageHead,
      testsPassedIfNotRun: plan.decided?.passed ?? null,
      knownSha: await branchTip(plan.mirror, plan.branch),
    };
  }

  /** A workspace worker's round, taken in: its log lines, its tests in the ledger, its commits into the mirror. */
  async function importChange(input: WorkspaceRef & { round: number; workerType?: WorkerType; outcome: WorkspaceChangeOutcome }): Promise<ChangeResult> {
    const plan = await planChange(input);
    await logNotices(db, input, input.outcome.notices);
    const bundle = input.outcome.bundle ? await (deps.transfers as TransferStore).open(input.outcome.bundle, input) : null;
    return recordChange(input, plan, input.outcome.tests, bundle);
  }

  /**
   * The round's end, recorded: the tests in the ledger (unless cancelled: they must run again),
   * the commits imported into the mirror (a typed change's paths checked there, whoever wrote
   * them), the diff on the round's artifact, a line in the log.
   */
  async function recordChange(
    input: WorkspaceRef & { round: number; workerType?: WorkerType },
    plan: Awaited<ReturnType<typeof planChange>>,
    tests: WorkspaceChangeOutcome['tests'],
    bundleFile: string | null,
  ): Promise<ChangeResult> {
    const testsPassed = tests ? tests.passed : (plan.decided?.passed ?? null);
    const testSummary = tests ? tests.summary : (plan.decided?.summary ?? 'not run');
    if (tests && !tests.cancelled) await recordEffect(db, { organizationId: input.organizationId, workflowId: plan.issue.workflowId, effect: testsEffect(input.round), result: { testsPassed, testSummary } });
    let commitSha: string | null = null;
    const workerType = input.workerType;
    // A typed change (docs, test) keeps to its files whoever wrote them: the tests run repository code too.
    const paths = workerType ? { baseSha: plan.baseSha, refusal: (file: string) => writeRefusal(workerType, file) } : undefined;
    if (bundleFile) commitSha = await importBundle(plan.mirror, bundleFile, plan.branch, changeLimits(plan.organization.sandbox), paths);
    const diff = await diffInMirror(plan.mirror, plan.baseSha, plan.branch);
    const filesChanged = [...diff.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((match) => match[1] as string);
    const [step] = await db
      .select({ id: issueSteps.id })
      .from(issueSteps)
      .where(and(eq(issueSteps.issueId, input.issueId), eq(issueSteps.stage, 'code'), eq(issueSteps.round, input.round)));
    const previous = await latestArtifact(db, input.organizationId, input.issueId, 'CODE_CHANGE');
    if (step) {
      await saveArtifact(db, {
        ...input,
        stepId: step.id,
        type: 'CODE_CHANGE',
        name: 'proposed-change',
        content: previous?.content ?? '',
        diffPatch: diff,
        filePath: filesChanged[0] ?? null,
        metadata: { ...(previous?.metadata ?? {}), filesChanged, round: input.round, branch: plan.branch, commitSha, testsPassed, testSummary },
      });
    }
    await appendLog(db, {
      ...input,
      level: testsPassed === false ? 'WARN' : 'INFO',
      message: `change committed${commitSha ? ` (${commitSha.slice(0, 8)})` : ' (no new changes)'} on ${plan.branch}; tests ${testsPassed === null ? 'not configured' : testsPassed ? 'passed' : 'failed'}`,
    });
    return { commitSha, testsPassed, testSummary: testSummary.slice(0, 500), filesChanged };
  }

  /**
   * Pushes the branch and opens the pull request, exactly once: the ledger is checked
   * first, then the host (a pull request for this branch may exist from an attempt that
   * died before recording it), and only then is one created.
   */
  async function publishChange(input: WorkspaceRef & { workflowId: string }): Promise<PublishedChange> {
    const issue = await requireIssue(input);
    const settings = await repositorySettings(db, input.organizationId);
    const host = codeHostFor(settings, input.organizationId);
    const branch = branchName(input.organizationId, input.issueId);
    const mirror = mirrorDir({ mirrorsRoot: deps.mirrorsDir, ...input });
    const ledger = { organizationId: input.organizationId, workflowId: input.workflowId };

    try {
      if (!(await findEffect(db, input.workflowId, 'push'))) {
        // A mirror lost with its disk is made again from the remote, which has every pushed commit.
        await prepareMirror({ workspacesRoot: deps.workspacesDir, mirrorsRoot: deps.mirrorsDir, ...input, remote: settings.remote as string, baseBranch: settings.baseBranch, gitConfig: gitAuth(settings, deps.github.token) });
        const pushed = await host.pushBranch({ mirror, branch, remote: settings.remote as string });
        await recordEffect(db, { ...ledger, effect: 'push', result: { branch, sha: pushed.sha } });
      }

      const recorded = await findEffect(db, input.workflowId, 'pull_request');
      let pr = recorded as PublishedChange | undefined;
      if (!pr) {
        const existing = await host.findPullRequest(branch);
        const opened = existing ?? (await host.createPullRequest({
          head: branch,
          base: settings.baseBranch,
          title: `${issue.title} (${issue.externalId})`,
          body: await pullRequestBody(issue),
          draft: settings.pullRequest.draft,
          labels: settings.pullRequest.labels,
        }));
        pr = (await recordEffect(db, {
          ...ledger,
          effect: 'pull_request',
          result: { url: opened.url, number: opened.number, branch, created: existing === undefined },
        })) as unknown as PublishedChange;
      }

      // A GitHub issue that started this gets a comment pointing at the pull request.
      const githubIssue = issue.source === 'github' && /^\d+$/.test(issue.externalId) ? Number(issue.externalId) : undefined;
      if (githubIssue !== undefined && !(await findEffect(db, input.workflowId, 'issue_comment'))) {
        const comment = await host.commentOnIssue(githubIssue, `Opened ${pr.url} for this issue.`);
        if (comment) await recordEffect(db, { ...ledger, effect: 'issue_comment', result: comment });
      }

      await db
        .update(issues)
        .set({ pullRequestUrl: pr.url, updatedAt: sql`now()` })
        .where(and(eq(issues.organizationId, input.organizationId), eq(issues.id, input.issueId)));
      await appendLog(db, { ...input, level: 'INFO', message: `pull request ${pr.url} (${pr.created ? 'opened' : 'already open'})` });
      return pr;
    } catch (error) {
      throw toActivityFailure(error);
    }
  }

  async function pullRequestBody(issue: IssueRecord): Promise<string> {
    const change = await latestArtifact(db, issue.organizationId, issue.id, 'CODE_CHANGE');
    const research = await latestArtifact(db, issue.organizationId, issue.id, 'ANALYSIS');
    const review = await latestArtifact(db, issue.organizationId, issue.id, 'RECOMMENDATION');
    const cost = await issueCostTotals(db, issue.organizationId, issue.id);
    const tests = change?.metadata['testSummary'];
    return [
      `## Summary\n${change?.content ?? '(none)'}`,
      `## Root cause\n${String(research?.metadata['rootCause'] ?? '(not recorded)')}`,
      `## Tests\n\`\`\`\n${typeof tests === 'string' ? tests : 'not run'}\n\`\`\``,
      `## Review\n${review?.content ?? '(none)'}`,
      `## Cost\n$${cost.costUsd.toFixed(4)} over ${cost.calls} model calls (${cost.inputTokens + cost.cacheReadTokens + cost.cacheWriteTokens} input / ${cost.outputTokens} output tokens)`,
      `---\nIssue: ${deps.publicBaseUrl}/api/issues/${issue.id} · ${issue.source} ${issue.externalId} · opened by the agent orchestrator`,
    ].join('\n\n');
  }
}
