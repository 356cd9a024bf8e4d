import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { ASK_CLARIFICATION, isToolName, toolInputSchemas } from '../src/agents/tools';
import type { SandboxSettings } from '../src/contracts/policy';
import { type WorkerType, writeRefusal } from '../src/contracts/worker-types';
import type { EgressDecision } from '../src/sandbox/egress-proxy';
import type { CommandSandbox, SandboxLimits, SandboxResult } from '../src/sandbox/sandbox';
import { formatCommandResult, runCommand } from '../src/workspace/commands';
import { instructionsFor, type ProjectInstructions } from '../src/workspace/conventions';
import { directorySize, removeTree } from '../src/workspace/disk';
import { chownTree, git, workspaceDir } from '../src/workspace/git';
import { listFiles, readFile, ToolInputError } from '../src/workspace/read-tools';
import { commitAndBundle, workingDiff } from '../src/workspace/sandboxed-git';
import type { TransferRef, TransferStore } from '../src/workspace/transfers';
import { WORKSPACE_MISSING } from '../workflows/shared/workspace-pool';
import { editFile, gitGrep, writeFile } from '../src/workspace/write-tools';
import { currentActivity, withHeartbeat } from './context';
import { pathTouchedBy } from './project-instructions';

/**
 * What runs where an issue's repository is: the file tools, commands, tests and the commit —
 * everything that touches repository content. Nothing here reads the database, a setting or
 * a secret: each call carries what it needs (a `RepositoryToolRequest`, limits already
 * resolved) and returns what happened, with the lines for the issue's log as `notices`.
 *
 * The orchestration worker calls these functions in-process (one worker, `npm run dev`); the
 * workspace pool's workers (src/main/workspace-worker.ts) register them as activities on
 * their own task queue and hold no database URL, model key or code-host token.
 */

/** A line for the issue's log, written by whoever holds the database. */
export interface Notice {
  level: 'INFO' | 'WARN';
  message: string;
}

/** What a command may use: the organization's sandbox settings and its command timeout. */
export interface CommandLimits {
  sandbox: SandboxSettings;
  commandTimeoutSeconds: number;
}

const MIB = 1024 ** 2;

/** The sandbox limits of one command, from the organization's settings. */
export function sandboxLimits(limits: CommandLimits, command: { maxOutputBytes: number }): SandboxLimits {
  const { sandbox } = limits;
  return {
    wallTimeMs: limits.commandTimeoutSeconds * 1000,
    cpuSeconds: sandbox.cpuSeconds,
    memoryBytes: sandbox.memoryMb * MIB,
    processes: sandbox.maxProcesses,
    fileSizeBytes: sandbox.fileSizeMb * MIB,
    maxOutputBytes: command.maxOutputBytes,
    maxTotalOutputBytes: Math.max(64 * MIB, command.maxOutputBytes),
    tmpBytes: Math.min(512 * MIB, sandbox.memoryMb * MIB),
  };
}

/** Files a workspace may hold (inodes count against the disk too). */
export const MAX_WORKSPACE_ENTRIES = 200_000;

/** Null when the workspace is within its caps; else the sentence that says what to do. */
export async function workspaceOverCap(dir: string, sandbox: SandboxSettings): Promise<string | null> {
  const cap = sandbox.workspaceMb * MIB;
  const usage = await directorySize(dir);
  if (usage.bytes > cap) return `the workspace is over its disk cap of ${sandbox.workspaceMb} MiB (settings.sandbox.workspaceMb): remove generated files before going on`;
  if (usage.entries > MAX_WORKSPACE_ENTRIES) return `the workspace holds over ${MAX_WORKSPACE_ENTRIES} files and directories: remove generated files before going on`;
  return null;
}

function egressNotice(decision: EgressDecision): Notice {
  return {
    level: decision.allowed ? 'INFO' : 'WARN',
    message: `sandbox egress ${decision.allowed ? 'allowed' : 'refused'}: ${decision.kind} ${decision.host}:${decision.port} (${decision.reason})`,
  };
}

/**
 * Runs an allowlisted command in a workspace, in the sandbox, the one way for the agent's
 * run_command and the test command alike: the organization's limits and egress, every egress
 * decision and any limit that stopped the command as notices, and the workspace's disk cap
 * checked afterwards (`overCap`: the sentence, or null).
 */
