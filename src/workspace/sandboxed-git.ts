import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CommandSandbox, SandboxLimits, SandboxResult } from '../sandbox/sandbox';

/**
 * Git over a workspace the agent could have written, run inside the sandbox: the
 * workspace's `.git/config`, `.gitattributes`, hooks and `HOME` files are the attacker's
 * (filters, textconv, fsmonitor, gpg.program, aliases all run commands), so they run where a
 * command can reach nothing. Output is data for the worker, never instructions.
 */

/**
 * The same settings inside as outside, as command-line-level config (GIT_CONFIG_*): above
 * anything the workspace's config says, so our commit is predictable whatever it holds.
 */
const GIT_SETTINGS: Array<[string, string]> = [
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
  ['commit.gpgSign', 'false'],
  ['user.name', 'Agent Orchestrator'],
  ['user.email', 'agent@orchestrator.local'],
];
const GIT_ENV: Record<string, string> = Object.fromEntries([
  ['GIT_CONFIG_COUNT', String(GIT_SETTINGS.length)],
  ...GIT_SETTINGS.flatMap(([key, value], index) => [
    [`GIT_CONFIG_KEY_${index}`, key],
    [`GIT_CONFIG_VALUE_${index}`, value],
  ]),
]);

export class SandboxedGitError extends Error {
  constructor(
    message: string,
    readonly result: SandboxResult,
  ) {
    super(message);
    this.name = 'SandboxedGitError';
  }
}

function failure(what: string, result: SandboxResult): SandboxedGitError {
  const why = result.limitMessage ?? `exit ${result.exitCode}`;
  return new SandboxedGitError(`${what} failed in the sandbox (${why}): ${result.stderr.trim().slice(0, 1000)}`, result);
}

/** The change so far against the base, uncommitted and untracked files included. */
export async function workingDiff(sandbox: CommandSandbox, dir: string, baseSha: string, limits: SandboxLimits): Promise<string> {
  const script = 'git add --all --intent-to-add && exec git diff --no-ext-diff --no-textconv "$1" --';
  const result = await sandbox.run({
    argv: ['/bin/sh', '-c', script, 'diff', baseSha],
    env: GIT_ENV,
    workspace: { hostPath: dir, writable: true },
    limits: { ...limits, maxOutputBytes: Math.max(limits.maxOutputBytes, 1_000_000) },
  });
  if (result.outcome !== 'exited' || result.exitCode !== 0) throw failure('git diff', result);
  return result.stdout + (result.truncated ? '\n… (diff truncated)' : '');
}

/**
 * Commits everything in the workspace and writes the commits since `knownSha` (the tip the
 * mirror already has) as a bundle. Returns the bundle's path, or null when there is nothing
 * new. The caller removes the bundle's directory.
 */
export async function commitAndBundle(
  sandbox: CommandSandbox,
  dir: string,
  input: { message: string; knownSha: string; limits: SandboxLimits },
): Promise<{ bundle: string | null; cleanup: () => Promise<void> }> {
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'change-bundle-'));
  const cleanup = () => fs.rm(outDir, { recursive: true, force: true });
  const bundle = path.join(outDir, 'change.bundle');
  await fs.writeFile(bundle, '', { flag: 'wx' });
  // "$1" the message, "$2" the known tip; exit 3 means "no new commits".
  const script = [
    'set -e',
    `git add --all`,
    `if [ -n "$(git status --porcelain)" ]; then git commit --quiet --no-verify -m "$1" >&2; fi`,
    `if [ "$(git rev-parse HEAD)" = "$2" ]; then exit 3; fi`,
    `exec git bundle create --quiet - HEAD "^$2"`,
  ].join('\n');
  try {
    const result = await sandbox.run({
      argv: ['/bin/sh', '-c', script, 'commit', input.message, input.knownSha],
      env: GIT_ENV,
      workspace: { hostPath: dir, writable: true },
      limits: input.limits,
      stdoutFile: bundle,
    });
    if (result.outcome === 'exited' && result.exitCode === 3) return { bundle: null, cleanup };
    if (result.outcome !== 'exited' || result.exitCode !== 0) throw failure('git commit', result);
    return { bundle, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** `git grep` over a repository mounted read-only (search_files). */
export async function gitGrepInSandbox(
  sandbox: CommandSandbox,
  root: string,
  input: { pattern: string; scope: string; isRepository: boolean },
  limits: SandboxLimits,
): Promise<SandboxResult> {
  return sandbox.run({
    env: GIT_ENV,
    argv: ['git', 'grep', input.isRepository ? '--untracked' : '--no-index', '-n', '-I', '-E', '-e', input.pattern, '--', input.scope],
    workspace: { hostPath: root, writable: false },
    limits: { ...limits, wallTimeMs: Math.min(limits.wallTimeMs, 20_000), maxOutputBytes: 8 * 1024 * 1024 },
  });
}
