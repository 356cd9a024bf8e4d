import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Per-issue working copies: a clone of the organization's repository on the branch
 * `agent/org-{organizationId}/{issueId}`. Preparing is idempotent, so a retried or resumed
 * activity finds the same workspace (and any work already in it).
 */

export function branchName(organizationId: string, issueId: string): string {
  return `agent/org-${organizationId}/${issueId}`;
}

export interface GitOptions {
  /** Extra `-c key=value` settings, e.g. an auth header for https remotes (never logged). */
  config?: string[];
  timeoutMs?: number;
}

export function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  const configArgs = (options.config ?? []).flatMap((entry) => ['-c', entry]);
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...configArgs, ...args],
      {
        cwd,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_TERMINAL_PROMPT: '0', LANG: 'C.UTF-8' },
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0]} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

export interface WorkspaceSpec {
  /** Where workspaces live, e.g. `.data/workspaces`. */
  root: string;
  organizationId: string;
  issueId: string;
  /** A git URL or a path (a bare repository for the local code host). */
  remote: string;
  baseBranch: string;
  gitConfig?: string[];
}

export interface PreparedWorkspace {
  dir: string;
  branch: string;
  /** The base commit the branch started from: diffs are taken against it. */
  baseSha: string;
  created: boolean;
}

const AUTHOR = ['user.name=Agent Orchestrator', 'user.email=agent@orchestrator.local'];

export function workspaceDir(spec: Pick<WorkspaceSpec, 'root' | 'organizationId' | 'issueId'>): string {
  return path.join(spec.root, spec.organizationId, spec.issueId);
}

export async function prepareWorkspace(spec: WorkspaceSpec): Promise<PreparedWorkspace> {
  const dir = workspaceDir(spec);
  const branch = branchName(spec.organizationId, spec.issueId);
  const exists = await fs
    .stat(path.join(dir, '.git'))
    .then(() => true)
    .catch(() => false);
  if (!exists) {
    await fs.rm(dir, { recursive: true, force: true }); // a half-made clone from a crash
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await git(path.dirname(dir), ['clone', '--quiet', '--branch', spec.baseBranch, spec.remote, dir], { config: spec.gitConfig });
    // The branch may exist on the remote already (pushed before a crash): continue it.
    const remoteBranch = await git(dir, ['ls-remote', '--heads', 'origin', branch], { config: spec.gitConfig });
    if (remoteBranch.trim()) {
      await git(dir, ['fetch', '--quiet', 'origin', branch], { config: spec.gitConfig });
      await git(dir, ['checkout', '--quiet', '-B', branch, 'FETCH_HEAD']);
    } else {
      await git(dir, ['checkout', '--quiet', '-B', branch]);
    }
  }
  const baseSha = (await git(dir, ['merge-base', 'HEAD', `origin/${spec.baseBranch}`])).trim();
  return { dir, branch, baseSha, created: !exists };
}

/** Commits everything in the workspace; returns the new sha, or null when nothing changed. */
export async function commitAll(dir: string, message: string): Promise<string | null> {
  await git(dir, ['add', '--all']);
  const status = await git(dir, ['status', '--porcelain']);
  if (!status.trim()) return null;
  await git(dir, ['commit', '--quiet', '-m', message], { config: AUTHOR });
  return (await git(dir, ['rev-parse', 'HEAD'])).trim();
}

/** The change so far against the base, including files not yet committed or added. */
export async function diffAgainstBase(dir: string, baseSha: string): Promise<string> {
  await git(dir, ['add', '--all', '--intent-to-add']);
  return git(dir, ['diff', baseSha, '--']);
}

export async function headSha(dir: string): Promise<string> {
  return (await git(dir, ['rev-parse', 'HEAD'])).trim();
}