export async function runInWorkspace(
  sandbox: CommandSandbox,
  command: { dir: string; argv: string[]; allowlist: string[][]; limits: CommandLimits; maxOutputBytes: number; signal: AbortSignal; notices: Notice[]; beforeStart?: () => Promise<void> },
): Promise<{ result: SandboxResult; overCap: string | null }> {
  const result = await runCommand({
    sandbox,
    dir: command.dir,
    argv: command.argv,
    allowlist: command.allowlist,
    limits: sandboxLimits(command.limits, { maxOutputBytes: command.maxOutputBytes }),
    egress: { allowedHosts: command.limits.sandbox.allowedHosts, onDecision: (decision) => command.notices.push(egressNotice(decision)) },
    signal: command.signal,
    ...(command.beforeStart ? { beforeStart: command.beforeStart } : {}),
  });
  if (result.outcome !== 'exited') {
    command.notices.push({ level: 'WARN', message: `sandbox stopped ${result.argv.join(' ').slice(0, 200)}: ${result.limitMessage}` });
  }
  return { result, overCap: await workspaceOverCap(command.dir, command.limits.sandbox) };
}

/** One repository tool call, as the orchestration side resolved it (policy applied, settings read). */
export interface RepositoryToolRequest {
  tool: string;
  input: unknown;
  /** The issue's workspace (write tools, commands, diff), or a read-only path. */
  writable: boolean;
  /** The code stage's worker type: what it may write. */
  workerType?: WorkerType;
  limits: CommandLimits;
  /** run_command: the argv prefixes it may run (the approval policy already applied). */
  allowlist: string[][];
}

export interface RepositoryToolContext {
  sandbox: CommandSandbox;
  root: string | undefined;
  /** The commit the branch started from: `diff` is taken against it (writable workspaces). */
  baseSha: (() => Promise<string>) | undefined;
  signal: AbortSignal;
  notices: Notice[];
  /** Runs right before a command starts (the at-most-once claim); throwing stops it. */
  beforeCommandStart?: () => Promise<void>;
}

/** The worker type's write rule (src/contracts/worker-types.ts): a refusal the agent reads. */
function mayWrite(workerType: WorkerType | undefined, relative: string): void {
  const refusal = workerType ? writeRefusal(workerType, relative) : null;
  if (refusal) throw new ToolInputError(refusal);
}

/**
 * Runs one tool against the issue's repository. Reads and writes happen in this process,
 * confined to the repository's directory; anything that starts a process on repository
 * content (search, diff, commands) runs in the sandbox. Refusals are ToolInputErrors.
 */
export async function executeRepositoryTool(request: RepositoryToolRequest, context: RepositoryToolContext): Promise<string> {
  const { tool: name, writable, limits } = request;
  if (!isToolName(name) || name === ASK_CLARIFICATION) throw new ToolInputError(`unknown tool: ${name}`);
  const { root, sandbox } = context;
  if (!root) throw new ToolInputError('no repository is configured for this organization (settings.repository)');
  const parsed = toolInputSchemas[name].safeParse(request.input);
  if (!parsed.success) throw new ToolInputError(`invalid input for ${name}: ${z.prettifyError(parsed.error)}`);
  // Each case passes the input its own schema just validated.
  const input = parsed.data as never;
  const needsWorkspace = (tool: string) => {
    if (!writable) throw new ToolInputError(`${tool} needs a workspace: this repository is read-only here`);
  };
  switch (name) {
    case 'list_files':
      return listFiles(root, input);
    case 'read_file':
      return readFile(root, input);
    case 'search_files':
      return gitGrep(sandbox, root, input, sandboxLimits(limits, { maxOutputBytes: 1_000_000 }));
    case 'write_file':
      needsWorkspace(name);
      mayWrite(request.workerType, (input as { path: string }).path);
      return writeFile(root, input, sandbox.fileOwner);
    case 'edit_file':
      needsWorkspace(name);
      mayWrite(request.workerType, (input as { path: string }).path);
      return editFile(root, input);
    case 'diff': {
      needsWorkspace(name);
      if (!context.baseSha) throw new ToolInputError('diff needs the workspace\'s base commit');
      const diff = await workingDiff(sandbox, root, await context.baseSha(), sandboxLimits(limits, { maxOutputBytes: 1_000_000 }));
      return diff || '(no changes yet)';
    }
    case 'run_command': {
      needsWorkspace(name);
      const argv = (parsed.data as { argv: string[] }).argv;
      const { result, overCap } = await runInWorkspace(sandbox, {
        dir: root,
        argv,
        allowlist: request.allowlist,
        limits,
        maxOutputBytes: 50_000,
        signal: context.signal,
        notices: context.notices,
        ...(context.beforeCommandStart ? { beforeStart: context.beforeCommandStart } : {}),
      });
      if (overCap) throw new ToolInputError(`${formatCommandResult(result)}\n${overCap}`);
      return formatCommandResult(result);
    }
  }
}

/** Stops what an earlier, given-up attempt may still run in the workspace, with a notice if anything was. */
export async function stopEarlierAttempts(sandbox: CommandSandbox, root: string, notices: Notice[]): Promise<void> {
  const stopped = await sandbox.stopWorkspace(root);
  if (stopped > 0) notices.push({ level: 'WARN', message: `stopped ${stopped} process(es) still running in the workspace from an earlier attempt` });
}

