import { execFile, spawn } from 'node:child_process';
import { removeTree } from './disk';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * The worker's own git: only in repositories the worker created and the agent never
 * touched, never with the config of a repository the agent could write.
 *
 * Each issue has two repositories:
 * - the **mirror** (`{mirrorsRoot}/{org}/{issue}.git`, bare): fetched from the remote with
 *   credentials, fed the agent's commits as a bundle, pushed from. Never mounted into a
 *   sandbox, so its config, hooks and refs are the worker's alone.
 * - the **workspace** (`{workspacesRoot}/{org}/{issue}`): a clone of the mirror, with no
 *   credentials in it or its config. The agent writes it; from then on every git command
 *   over it runs in the sandbox (sandboxed-git.ts), never here.
 */

export function branchName(organizationId: string, issueId: string): string {
  return `agent/org-${organizationId}/${issueId}`;
}

export interface GitOptions {
  /** Extra `-c key=value` settings, e.g. an auth header for https remotes (never logged). */
  config?: string[];
  timeoutMs?: number;
}

/**
 * Settings every worker git call runs with. No system or global config is read
 * (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL=/dev/null); these override what a repository's
 * own config could say, belt and braces for the repositories we create.
 */
const HARDENING = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.sshCommand=ssh',
  'core.askPass=',
  'credential.helper=',
  'protocol.ext.allow=never',
  'http.proxy=',
  'https.proxy=',
  'gpg.program=false',
  'commit.gpgSign=false',
  'tag.gpgSign=false',
  'diff.external=',
];

/** The whole environment of a worker git call: no system or global config, our settings on top. */
function gitEnv(extraConfig: string[] = []): NodeJS.ProcessEnv {
  // Config goes in through GIT_CONFIG_* variables, not -c: argv is visible to every process
  // on the machine and ends up in error messages; an auth header must be in neither.
  const config = [...HARDENING, ...extraConfig];
  const configEnv: Record<string, string> = { GIT_CONFIG_COUNT: String(config.length) };
  config.forEach((entry, index) => {
    const at = entry.indexOf('=');
    configEnv[`GIT_CONFIG_KEY_${index}`] = entry.slice(0, at);
    configEnv[`GIT_CONFIG_VALUE_${index}`] = entry.slice(at + 1);
  });
  return {
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C.UTF-8',
    ...configEnv,
  };
}

export function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        env: gitEnv(options.config),
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        // Never error.message: it repeats the command line. stderr, without anything that looks like a credential.
        const code = (error as { code?: number | string }).code;
        const killed = (error as { killed?: boolean }).killed ? ' (timed out)' : '';
        const detail = redactCredentials(stderr).trim().slice(0, 2000);
        reject(new Error(`git ${args[0]} failed (exit ${code ?? '?'})${killed}${detail ? `: ${detail}` : ''}`));
      },
    );
  });
}

export function redactCredentials(text: string): string {
  return text.replace(/(authorization:\s*\w+\s+)\S+/gi, '$1***').replace(/\/\/[^/@\s]+@/g, '//***@');
}

export interface IssueRepositories {
  /** Where workspaces live, e.g. `.data/workspaces`. */
  workspacesRoot: string;
  /** Where the worker's mirrors live, e.g. `.data/git-mirrors`. Never inside workspacesRoot. */
  mirrorsRoot: string;
  organizationId: string;
  issueId: string;
}

export interface RemoteSpec extends IssueRepositories {
  /** A git URL or a path (a bare repository for the local code host). */
  remote: string;
  baseBranch: string;
  /** Auth for the remote (`http.extraHeader=…`); used only in the mirror. */
  gitConfig?: string[];
  /** Who the workspace's files belong to: the sandbox's user (CommandSandbox.fileOwner). */
  owner?: { uid: number; gid: number };
}

export interface PreparedWorkspace {
  dir: string;
  mirror: string;
  branch: string;
  /** The base commit the branch started from: diffs are taken against it. */
  baseSha: string;
  /** True when this call made the workspace (first time, or again after a sweep). */
  created: boolean;
}

export function workspaceDir(spec: Pick<IssueRepositories, 'workspacesRoot' | 'organizationId' | 'issueId'>): string {
  return path.join(spec.workspacesRoot, spec.organizationId, spec.issueId);
}

export function mirrorDir(spec: Pick<IssueRepositories, 'mirrorsRoot' | 'organizationId' | 'issueId'>): string {
  return path.join(spec.mirrorsRoot, spec.organizationId, `${spec.issueId}.git`);
}

const READY = 'agent-orchestrator-ready';
const exists = (file: string) => fs.stat(file).then(() => true, () => false);

/**
 * The issue's mirror: the base branch and, if the remote already has it (pushed before a
 * crash), the issue branch. Made once; a half-made mirror (no ready marker) is made again.
 */
