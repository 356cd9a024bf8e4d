import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
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

export function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  // Config goes in through GIT_CONFIG_* variables, not -c: argv is visible to every process
  // on the machine and ends up in error messages; an auth header must be in neither.
  const config = [...HARDENING, ...(options.config ?? [])];
  const configEnv: Record<string, string> = { GIT_CONFIG_COUNT: String(config.length) };
  config.forEach((entry, index) => {
    const at = entry.indexOf('=');
    configEnv[`GIT_CONFIG_KEY_${index}`] = entry.slice(0, at);
    configEnv[`GIT_CONFIG_VALUE_${index}`] = entry.slice(at + 1);
  });
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          PATH: process.env.PATH,
          HOME: '/nonexistent',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_ATTR_NOSYSTEM: '1',
          GIT_NO_REPLACE_OBJECTS: '1',
          GIT_TERMINAL_PROMPT: '0',
          LANG: 'C.UTF-8',
          ...configEnv,
        },
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
    await fs.rm(mirror, { recursive: true, force: true });
    await fs.mkdir(mirror, { recursive: true });
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
    await fs.mkdir(path.dirname(dir), { recursive: true });
    try {
      await git(path.dirname(dir), ['clone', '--quiet', '--no-hardlinks', '--branch', branch, '--', mirror, staging]);
      await fs.rename(staging, dir);
      created = true;
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }
  return { dir, mirror, branch, baseSha, created };
}

/**
 * Takes the agent's commits into the mirror from a bundle the sandbox wrote. Reading a
 * bundle is reading a pack, as from any untrusted remote: nothing of the workspace's config
 * or hooks is involved. Returns the branch's new tip.
 */
export async function importBundle(mirror: string, bundleFile: string, branch: string): Promise<string> {
  await git(mirror, ['bundle', 'verify', '--quiet', bundleFile]);
  await git(mirror, ['fetch', '--quiet', '--no-tags', '--', bundleFile, `+HEAD:refs/heads/${branch}`]);
  return branchTip(mirror, branch);
}

export async function branchTip(mirror: string, branch: string): Promise<string> {
  return (await git(mirror, ['rev-parse', '--verify', `refs/heads/${branch}^{commit}`])).trim();
}

/** The branch against the base, computed in the mirror: no diff driver or textconv can run. */
export async function diffInMirror(mirror: string, baseSha: string, branch: string): Promise<string> {
  return git(mirror, ['diff', '--no-ext-diff', '--no-textconv', baseSha, `refs/heads/${branch}`, '--']);
}

/** Removes an issue's workspace and mirror (after it ended). */
export async function removeIssueRepositories(spec: IssueRepositories): Promise<void> {
  await fs.rm(workspaceDir(spec), { recursive: true, force: true });
  await fs.rm(mirrorDir(spec), { recursive: true, force: true });
}
