import { runsCommands, type WorkerType, writeRefusal } from '../src/contracts/worker-types';
import fs from 'node:fs/promises';
import { and, eq, sql } from 'drizzle-orm';
import type { CodeHost } from '../src/codehost/code-host';
import { createGitHubCodeHost } from '../src/codehost/github';
import { createLocalCodeHost } from '../src/codehost/local';
import { type OrganizationSettings, organizationSettingsSchema, type RepositorySettings } from '../src/contracts/policy';
import { latestArtifact, saveArtifact } from '../src/db/artifacts';
import type { Database } from '../src/db/client';
import { getIssue, type IssueRecord } from '../src/db/issues';
import { issueCostTotals } from '../src/db/llm-calls';
import { appendLog } from '../src/db/logs';
import { getOrganization } from '../src/db/organizations';
import { issues, issueSteps } from '../src/db/schema';
import { findEffect, recordEffect } from '../src/db/side-effects';
import { AppError } from '../src/errors';
import type { EgressDecision } from '../src/sandbox/egress-proxy';
import type { CommandSandbox, SandboxLimits, SandboxResult } from '../src/sandbox/sandbox';
import { runCommand } from '../src/workspace/commands';
import { directorySize } from '../src/workspace/disk';
import {
  branchName,
  branchTip,
  type ChangeLimits,
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
const settingsCache = new Map<string, { settings: OrganizationSettings; until: number }>();

export async function organizationSettings(db: Database, organizationId: string): Promise<OrganizationSettings> {
  const cached = settingsCache.get(organizationId);
  if (cached && cached.until > Date.now()) return cached.settings;
  const organization = await getOrganization(db, organizationId);
  const settings = organizationSettingsSchema.parse(organization?.settings ?? {});
  settingsCache.set(organizationId, { settings, until: Date.now() + SETTINGS_TTL_MS });
  return settings;
}

export async function repositorySettings(db: Database, organizationId: string): Promise<RepositorySettings> {
  return (await organizationSettings(db, organizationId)).repository;
}

const MIB = 1024 ** 2;

/** The sandbox limits of one command, from the organization's settings. */
export function sandboxLimits(settings: OrganizationSettings, command: { maxOutputBytes: number }): SandboxLimits {
  const { sandbox } = settings;
  return {
    wallTimeMs: settings.repository.commandTimeoutSeconds * 1000,
    cpuSeconds: sandbox.cpuSeconds,
    memoryBytes: sandbox.memoryMb * MIB,
    processes: sandbox.maxProcesses,
    fileSizeBytes: sandbox.fileSizeMb * MIB,
    maxOutputBytes: command.maxOutputBytes,
    maxTotalOutputBytes: Math.max(64 * MIB, command.maxOutputBytes),
    tmpBytes: Math.min(512 * MIB, sandbox.memoryMb * MIB),
  };
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

/** Reports the egress proxy's decisions to the issue's log (awaited by `flush`). */
function egressLogger(db: Database, ref: WorkspaceRef) {
  const writes: Array<Promise<unknown>> = [];
  return {
    onDecision(decision: EgressDecision) {
      writes.push(
        appendLog(db, {
          ...ref,
          level: decision.allowed ? 'INFO' : 'WARN',
          message: `sandbox egress ${decision.allowed ? 'allowed' : 'refused'}: ${decision.kind} ${decision.host}:${decision.port} (${decision.reason})`,
        }).catch(() => undefined),
      );
    },
    flush: () => Promise.all(writes),
  };
}

/** Files a workspace may hold (inodes count against the disk too). */
const MAX_WORKSPACE_ENTRIES = 200_000;

/** Null when the workspace is within its caps; else the sentence that says what to do. */
export async function workspaceOverCap(dir: string, settings: OrganizationSettings): Promise<string | null> {
  const cap = settings.sandbox.workspaceMb * MIB;
  const usage = await directorySize(dir);
  if (usage.bytes > cap) return `the workspace is over its disk cap of ${settings.sandbox.workspaceMb} MiB (settings.sandbox.workspaceMb): remove generated files before going on`;
  if (usage.entries > MAX_WORKSPACE_ENTRIES) return `the workspace holds over ${MAX_WORKSPACE_ENTRIES} files and directories: remove generated files before going on`;
  return null;
}

/**
 * Runs an allowlisted command in an issue's workspace, in the sandbox, the one way for the
 * agent's run_command and the test command alike: the organization's limits and egress,
 * every egress decision and any limit that stopped the command in the issue's log, and the
 * workspace's disk cap checked afterwards (`overCap`: the sentence, or null).
 */
export async function runInWorkspace(
  deps: Pick<WorkspaceDeps, 'db' | 'sandbox'>,
  ref: WorkspaceRef,
  command: { dir: string; argv: string[]; allowlist: string[][]; organization: OrganizationSettings; maxOutputBytes: number; signal: AbortSignal; beforeStart?: () => Promise<void> },
): Promise<{ result: SandboxResult; overCap: string | null }> {
  const { organization } = command;
  const egress = egressLogger(deps.db, ref);
  const result = await runCommand({
    sandbox: deps.sandbox,
    dir: command.dir,
    argv: command.argv,
    allowlist: command.allowlist,
    limits: sandboxLimits(organization, { maxOutputBytes: command.maxOutputBytes }),
    egress: { allowedHosts: organization.sandbox.allowedHosts, onDecision: egress.onDecision },
    signal: command.signal,
    ...(command.beforeStart ? { beforeStart: command.beforeStart } : {}),
  });
  await egress.flush();
  if (result.outcome !== 'exited') {
    await appendLog(deps.db, { ...ref, level: 'WARN', message: `sandbox stopped ${result.argv.join(' ').slice(0, 200)}: ${result.limitMessage}` });
  }
  return { result, overCap: await workspaceOverCap(command.dir, organization) };
}

/** What a change imported from the sandbox may add up to: what the workspace may hold. */
export function changeLimits(settings: OrganizationSettings): ChangeLimits {
  return { maxCheckoutBytes: settings.sandbox.workspaceMb * MIB, maxEntries: MAX_WORKSPACE_ENTRIES };
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

  const heartbeating = <A, R>(work: (input: A) => Promise<R>) => (input: A) => withHeartbeat(currentActivity(), work(input));

  return {
    prepareWorkspace: heartbeating(prepareWorkspace),
    finalizeChange: heartbeating(finalizeChange),
    publishChange: heartbeating(publishChange),
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
   * Ends the code stage: runs the test command in the sandbox, commits there and hands the
   * commits to the worker as a bundle, which goes into the mirror; the diff stored on the
   * round's artifact is computed in the mirror. No git runs on the host over the workspace.
   */
  /** `workerType`: the code stage's; one that runs no commands (docs) runs no tests either. */
  async function finalizeChange(input: WorkspaceRef & { round: number; workerType?: WorkerType }): Promise<ChangeResult> {
    const issue = await requireIssue(input);
    const organization = await organizationSettings(db, input.organizationId);
    const settings = organization.repository;
    let prepared: PreparedWorkspace;
    try {
      prepared = await ensureWorkspace(deps, input, settings);
    } catch (error) {
      throw toActivityFailure(error);
    }
    const overCap = await workspaceOverCap(prepared.dir, organization);
    if (overCap) throw toActivityFailure(new AppError('VALIDATION_FAILED', overCap));

    let testsPassed: boolean | null = null;
    let testSummary = 'no test command configured';
    if (settings.testCommand && input.workerType && !runsCommands(input.workerType)) {
      testSummary = `not run: a ${input.workerType} change runs no commands`;
    } else if (settings.testCommand) {
      // The round's tests run once: an attempt whose tests finished recorded their outcome in
      // the ledger, and a retry (its completion was lost, or the commit below failed) reuses
      // it. Only tests that never finished — their worker died with them — run again.
      const effect = `tests:round-${input.round}`;
      const stored = await findEffect(db, issue.workflowId, effect);
      if (stored) {
        testsPassed = stored['testsPassed'] as boolean;
        testSummary = String(stored['testSummary']);
        await appendLog(db, { ...input, level: 'INFO', message: `tests of round ${input.round + 1} already ran (${testsPassed ? 'passed' : 'failed'}); their outcome is reused, not run again` });
      } else {
        const ran = await runInWorkspace(deps, input, {
          dir: prepared.dir,
          argv: settings.testCommand,
          allowlist: [settings.testCommand],
          organization,
          maxOutputBytes: 200_000,
          signal: currentActivity().signal,
        });
        if (ran.overCap) throw toActivityFailure(new AppError('VALIDATION_FAILED', `after the test command, ${ran.overCap}`));
        const tests = ran.result;
        testsPassed = tests.outcome === 'exited' && tests.exitCode === 0;
        testSummary = `${tests.argv.join(' ')}: ${testsPassed ? 'passed' : `failed (${tests.limitMessage ?? `exit ${tests.exitCode}`})`}\n${(tests.stdout + tests.stderr).slice(-TEST_OUTPUT_CHARS)}`;
        // Not for a cancelled run: its tests did not finish, and the next attempt must run them.
        if (tests.outcome !== 'cancelled') await recordEffect(db, { organizationId: input.organizationId, workflowId: issue.workflowId, effect, result: { testsPassed, testSummary } });
      }
    }

    const message = `fix: ${issue.title}\n\nAgent change for issue ${issue.id} (${issue.source} ${issue.externalId}), round ${input.round + 1}.\nTests: ${testsPassed === null ? 'not configured' : testsPassed ? 'passed' : 'failed'}`;
    let commitSha: string | null = null;
    let diff: string;
    try {
      const knownSha = await branchTip(prepared.mirror, prepared.branch);
      const change = await commitAndBundle(deps.sandbox, prepared.dir, {
        message,
        knownSha,
        limits: sandboxLimits(organization, { maxOutputBytes: 50_000 }),
      });
      try {
        // A typed change (docs, test) keeps to its files whoever wrote them: the tests run repository code too.
        const workerType = input.workerType;
        const paths = workerType ? { baseSha: prepared.baseSha, refusal: (file: string) => writeRefusal(workerType, file) } : undefined;
        if (change.bundle) commitSha = await importBundle(prepared.mirror, change.bundle, prepared.branch, changeLimits(organization), paths);
      } finally {
        await change.cleanup();
      }
      diff = await diffInMirror(prepared.mirror, prepared.baseSha, prepared.branch);
    } catch (error) {
      if (error instanceof ChangeRejectedError) throw toActivityFailure(new AppError('VALIDATION_FAILED', error.message));
      throw toActivityFailure(new AppError('INTERNAL', error instanceof Error ? error.message : String(error), { retryable: true }));
    }
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