export async function prepareMirror(spec: RemoteSpec): Promise<{ mirror: string; branch: string; baseSha: string }> {
  const mirror = mirrorDir(spec);
  const branch = branchName(spec.organizationId, spec.issueId);
  if (!(await exists(path.join(mirror, READY)))) {
    await removeTree(mirror);
    // Only the worker enters the mirrors: the sandbox user cannot even list them.
    await fs.mkdir(spec.mirrorsRoot, { recursive: true, mode: 0o700 });
    await fs.mkdir(mirror, { recursive: true, mode: 0o700 });
    await git(mirror, ['init', '--quiet', '--bare']);
    const auth = { config: spec.gitConfig };
    await git(mirror, ['fetch', '--quiet', '--no-tags', '--', spec.remote, `+refs/heads/${spec.baseBranch}:refs/heads/${spec.baseBranch}`], auth);
    const remoteBranch = await git(mirror, ['ls-remote', '--heads', '--', spec.remote, `refs/heads/${branch}`], auth);
    if (remoteBranch.trim()) {
      await git(mirror, ['fetch', '--quiet', '--no-tags', '--', spec.remote, `+refs/heads/${branch}:refs/heads/${branch}`], auth);
    } else {
      await git(mirror, ['update-ref', `refs/heads/${branch}`, `refs/heads/${spec.baseBranch}`]);
    }
    await git(mirror, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
    await fs.writeFile(path.join(mirror, READY), new Date().toISOString());
  }
  const baseSha = (await git(mirror, ['merge-base', `refs/heads/${spec.baseBranch}`, `refs/heads/${branch}`])).trim();
  return { mirror, branch, baseSha };
}

/**
 * The mirror and the workspace, both made if missing. Idempotent: a retried or resumed
 * activity finds the same workspace (and the agent's work in it). A workspace removed by the
 * TTL sweep is cloned again from the mirror, which holds every change committed so far.
 * No git command runs inside an existing workspace.
 */
export async function prepareWorkspace(spec: RemoteSpec): Promise<PreparedWorkspace> {
  const { mirror, branch, baseSha } = await prepareMirror(spec);
  const dir = workspaceDir(spec);
  let created = false;
  if (!(await exists(dir))) {
    // Cloned beside the target and renamed into place: a crash never leaves a half-made workspace.
    const staging = `${dir}.staging-${randomUUID()}`;
    // The organization's folder may be entered but not listed by other users (0711); the
    // workspace itself is its owner's alone (0700).
    await fs.mkdir(path.dirname(dir), { recursive: true, mode: 0o711 });
    try {
      await git(path.dirname(dir), ['clone', '--quiet', '--no-hardlinks', '--branch', branch, '--', mirror, staging]);
      await fs.chmod(staging, 0o700);
      if (spec.owner) await chownTree(staging, spec.owner);
      await fs.rename(staging, dir);
      created = true;
    } finally {
      await removeTree(staging);
    }
  }
  return { dir, mirror, branch, baseSha, created };
}

/**
 * A worker git call whose output is streamed to `onData`; `onData` answering false stops it
 * (the process is killed). Resolves with whether it was stopped.
 */
function gitStreamed(cwd: string, args: string[], onData: (chunk: Buffer) => boolean, options: GitOptions = {}): Promise<{ stopped: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env: gitEnv(options.config), stdio: ['ignore', 'pipe', 'pipe'] });
    let stopped = false;
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      if (!onData(chunk)) {
        stopped = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (stopped || code === 0) return resolve({ stopped });
      reject(new Error(`git ${args[0]} failed (exit ${code ?? 'signal'}): ${redactCredentials(stderr).trim().slice(0, 2000)}`));
    });
  });
}

/** The agent's change is not acceptable as it is (too large): retrying cannot help. */
export class ChangeRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChangeRejectedError';
  }
}

export interface ChangeLimits {
  /** The tip's checked-out size: every path's blob counted, however often a blob repeats. */
  maxCheckoutBytes: number;
  /** Paths in the tip's tree. */
  maxEntries: number;
}

/** Refuses a commit whose checkout would be larger than the limits (a small bundle can describe a huge tree). */
async function checkCheckoutSize(mirror: string, ref: string, limits: ChangeLimits): Promise<void> {
  let entries = 0;
  let bytes = 0;
  let rest = '';
  let problem: string | undefined;
  await gitStreamed(mirror, ['ls-tree', '-r', '-l', '-z', ref], (chunk) => {
    const records = (rest + chunk.toString('latin1')).split('\0');
    rest = records.pop() ?? '';
    for (const record of records) {
      entries += 1;
      const size = Number(record.slice(0, record.indexOf('\t')).trim().split(/\s+/)[3]);
      if (Number.isFinite(size)) bytes += size;
    }
    if (entries > limits.maxEntries) problem = `over ${limits.maxEntries} files`;
    else if (bytes > limits.maxCheckoutBytes) problem = `over ${Math.round(limits.maxCheckoutBytes / 1024 / 1024)} MiB when checked out`;
    return problem === undefined;
  });
  if (problem) throw new ChangeRejectedError(`the change is too large: ${problem} (settings.sandbox.workspaceMb)`);
}

