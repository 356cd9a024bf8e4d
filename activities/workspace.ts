import { and, eq, sql } from 'drizzle-orm';
import type { CodeHost } from '../src/codehost/code-host';
import { createGitHubCodeHost } from '../src/codehost/github';
import { createLocalCodeHost } from '../src/codehost/local';
import { organizationSettingsSchema, type RepositorySettings } from '../src/contracts/policy';
import { latestArtifact, saveArtifact } from '../src/db/artifacts';
import type { Database } from '../src/db/client';
import { getIssue, type IssueRecord } from '../src/db/issues';
import { issueCostTotals } from '../src/db/llm-calls';
import { appendLog } from '../src/db/logs';
import { getOrganization } from '../src/db/organizations';
import { issues, issueSteps } from '../src/db/schema';
import { findEffect, recordEffect } from '../src/db/side-effects';
import { AppError } from '../src/errors';
import { type CommandResult, runCommand } from '../src/workspace/commands';
import { commitAll, diffAgainstBase, prepareWorkspace as prepareClone, workspaceDir, branchName } from '../src/workspace/git';
import { currentActivity, withHeartbeat } from './context';
import { toActivityFailure } from './failures';

/**
 * The issue's workspace (a clone on its own branch), the end of the code stage (tests,
 * commit, diff) and publishing (push, pull request, comment) exactly once.
 */

export interface WorkspaceDeps {
  db: Database;
  workspacesDir: string;
  github: { token: string | undefined; apiUrl: string };
  publicBaseUrl: string;
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

const TEST_OUTPUT_CHARS = 4000;

/**
 * Settings are read on every tool call and model turn; a short per-process cache saves a
 * query each time. A settings change reaches running issues within SETTINGS_TTL_MS.
 */
const SETTINGS_TTL_MS = 10_000;
const settingsCache = new Map<string, { settings: RepositorySettings; until: number }>();

export async function repositorySettings(db: Database, organizationId: string): Promise<RepositorySettings> {
  const cached = settingsCache.get(organizationId);
  if (cached && cached.until > Date.now()) return cached.settings;
  const organization = await getOrganization(db, organizationId);
  const settings = organizationSettingsSchema.parse(organization?.settings ?? {}).repository;
  settingsCache.set(organizationId, { settings, until: Date.now() + SETTINGS_TTL_MS });
  return settings;
}

/** Where an issue's agents read and write: its workspace, or the read-only path. */
export async function repositoryRootFor(deps: Pick<WorkspaceDeps, 'db' | 'workspacesDir'>, ref: WorkspaceRef): Promise<{ root: string | undefined; writable: boolean; settings: RepositorySettings }> {
  const settings = await repositorySettings(deps.db, ref.organizationId);
  if (settings.remote) return { root: workspaceDir({ root: deps.workspacesDir, ...ref }), writable: true, settings };
  return { root: settings.path, writable: false, settings };
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

  function gitAuth(settings: RepositorySettings): string[] {
    if (settings.host !== 'github' || !deps.github.token) return [];
    const basic = Buffer.from(`x-access-token:${deps.github.token}`).toString('base64');
    return [`http.extraHeader=Authorization: Basic ${basic}`];
  }

  async function requireIssue(ref: WorkspaceRef): Promise<IssueRecord> {
    const issue = await getIssue(db, ref.organizationId, ref.issueId);
    if (!issue) throw toActivityFailure(new AppError('NOT_FOUND', `issue ${ref.issueId} not found`));
    return issue;
  }

  const heartbeating = <A, R>(work: (input: A) => Promise<R>) => (input: A) => withHeartbeat(currentActivity(), work(input));

  return {
    prepareWorkspace: heartbeating(prepareWorkspace),
    finalizeChange: heartbeating(finalizeChange),
    publishChange: heartbeating(publishChange),
  };

  /** Clones the repository onto the issue's branch, or finds the clone a previous attempt made. */
  async function prepareWorkspace(ref: WorkspaceRef): Promise<{ branch: string; baseSha: string; created: boolean }> {
    const settings = await repositorySettings(db, ref.organizationId);
    if (!settings.remote) throw toActivityFailure(new AppError('CONFLICT', 'no repository remote configured'));
    try {
      const prepared = await prepareClone({
        root: deps.workspacesDir,
        ...ref,
        remote: settings.remote,
        baseBranch: settings.baseBranch,
        gitConfig: gitAuth(settings),
      });
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
   * Ends the code stage: runs the test command, commits on the branch with a message
   * naming the issue, and stores the real diff (and test results) on the round's artifact.
   */
  async function finalizeChange(input: WorkspaceRef & { round: number }): Promise<ChangeResult> {
    const issue = await requireIssue(input);
    const settings = await repositorySettings(db, input.organizationId);
    if (!settings.remote) throw toActivityFailure(new AppError('CONFLICT', 'no repository remote configured'));
    const prepared = await prepareClone({
      root: deps.workspacesDir,
      ...input,
      remote: settings.remote,
      baseBranch: settings.baseBranch,
      gitConfig: gitAuth(settings),
    });
    let tests: CommandResult | undefined;
    if (settings.testCommand) {
      tests = await runCommand(prepared.dir, settings.testCommand, [settings.testCommand], {
        timeoutMs: settings.commandTimeoutSeconds * 1000,
        maxOutputBytes: 200_000,
      });
    }
    const testsPassed = tests ? tests.exitCode === 0 && !tests.timedOut : null;
    const testSummary = tests
      ? `${tests.argv.join(' ')}: ${testsPassed ? 'passed' : `failed (exit ${tests.exitCode}${tests.timedOut ? ', timed out' : ''})`}\n${(tests.stdout + tests.stderr).slice(-TEST_OUTPUT_CHARS)}`
      : 'no test command configured';
    const commitSha = await commitAll(
      prepared.dir,
      `fix: ${issue.title}\n\nAgent change for issue ${issue.id} (${issue.source} ${issue.externalId}), round ${input.round + 1}.\nTests: ${testsPassed === null ? 'not configured' : testsPassed ? 'passed' : 'failed'}`,
    );
    const diff = await diffAgainstBase(prepared.dir, prepared.baseSha);
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
        metadata: {
          ...(previous?.metadata ?? {}),
          filesChanged,
          round: input.round,
          branch: prepared.branch,
          commitSha,
          testsPassed,
          testSummary,
        },
      });
    }
    await appendLog(db, {
      ...input,
      level: testsPassed === false ? 'WARN' : 'INFO',
      message: `change committed${commitSha ? ` (${commitSha.slice(0, 8)})` : ' (no new changes)'} on ${prepared.branch}; tests ${testsPassed === null ? 'not configured' : testsPassed ? 'passed' : 'failed'}`,
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
    const dir = workspaceDir({ root: deps.workspacesDir, ...input });
    const ledger = { organizationId: input.organizationId, workflowId: input.workflowId };

    try {
      if (!(await findEffect(db, input.workflowId, 'push'))) {
        const pushed = await host.pushBranch({ workspaceDir: dir, branch, remote: settings.remote as string });
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
