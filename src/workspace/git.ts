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

/**
 * Settings every git call runs with, above anything a repository's own .git/config says:
 * no hooks, no fsmonitor command, no credential prompts. Repository code (a test command)
 * can write .git/config; it must not be able to make our git run commands.
 */
const HARDENING = ['core.hooksPath=/dev/null', 'core.fsmonitor=false', 'protocol.ext.allow=never', 'credential.helper='];

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
        env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_TERMINAL_PROMPT: '0', LANG: 'C.UTF-8', ...configEnv },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        // Never error.message: it repeats the command line. stderr, without anything that looks like a credential.
        const code = (error as { code?: number | string }).code;
        const killed = (error as { killed?: boolean }).killed ? ' (timed out)' : '';
        const detail = stderr.replace(/(authorization:\s*\w+\s+)\S+/gi, '$1***').replace(/\/\/[^/@\s]+@/g, '//***@').trim().slice(0, 2000);
        reject(new Error(`git ${args[0]} failed (exit ${code ?? '?'})${killed}${detail ? `: ${detail}` : ''}`));
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
    await git(path.dirname(dir), ['clone', '--quiet', '--branch', spec.baseBranch, '--', spec.remote, dir], { config: spec.gitConfig });
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