// ---------------------------------------------------------------------------------------------
// The workspace pool's activities (registered by src/main/workspace-worker.ts).

/** An issue's workspace as a workspace worker knows it: where, on which branch, from which base. */
export interface WorkspaceHandle {
  organizationId: string;
  issueId: string;
  branch: string;
  baseSha: string;
}

/** The failure type of a call whose workspace is not on this host (swept, or a new host): open it again. */
export { WORKSPACE_MISSING };

export interface WorkspaceHostDeps {
  sandbox: CommandSandbox;
  workspacesDir: string;
  transfers: TransferStore;
  /** This worker's own task queue: follow-up calls for a workspace it opened go there (sticky). */
  hostQueue: string;
}

export interface WorkspaceToolCall {
  workspace: WorkspaceHandle | null;
  /** A read-only repository at a path on the workspace hosts (settings.repository.path). */
  path?: string;
  request: RepositoryToolRequest;
}

export interface WorkspaceToolOutcome {
  output: string;
  isError: boolean;
  notices: Notice[];
  /** The repository's instruction files for the path the call touched (the orchestration side keeps the unseen). */
  instructions: ProjectInstructions[];
}

export interface WorkspaceChangeRequest {
  workspace: WorkspaceHandle;
  limits: CommandLimits;
  /** The test command, when the round's tests are to run here (null: not configured, already ran, or not for this worker type). */
  testCommand: string[] | null;
  /** The commit message's subject and body; its Tests line is added once the tests' outcome is known. */
  messageHead: string;
  /** What the Tests line says when the tests do not run here (already ran, or not configured). */
  testsPassedIfNotRun: boolean | null;
  /** The branch tip the orchestration side already has: the bundle holds what is newer. */
  knownSha: string;
}

export interface WorkspaceChangeOutcome {
  /** The tests' outcome, when they ran here. */
  tests: { passed: boolean; summary: string; cancelled: boolean } | null;
  /** The new commits as a bundle in the transfer store; null when there were none. */
  bundle: TransferRef | null;
  notices: Notice[];
}

const TEST_OUTPUT_CHARS = 4000;

function workspaceMissing(handle: { organizationId: string; issueId: string }): ApplicationFailure {
  return ApplicationFailure.create({ type: WORKSPACE_MISSING, nonRetryable: true, message: `the workspace of issue ${handle.issueId} is not on this host (${os.hostname()})` });
}

/** A tool's refusal is the agent's answer; anything else fails the activity (and is retried). */
async function asToolOutcome(work: () => Promise<string>, notices: Notice[], instructions: () => Promise<ProjectInstructions[]>): Promise<WorkspaceToolOutcome> {
  try {
    const output = await work();
    return { output, isError: false, notices, instructions: await instructions() };
  } catch (error) {
    if (!(error instanceof ToolInputError)) throw error;
    return { output: error.message, isError: true, notices, instructions: [] };
  }
}