/**
 * Refuses a change that touches a path the rule refuses — whoever wrote it: the agent's
 * tools check each write, but a command (the tests included) runs repository code that can
 * write anywhere in the workspace. Computed in the mirror, renames as a delete and an add.
 */
async function checkChangedPaths(mirror: string, baseSha: string, ref: string, refusal: (path: string) => string | null): Promise<void> {
  const changed = (await git(mirror, ['diff', '--no-ext-diff', '--no-renames', '--name-only', '-z', baseSha, ref, '--'])).split('\0').filter(Boolean);
  const refused = changed.map(refusal).filter((problem): problem is string => problem !== null);
  if (refused.length > 0) {
    throw new ChangeRejectedError(`the change touches files its worker type may not: ${refused.slice(0, 5).join('; ')}${refused.length > 5 ? ` (and ${refused.length - 5} more)` : ''}`);
  }
}

/**
 * Takes the agent's commits into the mirror from a bundle the sandbox wrote. Reading a
 * bundle is reading a pack, as from any untrusted remote: nothing of the workspace's config
 * or hooks is involved; only the bundle's HEAD is taken, into a temporary ref, and becomes
 * the branch once its checkout is known to fit the limits. Returns the branch's new tip.
 */
export async function importBundle(
  mirror: string,
  bundleFile: string,
  branch: string,
  limits: ChangeLimits,
  /** A rule on the paths the branch changes against `baseSha` (a worker type's): a refusal rejects the change. */
  paths?: { baseSha: string; refusal(path: string): string | null },
): Promise<string> {
  const { size } = await fs.stat(bundleFile);
  if (size > limits.maxCheckoutBytes) throw new ChangeRejectedError(`the change is too large: a ${Math.round(size / 1024 / 1024)} MiB bundle (settings.sandbox.workspaceMb)`);
  await git(mirror, ['bundle', 'verify', '--quiet', bundleFile]);
  const incoming = `refs/incoming/${randomUUID()}`;
  await git(mirror, ['fetch', '--quiet', '--no-tags', '--', bundleFile, `+HEAD:${incoming}`], { config: ['fetch.fsckObjects=true'] });
  try {
    const type = (await git(mirror, ['cat-file', '-t', incoming])).trim();
    if (type !== 'commit') throw new ChangeRejectedError(`the change's HEAD is a ${type}, not a commit`);
    await checkCheckoutSize(mirror, incoming, limits);
    if (paths) await checkChangedPaths(mirror, paths.baseSha, incoming, paths.refusal);
    await git(mirror, ['update-ref', `refs/heads/${branch}`, incoming]);
  } finally {
    await git(mirror, ['update-ref', '-d', incoming]).catch(() => undefined);
  }
  return branchTip(mirror, branch);
}

/**
 * The issue's branch (and so its base) as a bundle a workspace worker clones from: written in
 * a temporary directory the caller removes with `cleanup`.
 */
export async function exportBranch(mirror: string, branch: string): Promise<{ file: string; cleanup: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'workspace-export-'));
  const cleanup = () => removeTree(dir);
  const file = path.join(dir, 'branch.bundle');
  try {
    await git(mirror, ['bundle', 'create', '--quiet', file, `refs/heads/${branch}`]);
    return { file, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export async function branchTip(mirror: string, branch: string): Promise<string> {
  return (await git(mirror, ['rev-parse', '--verify', `refs/heads/${branch}^{commit}`])).trim();
}

export const MAX_DIFF_BYTES = 5 * 1024 * 1024;

/**
 * The branch against the base, computed in the mirror: no diff driver or textconv can run.
 * Files over 1 MiB count as binary; the text stops at `maxBytes` with a note saying so.
 */
export async function diffInMirror(mirror: string, baseSha: string, branch: string, maxBytes = MAX_DIFF_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let kept = 0;
  const { stopped } = await gitStreamed(
    mirror,
    ['diff', '--no-ext-diff', '--no-textconv', baseSha, `refs/heads/${branch}`, '--'],
    (chunk) => {
      chunks.push(chunk.subarray(0, maxBytes - kept));
      kept += Math.min(chunk.length, maxBytes - kept);
      return kept < maxBytes;
    },
    { config: ['core.bigFileThreshold=1m'] },
  );
  const text = Buffer.concat(chunks).toString('utf8');
  return stopped ? `${text}\n… (diff truncated at ${Math.round(maxBytes / 1024 / 1024)} MiB)` : text;
}

/** Gives a tree to `owner` (symlinks themselves, never what they point at). */
export async function chownTree(root: string, owner: { uid: number; gid: number }): Promise<void> {
  const pending = [root];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    await fs.lchown(current, owner.uid, owner.gid);
    const entries = await fs.readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else await fs.lchown(full, owner.uid, owner.gid);
    }
  }
}

/** Removes an issue's mirror and workspace (after it ended); each is tried even if the other fails. */
export async function removeIssueRepositories(spec: IssueRepositories): Promise<void> {
  const results = await Promise.allSettled([removeTree(mirrorDir(spec)), removeTree(workspaceDir(spec))]);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) throw failed.reason;
}