export function createWorkspaceHostActivities(deps: WorkspaceHostDeps) {
  const dirOf = (handle: { organizationId: string; issueId: string }) => workspaceDir({ workspacesRoot: deps.workspacesDir, ...handle });
  const exists = (dir: string) => fs.stat(dir).then((stat) => stat.isDirectory(), () => false);

  /** The workspace's directory, touched so the TTL sweep leaves it; WORKSPACE_MISSING when it is not here. */
  async function requireWorkspace(handle: WorkspaceHandle): Promise<string> {
    const dir = dirOf(handle);
    if (!(await exists(dir))) throw workspaceMissing(handle);
    const now = new Date();
    await fs.utimes(dir, now, now).catch(() => undefined);
    return dir;
  }

  return {
    /**
     * Makes the issue's workspace on this host from the branch the orchestration side exported
     * (the last commit it has: a workspace made again resumes there), or finds the one an
     * earlier attempt made. Returns this host's queue: the issue's next calls go there.
     */
    async openWorkspace(input: WorkspaceHandle & { source: TransferRef }): Promise<{ hostQueue: string; created: boolean; host: string }> {
      return withHeartbeat(currentActivity(), (async () => {
        const dir = dirOf(input);
        if (await exists(dir)) return { hostQueue: deps.hostQueue, created: false, host: os.hostname() };
        const bundle = await deps.transfers.open(input.source, input);
        const staging = `${dir}.staging-${randomUUID()}`;
        await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o711 });
        try {
          // Our git, on a bundle our orchestration worker wrote; the agent has not touched it yet.
          await git(path.dirname(dir), ['clone', '--quiet', '--no-hardlinks', '--branch', input.branch, '--', bundle, staging]);
          await git(staging, ['remote', 'remove', 'origin']);
          await fs.chmod(staging, 0o700);
          if (deps.sandbox.fileOwner) await chownTree(staging, deps.sandbox.fileOwner);
          await fs.rename(staging, dir);
        } finally {
          await removeTree(staging);
        }
        return { hostQueue: deps.hostQueue, created: true, host: os.hostname() };
      })());
    },

    /** One tool call on the issue's repository (the orchestration side checked, claimed and will record it). */
    async runWorkspaceTool(call: WorkspaceToolCall): Promise<WorkspaceToolOutcome> {
      const runtime = currentActivity();
      return withHeartbeat(runtime, (async () => {
        const notices: Notice[] = [];
        const root = call.workspace ? await requireWorkspace(call.workspace) : call.path;
        if (call.workspace && root) await stopEarlierAttempts(deps.sandbox, root, notices);
        const touched = pathTouchedBy(call.request.input);
        return asToolOutcome(
          () =>
            executeRepositoryTool(call.request, {
              sandbox: deps.sandbox,
              root,
              baseSha: call.workspace ? async () => (call.workspace as WorkspaceHandle).baseSha : undefined,
              signal: runtime.signal,
              notices,
            }),
          notices,
          async () => (root ? instructionsFor(root, touched) : []),
        );
      })());
    },

    /**
     * Ends a code round where the workspace is: the tests (when asked), then everything
     * committed in the sandbox and the commits newer than `knownSha` written as a bundle to
     * the transfer store. No git runs on this host over the workspace.
     */
    async finishWorkspaceChange(input: WorkspaceChangeRequest): Promise<WorkspaceChangeOutcome> {
      const runtime = currentActivity();
      return withHeartbeat(runtime, (async () => {
        const notices: Notice[] = [];
        const dir = await requireWorkspace(input.workspace);
        await stopEarlierAttempts(deps.sandbox, dir, notices);
        const overCap = await workspaceOverCap(dir, input.limits.sandbox);
        if (overCap) throw ApplicationFailure.create({ type: 'VALIDATION_FAILED', nonRetryable: true, message: overCap });
        let tests: WorkspaceChangeOutcome['tests'] = null;
        if (input.testCommand) {
          const ran = await runInWorkspace(deps.sandbox, {
            dir,
            argv: input.testCommand,
            allowlist: [input.testCommand],
            limits: input.limits,
            maxOutputBytes: 200_000,
            signal: runtime.signal,
            notices,
          });
          if (ran.overCap) throw ApplicationFailure.create({ type: 'VALIDATION_FAILED', nonRetryable: true, message: `after the test command, ${ran.overCap}` });
          tests = testOutcome(ran.result);
        }
        const change = await commitAndBundle(deps.sandbox, dir, {
          message: commitMessage(input.messageHead, tests ? tests.passed : input.testsPassedIfNotRun),
          knownSha: input.knownSha,
          limits: sandboxLimits(input.limits, { maxOutputBytes: 50_000 }),
        });
        try {
          const bundle = change.bundle ? await deps.transfers.put(input.workspace, change.bundle) : null;
          return { tests, bundle, notices };
        } finally {
          await change.cleanup();
        }
      })());
    },

    /** Removes the issue's workspace from this host (the issue ended); the TTL sweep catches what this misses. */
    async closeWorkspace(input: { organizationId: string; issueId: string }): Promise<void> {
      // Heartbeats, so a completion lost in an outage is retried after the heartbeat timeout,
      // not the 5-minute start-to-close: the issue's slot is given back after this.
      return withHeartbeat(currentActivity(), (async () => {
        const dir = dirOf(input);
        if (await exists(dir)) await deps.sandbox.stopWorkspace(dir);
        await removeTree(dir);
      })());
    },
  };
}

export type WorkspaceHostActivities = ReturnType<typeof createWorkspaceHostActivities>;

/** A round's commit message: what the orchestration side wrote, and how the tests went. */
export function commitMessage(head: string, testsPassed: boolean | null): string {
  return `${head}\nTests: ${testsPassed === null ? 'not configured' : testsPassed ? 'passed' : 'failed'}`;
}

/** The tests' outcome as the round records it. */
export function testOutcome(tests: SandboxResult): { passed: boolean; summary: string; cancelled: boolean } {
  const passed = tests.outcome === 'exited' && tests.exitCode === 0;
  const summary = `${tests.argv.join(' ')}: ${passed ? 'passed' : `failed (${tests.limitMessage ?? `exit ${tests.exitCode}`})`}\n${(tests.stdout + tests.stderr).slice(-TEST_OUTPUT_CHARS)}`;
  return { passed, summary, cancelled: tests.outcome === 'cancelled' };
}
